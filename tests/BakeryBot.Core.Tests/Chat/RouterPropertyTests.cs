using System.Text.RegularExpressions;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Chat;

/// <summary>
/// Every command verb, button and form of the <see cref="CommandMap"/>, end to end through the router,
/// with random and hostile text made of that verb's own words mixed with junk: the answer is never the
/// "something went wrong" reply of an exception that escaped a handler, it always says something, and a
/// refusal changed nothing in the database.
/// </summary>
public abstract partial class RouterPropertyTests(DbProvider provider)
{
    /// <summary>
    /// Cases per property: thousands on SQLite; a few hundred on PostgreSQL, where each costs more round
    /// trips, to catch what only its stricter text type refuses. Each case also counts every table twice.
    /// </summary>
    private long Iterations(int sqlite) => provider == DbProvider.Sqlite ? sqlite : 400;

    private static readonly string[] Users = ["alice", "bob", "admin"];

    // Words the commands read: record ids (existing and not), severities, durations, days and times,
    // mentions, channels, quotes, CI names, relations, types, roles and the verbs' own little words.
    private static readonly string[] RealWords =
    [
        "INC-1", "INC-2", "PRB-1", "CHG-1", "CHG-2", "DRL-1", "INC-999999", "CHG-0", "prb-01", "DRL-99999999999",
        "sev1", "SEV2", "sev4", "sev0", "sev9", "3",
        "90m", "2h30m", "1h 30m", "1:30", "1.5h", "0m", "-5m", "4000d", "1w2d", "0.001s",
        "2026-12-01", "2026-12-01T22:00", "tomorrow", "tomorrow 22:00", "fri 06:30", "yesterday", "mon", "today", "2026-02-30", "0001-01-01", "9999-12-31",
        "2026-12-20..2026-12-27", "2026-12-27..2026-12-20", "+2h", "22:00", "24:00",
        "<@U1>", "<@U2|bob>", "<@bob>", "<@admin>", "<@alice>", "<at>Bob</at>", "<#C1|incidents>", "<#C2>", "<C9|>", "<https://example.com|x>",
        "\"a quoted title\"", "\u201Ccurly quotes\u201D", "'single'",
        "oven-1", "shop", "bakery-2", "thermostat", "cloud-1",
        "pass", "fail", "failed", "all", "last", "october", "2026-10", "weekly", "now", "revoke", "list", "add", "remove", "help",
        "cab", "manager", "admin", "commander", "scribe", "communications",
        "depends-on", "runs-on", "part-of", "supplied-by", "service", "asset", "facility", "software", "cloud", "person",
        "low", "medium", "high", "standard", "normal", "emergency", "pending", "scheduled", "mine", "week",
        "alertmanager", "discovery", "none", "true", "false", "1", "2", "99.9", "lsit", "resovle",
    ];

    // Hostile pieces: control characters, invisible and direction marks, lone surrogates, broken markup,
    // numbers at and past every limit, dangerous links and time zones, deep nests of quotes.
    private static readonly string[] HostileWords =
    [
        "\0", "\u0001", "\u001b[31m", "\u007f", "\u200b", "\u202e", "\ufeff", "\ud800", "\udc00", "x\ud83d", "\ud83d\ude00", "\r\n", "\t",
        "<", ">", "<@", "<#", "<@U1", "<@U1|", "<#C1|", "<>", "<at>", "</at>", "<at></at>", "<!here>", "<!channel>", "<@\u0000>", "<#\ud800|x>",
        "key:", ":", "::", ":value", "a:b:c", "ci:", "ci:\"", "ci:<@U1>", "x:" + new string('y', 40), new string('k', 33) + ":v",
        "-1", "0", "1e309", "NaN", "\u221E", "\u0663", "99999999999999999999", "-0", "1.", "79228162514264337593543950336",
        "tz:Mars/Olympus", "tz:../../etc/passwd", "tz:UTC", "tz:", "tz:Europe/Paris", "tz:America/Argentina/ComodRivadavia",
        "http://", "https://user:pw@example.com/", "javascript:alert(1)", "file:///etc/passwd", "http://[::1", "http://localhost:0/",
        "%00", "%s%s%s", "{0}", "'; DROP TABLE \"Incidents\"; --", "../../", "\\", "\\\"",
        new string('"', 9), new string('\u201C', 7), string.Concat(Enumerable.Repeat("\"'\u201C", 30)), "\"a \"b \"c \"d", "\"\\",
        new string('x', 300), new string('9', 60), "INC-" + new string('9', 30), new string('\u00e9', 500),
    ];

    // Values that options read, by option: mostly well formed, so that a case gets past the first check.
    private static readonly Dictionary<string, string[]> OptionValues = new()
    {
        ["ci"] = ["oven-1", "shop", "oven-1,shop", "nothing-here", "oven-1,,"],
        ["window"] = ["\"tomorrow 22:00+2h\"", "\"2026-12-01T22:00+90m\"", "\"fri 06:30\"", "\"yesterday 10:00+1h\"", "\"tomorrow 22:00+forever\"", "+2h"],
        ["risk"] = ["low", "medium", "high", "extreme"],
        ["rollback"] = ["\"put the old one back\"", "\"\"", "x"],
        ["type"] = ["standard", "normal", "emergency", "service", "asset", "facility", "cloud", "software", "team"],
        ["schema"] = ["true", "false", "maybe"],
        ["rollback-migration"] = ["20261126_Down", "\"\""],
        ["every"] = ["quarter", "month", "week", "\"6 months\"", "\"2 weeks\"", "\"0 9 * * 1\"", "\"every 0 days\"", "yearly"],
        ["scenario"] = ["site-down", "supplier-down", "custom", "meteor"],
        ["rto"] = ["4h", "90m", "0m", "-1h"],
        ["rpo"] = ["1h", "0", "none", "15m"],
        ["rto-achieved"] = ["3h", "0m", "none", "5h"],
        ["rpo-achieved"] = ["0", "20m", "none", "2h"],
        ["ack"] = ["15m", "0m", "1w"],
        ["resolve"] = ["4h", "1d", "2h30m"],
        ["uptime"] = ["99.9", "100", "0", "-1", "99.999999", "abc"],
        ["credit"] = ["\"99.9:10,99:25\"", "none", "\"99:10,99.9:25\"", "\"100:0\""],
        ["fee"] = ["\"1200 EUR\"", "1200", "none", "\"-5 EUR\"", "\"1e9 XYZ\""],
        ["since"] = ["30d", "7d", "1h", "0m", "100w"],
        ["on"] = ["yesterday", "mon", "2026-11-20", "2030-01-01", "1999-12-31"],
        ["from"] = ["2026-11-01", "yesterday", "2025-01-01"],
        ["to"] = ["2026-11-26", "today", "2027-12-31"],
        ["tz"] = ["Europe/Paris", "UTC", "America/New_York", "Mars/Olympus", "../../etc/passwd"],
        ["owner"] = ["<@bob>", "<@U1>", "bob"],
        ["sme"] = ["<@alice>", "<@U2|x>"],
        ["detected"] = ["person", "customer", "alert", "synthetic", "psychic"],
        ["tier"] = ["1", "4", "0", "99"],
        ["third-party"] = ["true", "false"],
        ["vendor"] = ["Acme", "\"Acme Ovens\""],
        ["uses"] = ["\"bread, cakes\""],
        ["risks"] = ["\"one expert\""],
        ["serial"] = ["SN-1"],
        ["sku"] = ["X1"],
        ["version"] = ["1.2.3"],
        ["warranty"] = ["2027-03-01", "2027-02-30", "soon"],
        ["purchase-date"] = ["2024-01-01"],
        ["end-of-life"] = ["2026-12-01"],
        ["contract-end"] = ["2026-12-24"],
        ["count"] = ["3", "-1", "1e9"],
        ["purchase-price"] = ["1200", "\"1200 EUR\"", "-5"],
        ["useful-life"] = ["5y", "\"36 months\"", "0y"],
        ["check_url"] = ["https://example.com/health", "none", "ftp://example.com", "https://user:pw@example.com/", "http://[::1"],
        ["redundant"] = ["a", "ovens"],
        ["sev"] = ["sev1", "2"],
        ["severity"] = ["sev3"],
    };

    private static readonly Gen<string> Junk = Gen.OneOf(Gen.String[0, 12], Gen.String["<>@#|:\"\u201C\u201D\\ \t\n-.0123456789abcINCsev"]);

    private static readonly Gen<string> Hostile = Gen.Frequency((3, Gen.OneOf(HostileWords)), (1, Junk));

    private static readonly Gen<string> Separator = Gen.Frequency((12, Gen.Const(" ")), (1, Gen.Const("\n")), (1, Gen.Const("  \t")), (1, Gen.Const("")));

    /// <summary>
    /// The text after a verb: words and options that verb reads (its own options mostly, any option
    /// now and then), with now and then hostile pieces among them, or rarely far more than a command may hold.
    /// </summary>
    private static Gen<string> Arguments(string[] keys)
    {
        var value = Gen.OneOf(OptionValues.Keys.ToArray()).SelectMany(k => Gen.OneOf(OptionValues[k]));
        var option = Gen.Frequency((4, Gen.OneOf(keys.Length == 0 ? OptionValues.Keys.ToArray() : keys)), (1, Gen.OneOf(OptionValues.Keys.ToArray())))
            .SelectMany(k => Gen.Frequency((6, Gen.OneOf(OptionValues.GetValueOrDefault(k) ?? ["x"])), (1, value), (1, Hostile)).Select(v => (Key: k, Value: v)));
        var options = option.Array[0, keys.Length == 0 ? 1 : 4]
            .Select(list => list.DistinctBy(o => o.Key).Select(o => $"{o.Key}:{o.Value}"));
        var words = Gen.OneOf(RealWords).Array[0, 5];
        var hostile = Gen.Frequency((2, Gen.Const(Array.Empty<string>())), (1, Hostile.Array[1, 2]));
        var pieces = Gen.Select(words, options, hostile, Gen.Int[0, 1_000], (w, o, h, seed) =>
        {
            var all = w.Concat(o).ToList();
            // Hostile pieces go anywhere among the others.
            foreach (var piece in h)
            {
                all.Insert((seed += 7) % (all.Count + 1), piece);
            }

            return all;
        });
        var joined = pieces.SelectMany(list => Separator.Array[list.Count].Select(seps => string.Concat(list.Select((p, i) => (i == 0 ? "" : seps[i]) + p))));
        return Gen.Frequency((60, joined), (1, Gen.Int[3_990, 4_010].Select(n => new string('w', n))));
    }

    [GeneratedRegex(@"\b([a-z][a-z0-9_-]*):")]
    private static partial Regex OptionKey();

    /// <summary>The options a usage names (<c>window:</c>, <c>risk:</c>).</summary>
    private static string[] KeysOf(string usage) => OptionKey().Matches(usage).Select(m => m.Groups[1].Value).Distinct().ToArray();

    [SkippableFact]
    public async Task Every_verb_answers_hostile_text_with_a_message_and_a_refusal_changes_nothing()
    {
        await using var app = await SeededAppAsync();
        var map = app.Services.GetRequiredService<CommandMap>();
        // Each command's verbs, and its words without a verb (a title, a bare command).
        var verbs = map.Commands
            .SelectMany(c => c.Verbs.Select(v => (Command: c.Name, Verb: v.Name, v.Usage))
                .Append((Command: c.Name, Verb: "", Usage: c.Default?.Usage ?? c.Bare?.Usage ?? "")))
            .ToArray();
        var gen = Gen.Int[0, verbs.Length - 1].SelectMany(i => Arguments(KeysOf(verbs[i].Usage)).Select(text => (verbs[i].Command, Text: $"{verbs[i].Verb} {text}".TrimStart(' '))))
            .Select(Gen.Int[0, Users.Length - 1], (c, user) => (c.Command, c.Text, User: Users[user]));

        await gen.SampleAsync(
            async c =>
            {
                var before = await SnapshotAsync(app);
                var reply = await app.SendAsync(c.Command, c.Text, c.User);
                await AssertAnsweredAsync(app, reply, before);
            },
            iter: Iterations(2_000),
            threads: 1,
            print: c => $"/{c.Command} {Escaped(c.Text)} as {c.User}");
    }

    [SkippableFact]
    public async Task Every_button_answers_hostile_values_and_inputs_and_a_refusal_changes_nothing()
    {
        await using var app = await SeededAppAsync();
        var actions = app.Services.GetRequiredService<CommandMap>().Actions.Select(a => a.Name).ToArray();
        var value = Gen.Frequency(
            (4, Gen.OneOf(RealWords)),
            (2, Gen.OneOf(HostileWords)),
            (2, Junk),
            (2, Gen.OneOf(RealWords).Select(Gen.OneOf("|", ":", " ", ",", "\n"), Gen.OneOf(RealWords), (a, s, b) => a + s + b)));
        var inputs = Gen.OneOf("note", "reason", "problem", "title", "x").Select(value).Array[0, 3]
            .Select(pairs => (IReadOnlyDictionary<string, string>)pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2));
        var gen = Gen.OneOf(actions).Select(value, inputs, Gen.Int[0, Users.Length - 1], (action, v, i, user) => (Action: action, Value: v, Inputs: i, User: Users[user]));

        await gen.SampleAsync(
            async c =>
            {
                var before = await SnapshotAsync(app);
                var reply = await app.Router.HandleAsync(CoreTestApp.Request(c.User) with { ActionId = c.Action, ActionValue = c.Value, Inputs = c.Inputs }, CancellationToken.None);
                // A click may answer with nothing but the card it changed.
                await AssertAnsweredAsync(app, reply, before, noneAllowed: true);
            },
            iter: Iterations(1_500),
            threads: 1,
            print: c => $"{c.Action} value {Escaped(c.Value)} inputs {string.Join(", ", c.Inputs.Select(i => $"{i.Key}={Escaped(i.Value)}"))} as {c.User}");
    }

    [SkippableFact]
    public async Task Every_form_answers_hostile_fields_and_a_refusal_changes_nothing()
    {
        await using var app = await SeededAppAsync();
        var forms = app.Services.GetRequiredService<CommandMap>().Forms.Select(f => f.CallbackId).ToArray();
        string[] fields = [ChangeForms.Title, ChangeForms.Cis, ChangeForms.Window, ChangeForms.Duration, ChangeForms.Risk, ChangeForms.Type, ChangeForms.Rollback, ChangeForms.Schema, ChangeForms.RollbackMigration, ChangeCards.ReasonInput, "x"];
        var value = Gen.Frequency((5, Gen.OneOf(RealWords)), (2, Gen.OneOf(HostileWords)), (2, Junk), (1, Gen.OneOf("yes", "no", "oven-1, shop", "oven-1,,", "tomorrow 22:00", "2h")));
        var inputs = Gen.OneOf(fields).Select(value).Array[0, 10]
            .Select(pairs => (IReadOnlyDictionary<string, string>)pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2));
        var state = Gen.Frequency((3, Gen.OneOf("CHG-1", "CHG-2", "")), (1, Gen.OneOf(HostileWords)), (1, Junk));
        var gen = Gen.OneOf(forms).Select(inputs, state, Gen.Int[0, Users.Length - 1], (form, i, s, user) => (Form: form, Inputs: i, State: s, User: Users[user]));

        await gen.SampleAsync(
            async c =>
            {
                var before = await SnapshotAsync(app);
                var request = CoreTestApp.Request(c.User) with { FormId = c.Form, FormState = c.State, Inputs = c.Inputs };
                var reply = await app.Router.HandleAsync(request, CancellationToken.None);
                // A vote counted from the reject form answers, as its button does, with the changed card alone.
                await AssertAnsweredAsync(app, reply, before, noneAllowed: true);
            },
            iter: Iterations(1_000),
            threads: 1,
            print: c => $"{c.Form} state {Escaped(c.State)} fields {string.Join(", ", c.Inputs.Select(i => $"{i.Key}={Escaped(i.Value)}"))} as {c.User}");
    }

    private static async Task AssertAnsweredAsync(CoreTestApp app, ChatReply reply, string before, bool noneAllowed = false)
    {
        Assert.NotEqual(ReplyKind.Error, reply.Kind);
        if (!(noneAllowed && reply.Kind == ReplyKind.None))
        {
            Assert.True(!string.IsNullOrWhiteSpace(reply.Text) || reply.Cards.Count > 0 || reply.Form is not null, "The reply says nothing.");
        }

        if (reply.Kind == ReplyKind.Warning)
        {
            Assert.Equal(before, await SnapshotAsync(app));
        }
    }

    /// <summary>A workspace with one of each record, so that hostile text also reaches the checks on real ones.</summary>
    private async Task<CoreTestApp> SeededAppAsync()
    {
        var app = await CoreTestApp.CreateAsync(provider);
        (string User, string Command, string Text)[] seed =
        [
            ("alice", "bakery", "whoami"),
            ("bob", "bakery", "whoami"),
            ("admin", "bakery", "role add <@bob> cab"),
            ("admin", "bakery", "role add <@bob> manager"),
            ("alice", "cmdb", "add service shop tier:1 uptime:99.9"),
            ("alice", "cmdb", "add asset oven-1 owner:<@bob>"),
            ("alice", "cmdb", "add facility bakery-2"),
            ("alice", "cmdb", "link shop depends-on oven-1"),
            ("alice", "incident", "burnt-cookie sev2 ci:oven-1"),
            ("alice", "problem", "new ovens overheat ci:oven-1"),
            ("alice", "change", "request replace thermostat ci:oven-1 window:\"tomorrow 22:00+2h\" risk:low rollback:\"put the old one back\""),
            ("alice", "drill", "new Bakery 2 shut scenario:site-down every:quarter rto:4h rpo:1h ci:bakery-2"),
            ("alice", "kb", "add \"Oven reset\" ci:oven-1 hold the button for ten seconds"),
            ("alice", "time", "log 30m INC-1"),
        ];
        foreach (var (user, command, text) in seed)
        {
            var reply = await app.SendAsync(command, text, user);
            Assert.True(reply.Kind == ReplyKind.Private, $"/{command} {text}: {reply.Text}");
        }

        return app;
    }

    /// <summary>Row counts of every table (deliveries aside) and the record numbers handed out, in one round trip.</summary>
    private static Task<string> SnapshotAsync(CoreTestApp app) => app.QueryAsync(async db =>
    {
        // Table names come from the model, not from input.
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Where(t => t != "InboundDeliveries").Distinct().Order(StringComparer.Ordinal);
        var counts = string.Join(" || ' ' || ", tables.Select(t => $"'{t}=' || (SELECT COUNT(*) FROM \"{t}\")"));
        var sql = $"SELECT {counts} || ' numbers=' || (SELECT COALESCE(SUM(\"Last\"), 0) FROM \"RecordCounters\") AS \"Value\"";
        return (await db.Database.SqlQueryRaw<string>(sql).ToListAsync()).Single();
    });

    /// <summary>Control characters and lone surrogates written as escapes, so that a counterexample can be pasted back.</summary>
    private static string Escaped(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || char.IsSurrogate(c) || c is '"' or '\\' || c > '\u007e' ? $"\\u{(int)c:X4}" : c.ToString()));
}

public sealed class SqliteRouterPropertyTests() : RouterPropertyTests(DbProvider.Sqlite);

public sealed class PostgresRouterPropertyTests() : RouterPropertyTests(DbProvider.Postgres);
