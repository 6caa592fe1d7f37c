using BakeryBot.Host.Cli;
using CsCheck;

namespace BakeryBot.Host.Tests.Cli;

/// <summary>
/// The command-line verbs' argument parsers on thousands of generated argument lists, made of their
/// own flags and values mixed with junk: each answers with arguments or a message, never an exception.
/// </summary>
public sealed class CliArgumentPropertyTests
{
    private static readonly Gen<string[]> Args = Gen.Frequency(
            (4, Gen.OneOf(
                "time", "audit", "outbox", "digest", "cmdb.csv", "x.json", "--from", "--to", "--tenant", "--out", "--format", "--dry-run", "--to", "0",
                "2026-11-01", "2026-02-30", "9999-12-31", "0001-01-01", "csv", "jsonl", "xml", "slack:T1", "playground:local", ":", "--Admin:Token=x",
                "Urls=http://127.0.0.1:0", "--Database:Provider=Sqlite", "-", "--", "--=", "20261126_Init", "\0", "\ud800", "")),
            (1, Gen.String[0, 20]))
        .Array[0, 8];

    [Fact]
    public void Every_verb_reads_any_arguments_or_says_what_is_wrong() =>
        Args.Sample(args =>
        {
            var export = ExportVerb.Parse(args);
            Assert.True(export.Error is not null || export.From <= export.To, $"{export.From} > {export.To} without an error");
            Assert.True(MigrateVerb.Parse(args).Error is null or { Length: > 0 });
            Assert.True(ImportVerb.Parse(args).Error is null or { Length: > 0 });
            Assert.True(RunJobVerb.Parse(args).Error is null or { Length: > 0 });
            Assert.True(CheckConfigVerb.Parse(args).Error is null or { Length: > 0 });
        }, iter: 5_000);
}
