using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Cmdb.Import;

/// <summary>A CI an import creates or changes, with what changes (<c>tier: 2 → 1</c>).</summary>
public sealed record ImportedCi(int Line, string Name, CiType Type, bool Created, IReadOnlyList<string> Changes);

/// <summary>What an import did, or (a dry run) would do. With errors nothing was written.</summary>
public sealed record ImportResult(
    bool Written,
    IReadOnlyList<ImportedCi> Cis,
    int Unchanged,
    IReadOnlyList<string> LinksAdded,
    IReadOnlyList<ImportError> Errors)
{
    public int Created => Cis.Count(c => c.Created);

    public int Updated => Cis.Count(c => !c.Created);
}

/// <summary>
/// Imports CIs into a tenant's CMDB, all or nothing, in one transaction. A row names a CI by its
/// natural key: its serial number where given, otherwise its name (a CI of that name and another type
/// is an error). Values given replace the CI's, empty cells leave them, links are added and never
/// removed; so importing the same file twice changes nothing the second time. A dry run does all the
/// work and rolls it back, reporting what would change.
/// </summary>
public sealed class CmdbImporter(BakeryDbContext db, IdentityService identities, Synthetic.SyntheticCheckService synthetic, Sla.SlaClocks slaClocks, TimeProvider clock)
{
    /// <summary>How imports appear in the audit trail.</summary>
    public const string AuditSource = "import";

    private static readonly string[] PeopleKeys = ["owner", "sme"];

    public async Task<ImportResult> ImportAsync(Tenant tenant, IReadOnlyList<CiRow> rows, bool dryRun, CancellationToken ct)
    {
        db.Actor = new AuditActor(null, AuditSource);
        var errors = new List<ImportError>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // People first, so that the CIs are saved once.
        var people = await PeopleAsync(tenant, rows, ct);
        var names = await db.People.Where(p => p.TenantId == tenant.Id).Select(p => new { p.Id, p.DisplayName })
            .ToDictionaryAsync(p => p.Id, p => p.DisplayName, ct);
        var existing = await ExistingAsync(tenant.Id, rows, ct);
        var byRow = new Dictionary<CiRow, ConfigurationItem>();
        var seen = new Dictionary<object, int>();
        var imported = new List<ImportedCi>();
        var unchanged = 0;
        foreach (var row in rows)
        {
            try
            {
                var (ci, created, changes) = await UpsertAsync(tenant.Id, row, existing, people, names, seen);
                byRow[row] = ci;
                if (created || changes.Count > 0)
                {
                    imported.Add(new ImportedCi(row.Line, ci.Name, ci.Type, created, changes));
                }
                else
                {
                    unchanged++;
                }
            }
            catch (UserException ex)
            {
                errors.Add(new ImportError(row.Line, ex.Message));
            }
        }

        if (errors.Count > 0)
        {
            return await FailAsync(transaction, errors, ct);
        }

        await db.SaveChangesAsync(ct);
        var links = await LinkAsync(tenant.Id, rows, byRow, existing, errors, ct);
        if (errors.Count > 0)
        {
            return await FailAsync(transaction, errors, ct);
        }

        await db.SaveChangesAsync(ct);
        // A check_url column starts (or with `none` stops) synthetic checks; an import has no
        // conversation, so a new check posts where its URL was last set in chat, or nowhere.
        foreach (var ci in byRow.Where(r => r.Key.Values.Any(v => v.Key == AssetValues.CheckUrlKey)).Select(r => r.Value))
        {
            await synthetic.WatchAsync(ci, null, null, ct);
        }

        if (links.Count > 0)
        {
            // What the open incidents reach may have changed: their SLA clocks follow, in the import's commit.
            await slaClocks.PlanOpenAsync(tenant.Id, ct);
            await db.SaveChangesAsync(ct);
        }

        if (dryRun)
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
        }
        else
        {
            await transaction.CommitAsync(ct);
        }

        return new ImportResult(!dryRun, imported, unchanged, links, []);
    }

    private async Task<ImportResult> FailAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, List<ImportError> errors, CancellationToken ct)
    {
        await transaction.RollbackAsync(ct);
        db.ChangeTracker.Clear();
        return new ImportResult(false, [], 0, [], errors.OrderBy(e => e.Line).ToList());
    }

    /// <summary>The people the rows name (owner, sme), found or created as a mention would be.</summary>
    private async Task<Dictionary<string, int>> PeopleAsync(Tenant tenant, IReadOnlyList<CiRow> rows, CancellationToken ct)
    {
        var people = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            foreach (var (_, value) in row.Values.Where(v => PeopleKeys.Contains(v.Key)))
            {
                foreach (var mention in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    // Ids that are not ids are reported with their row when the row is applied.
                    if (UserId(mention) is { } id && !people.ContainsKey(id))
                    {
                        people[id] = (await identities.FindOrCreateAsync(tenant, id, ct)).Id;
                    }
                }
            }
        }

        return people;
    }

    /// <summary>A user id from <c>U024BE7LH</c>, <c>@U024BE7LH</c> or <c>&lt;@U024BE7LH|name&gt;</c>.</summary>
    public static string? UserId(string mention)
    {
        var text = mention.Trim();
        if (text.StartsWith("<@", StringComparison.Ordinal) && text.EndsWith('>'))
        {
            text = text[2..^1].Split('|')[0];
        }

        text = text.TrimStart('@');
        return text.Length is > 0 and <= 128 && text.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? text
            : null;
    }

    private sealed record Existing(Dictionary<string, ConfigurationItem> ByKey, Dictionary<string, ConfigurationItem> BySerial);

    /// <summary>The CIs the rows may name, by key and by serial (loaded in chunks: SQLite's parameter limit).</summary>
    private async Task<Existing> ExistingAsync(int tenantId, IReadOnlyList<CiRow> rows, CancellationToken ct)
    {
        var keys = rows.Select(r => ConfigurationItem.KeyOf(r.Name))
            .Concat(rows.SelectMany(r => r.Links).Select(l => ConfigurationItem.KeyOf(l.Target)))
            .Distinct().ToList();
        var serials = rows.SelectMany(r => r.Values).Where(v => v.Key == "serial").Select(v => v.Value).Distinct().ToList();
        var found = new Dictionary<int, ConfigurationItem>();
        foreach (var chunk in keys.Chunk(CmdbGraph.ChunkSize))
        {
            foreach (var ci in await db.ConfigurationItems.Include(c => c.Experts).Where(c => c.TenantId == tenantId && chunk.Contains(c.Key)).ToListAsync(ct))
            {
                found[ci.Id] = ci;
            }
        }

        foreach (var chunk in serials.Chunk(CmdbGraph.ChunkSize))
        {
            foreach (var ci in await db.ConfigurationItems.Include(c => c.Experts).Where(c => c.TenantId == tenantId && c.Serial != null && chunk.Contains(c.Serial)).ToListAsync(ct))
            {
                found[ci.Id] = ci;
            }
        }

        return new Existing(
            found.Values.ToDictionary(c => c.Key, StringComparer.Ordinal),
            found.Values.Where(c => c.Serial is not null).GroupBy(c => c.Serial!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));
    }

    private async Task<(ConfigurationItem Ci, bool Created, List<string> Changes)> UpsertAsync(
        int tenantId, CiRow row, Existing existing, Dictionary<string, int> people, Dictionary<int, string> names, Dictionary<object, int> seen)
    {
        var type = CmdbService.ParseType(row.Type);
        if (!CmdbService.IsValidName(row.Name))
        {
            throw new UserException($"`{row.Name}` can't be a CI name: use letters, digits, `-`, `_` and `.` (up to 100), like `oven-2`.");
        }

        var key = ConfigurationItem.KeyOf(row.Name);
        var serial = row.Values.LastOrDefault(v => v.Key == "serial").Value;
        var ci = serial is not null && existing.BySerial.TryGetValue(serial, out var bySerial) ? bySerial : existing.ByKey.GetValueOrDefault(key);
        // Each CI once per file: the same CI (by name or serial) on a second line is a mistake.
        if ((ci is not null && seen.TryGetValue(ci, out var firstLine)) || (serial is not null && seen.TryGetValue("serial:" + serial, out firstLine)))
        {
            throw new UserException($"`{row.Name}` is on line {firstLine} already; each CI once per file.");
        }

        if (serial is not null)
        {
            seen["serial:" + serial] = row.Line;
        }

        if (ci is not null && ci.Type != type)
        {
            throw new UserException($"`{ci.Name}` is in the CMDB as {CmdbService.WithArticle(ci.Type)}, not {CmdbService.WithArticle(type)}.");
        }

        var created = ci is null;
        var before = ci is null ? [] : CmdbService.Describe(ci, names);
        if (ci is null)
        {
            ci = new ConfigurationItem { TenantId = tenantId, Type = type, Name = row.Name, Key = key, CreatedAt = clock.GetUtcNow(), UpdatedAt = clock.GetUtcNow() };
            db.ConfigurationItems.Add(ci);
            existing.ByKey[key] = ci;
        }
        else if (ci.Key != key)
        {
            // Found by its serial under another name: the file renames it.
            if (existing.ByKey.TryGetValue(key, out var other) && other != ci)
            {
                throw new UserException($"Serial `{serial}` is `{ci.Name}`, and the name `{row.Name}` is another CI's.");
            }

            existing.ByKey.Remove(ci.Key);
            (ci.Name, ci.Key) = (row.Name, key);
            existing.ByKey[key] = ci;
        }

        foreach (var (attribute, value) in row.Values)
        {
            await CmdbService.SetAsync(ci, attribute, value, mention => UserId(mention) is { } id && people.TryGetValue(id, out var person)
                ? Task.FromResult(person)
                : throw new UserException($"`{mention}` in `{attribute}` is not a user id; write the platform's id, like `U024BE7LH` or `<@U024BE7LH>`."));
        }

        if (serial is not null)
        {
            existing.BySerial[serial] = ci;
        }

        seen[ci] = row.Line;

        var changes = created ? [] : CmdbService.Differences(before, CmdbService.Describe(ci, names));
        if (!created && changes.Count > 0)
        {
            ci.UpdatedAt = clock.GetUtcNow();
        }

        return (ci, created, changes);
    }

    private async Task<List<string>> LinkAsync(int tenantId, IReadOnlyList<CiRow> rows, Dictionary<CiRow, ConfigurationItem> byRow, Existing existing, List<ImportError> errors, CancellationToken ct)
    {
        var sources = byRow.Values.Select(c => c.Id).Distinct().ToList();
        var present = new HashSet<(int, CiRelation, int)>();
        foreach (var chunk in sources.Chunk(CmdbGraph.ChunkSize))
        {
            foreach (var link in await db.CiRelationships.Where(r => r.TenantId == tenantId && chunk.Contains(r.SourceId))
                         .Select(r => new { r.SourceId, r.Relation, r.TargetId }).ToListAsync(ct))
            {
                present.Add((link.SourceId, link.Relation, link.TargetId));
            }
        }

        var added = new List<string>();
        foreach (var row in rows)
        {
            var source = byRow[row];
            foreach (var link in row.Links)
            {
                if (!existing.ByKey.TryGetValue(ConfigurationItem.KeyOf(link.Target), out var target))
                {
                    errors.Add(new ImportError(row.Line, $"`{link.Target}` ({CmdbService.RelationWord(link.Relation)}) is neither in the CMDB nor in the file."));
                    continue;
                }

                if (target == source)
                {
                    errors.Add(new ImportError(row.Line, $"`{source.Name}` can't be linked to itself."));
                    continue;
                }

                if (present.Add((source.Id, link.Relation, target.Id)))
                {
                    db.CiRelationships.Add(new CiRelationship
                    {
                        TenantId = tenantId,
                        SourceId = source.Id,
                        Relation = link.Relation,
                        TargetId = target.Id,
                        RedundancyGroup = link.Group,
                        CreatedAt = clock.GetUtcNow(),
                    });
                    added.Add($"{source.Name} {CmdbService.RelationWord(link.Relation)} {target.Name}{(link.Group is { } g ? $" (redundant: {g})" : "")}");
                }
            }
        }

        return added;
    }
}
