using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Cmdb.Import;
using BakeryBot.Core.People;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Cmdb;

/// <summary><c>bakerybot import</c>: all or nothing, idempotent by natural key, with a dry run, on each database.</summary>
public abstract class ImportTests(DbProvider provider)
{
    private const string Chain = """
        type,name,tier,owner,sme,uptime,vendor,serial,depends-on,runs-on,purchase-date
        service,online-ordering,1,<@alice>,"bob,carol",99.9,,,payments;web-cluster,,
        cloud,web-cluster,,,,99.95,aws,,,,
        asset,oven-7,,,,,Rational,OV-7007,,,2025-01-10
        service,payments,2,,,,,,,web-cluster redundant:cloud,
        """;

    [SkippableFact]
    public async Task An_import_creates_the_cis_and_links_audits_them_and_a_second_run_changes_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var first = await ImportAsync(app, Chain);
        var afterFirst = await app.SnapshotAsync();
        var second = await ImportAsync(app, Chain);

        Assert.Empty(first.Errors);
        Assert.True(first.Written);
        Assert.Equal((4, 0, 0), (first.Created, first.Updated, first.Unchanged));
        Assert.Equal(["online-ordering depends-on payments", "online-ordering depends-on web-cluster", "payments runs-on web-cluster (redundant: cloud)"], first.LinksAdded);
        Assert.Equal((0, 0, 4, 0), (second.Created, second.Updated, second.Unchanged, second.LinksAdded.Count));
        Assert.Equal(afterFirst, await app.SnapshotAsync());

        var card = Assert.Single((await app.SendAsync("cmdb", "show online-ordering")).Cards);
        var fields = Assert.IsType<FieldsSection>(card.Sections[0]).Fields;
        Assert.Contains(new CardField("Owner", "Alice"), fields);
        Assert.Contains(new CardField("Experts", "bob, carol"), fields);
        Assert.Contains(new CardField("Uptime commitment", "99.9%"), fields);
        var oven = await app.QueryAsync(db => db.ConfigurationItems.SingleAsync(c => c.Key == "oven-7"));
        Assert.Equal(("OV-7007", "Rational", "2025-01-10"), (oven.Serial, oven.Vendor, oven.Attributes["purchase-date"]));
        var audit = await app.QueryAsync(db => db.AuditEntries.Where(a => a.RecordType == "ci" || a.RecordType == "ci-relationship").ToListAsync());
        Assert.Equal(9, audit.Count); // four CIs, two experts, three links
        Assert.All(audit, a => Assert.Equal((CmdbImporter.AuditSource, "created"), (a.Platform, a.Action)));
    }

    [SkippableFact]
    public async Task A_dry_run_reports_what_would_change_and_writes_nothing()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-7 serial:OV-7007 tier:3");
        var before = await app.SnapshotAsync();

        var plan = await ImportAsync(app, Chain, dryRun: true);

        Assert.Empty(plan.Errors);
        Assert.False(plan.Written);
        Assert.Equal((3, 1, 0), (plan.Created, plan.Updated, plan.Unchanged));
        var oven = Assert.Single(plan.Cis, c => !c.Created);
        Assert.Equal((4, "oven-7"), (oven.Line, oven.Name));
        Assert.Equal(["purchase-date: none → 2025-01-10", "vendor: none → Rational"], oven.Changes);
        Assert.Equal(3, plan.LinksAdded.Count);
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(0, await app.QueryAsync(db => db.CiRelationships.CountAsync()));
    }

    [SkippableFact]
    public async Task A_file_with_bad_rows_reports_each_with_its_line_and_writes_nothing_not_even_the_good_rows()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add software pos-app");
        var before = await app.SnapshotAsync();
        const string file = """
            type,name,tier,uptime,owner,depends-on
            service,shop,1,99.9,<@bob>,pos-app
            asset,pos-app,,,,
            service,bakery web,,,,
            service,cart,7,,,
            service,checkout,,lots,,
            service,delivery,,,,nowhere
            asset,oven-1,,,Bob Baker,
            service,shop,2,,,
            """;

        var result = await ImportAsync(app, file);

        Assert.False(result.Written);
        Assert.Equal(
        [
            "line 3: `pos-app` is in the CMDB as software, not an asset.",
            "line 4: `bakery web` can't be a CI name: use letters, digits, `-`, `_` and `.` (up to 100), like `oven-2`.",
            "line 5: `tier:7` is not a tier; use `tier:1` (most critical) to `tier:4`.",
            "line 6: `uptime:lots` is not a percentage; write it like `uptime:99.95`.",
            "line 8: `Bob Baker` in `owner` is not a user id; write the platform's id, like `U024BE7LH` or `<@U024BE7LH>`.",
            "line 9: `shop` is on line 2 already; each CI once per file.",
        ], result.Errors.Select(e => e.ToString()));
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(1, await app.QueryAsync(db => db.ConfigurationItems.CountAsync()));
        Assert.Equal(0, await app.QueryAsync(db => db.People.CountAsync(p => p.DisplayName == "bob")));

        // Once the rows are right, the link to a CI that exists nowhere is the last problem.
        var links = await ImportAsync(app, "type,name,depends-on\nservice,shop,pos-app\nservice,delivery,nowhere\n");
        Assert.Equal(["line 3: `nowhere` (depends-on) is neither in the CMDB nor in the file."], links.Errors.Select(e => e.ToString()));
        Assert.Equal(1, await app.QueryAsync(db => db.ConfigurationItems.CountAsync()));
    }

    [SkippableFact]
    public async Task An_asset_is_recognised_by_its_serial_number_so_a_new_name_renames_it()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("cmdb", "add asset oven-7 serial:OV-7007");
        await app.SendAsync("cmdb", "add asset oven-8 serial:OV-8008");

        var renamed = await ImportAsync(app, "type,name,serial\nasset,oven-7b,OV-7007\n");
        var clash = await ImportAsync(app, "type,name,serial\nasset,oven-8,OV-7007\n");

        Assert.Equal(["name: oven-7 → oven-7b"], Assert.Single(renamed.Cis).Changes);
        Assert.Equal(["oven-7b", "oven-8"], await app.QueryAsync(db => db.ConfigurationItems.OrderBy(c => c.Key).Select(c => c.Name).ToListAsync()));
        Assert.Equal(["line 2: Serial `OV-7007` is `oven-7b`, and the name `oven-8` is another CI's."], clash.Errors.Select(e => e.ToString()));
    }

    [SkippableFact]
    public async Task A_json_file_imports_like_the_same_csv()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);
        const string json = """
            [
              {"type": "cloud", "name": "web-cluster", "uptime": 99.95, "vendor": "aws"},
              {"type": "service", "name": "payments", "tier": 2, "runs-on": ["web-cluster redundant:cloud"], "attributes": {"pci": "yes"}}
            ]
            """;

        var (rows, errors) = CiFileReader.ReadJson(json);
        Assert.Empty(errors);
        var result = await ImportAsync(app, rows);

        Assert.Equal((2, 1), (result.Created, result.LinksAdded.Count));
        var payments = await app.QueryAsync(db => db.ConfigurationItems.SingleAsync(c => c.Key == "payments"));
        Assert.Equal((2, "yes"), (payments.Tier, payments.Attributes["pci"]));
        var link = await app.QueryAsync(db => db.CiRelationships.SingleAsync());
        Assert.Equal((CiRelation.RunsOn, "cloud"), (link.Relation, link.RedundancyGroup));
    }

    private static async Task<ImportResult> ImportAsync(CoreTestApp app, string csv, bool dryRun = false)
    {
        var (rows, errors) = CiFileReader.ReadCsv(csv);
        Assert.Empty(errors);
        return await ImportAsync(app, rows, dryRun);
    }

    private static async Task<ImportResult> ImportAsync(CoreTestApp app, IReadOnlyList<CiRow> rows, bool dryRun = false)
    {
        // The tenant of the test commands (T1), made by a first command if need be.
        await app.SendAsync("cmdb", "find nothing-at-all");
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryBot.Core.Data.BakeryDbContext>();
        Tenant tenant = await db.Tenants.SingleAsync(t => t.ExternalId == "T1");
        return await scope.ServiceProvider.GetRequiredService<CmdbImporter>().ImportAsync(tenant, rows, dryRun, CancellationToken.None);
    }
}

public sealed class SqliteImportTests() : ImportTests(DbProvider.Sqlite);

public sealed class PostgresImportTests() : ImportTests(DbProvider.Postgres);
