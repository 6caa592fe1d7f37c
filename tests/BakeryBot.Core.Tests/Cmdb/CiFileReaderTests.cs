using System.Text;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Cmdb.Discovery;
using BakeryBot.Core.Cmdb.Import;
using CsCheck;

namespace BakeryBot.Core.Tests.Cmdb;

/// <summary>Reading CMDB import files and discovery reports: what each line says, and what is wrong with it where.</summary>
public sealed class CiFileReaderTests
{
    [Fact]
    public void A_csv_row_gives_type_name_attributes_and_links_and_empty_cells_are_left_out()
    {
        const string csv = """
            type,name,tier,owner,depends-on,runs-on,purchase-date
            service,online-ordering,1,<@U1>,payments;web-cluster,,
            service,payments,,,,"web-a redundant:cloud; web-b redundant:cloud",2025-01-10
            """;

        var (rows, errors) = CiFileReader.ReadCsv(csv);

        Assert.Empty(errors);
        Assert.Equal(2, rows.Count);
        Assert.Equal((2, "service", "online-ordering"), (rows[0].Line, rows[0].Type, rows[0].Name));
        Assert.Equal([new("tier", "1"), new("owner", "<@U1>")], rows[0].Values);
        Assert.Equal([new CiRowLink(CiRelation.DependsOn, "payments", null), new CiRowLink(CiRelation.DependsOn, "web-cluster", null)], rows[0].Links);
        Assert.Equal([new("purchase-date", "2025-01-10")], rows[1].Values);
        Assert.Equal([new CiRowLink(CiRelation.RunsOn, "web-a", "cloud"), new CiRowLink(CiRelation.RunsOn, "web-b", "cloud")], rows[1].Links);
    }

    [Fact]
    public void Csv_problems_are_reported_with_the_line_they_start_on_counting_lines_inside_quotes()
    {
        const string csv = "type,name,uses\n" +
                           "asset,oven-1,\"two\nlines\"\n" +
                           "asset,oven-2,a,b\n" +
                           ",oven-3,\n" +
                           "asset,,\n" +
                           "asset,oven-4,x\n" +
                           "service,shop,\"9 \"\"quoted\"\" words\"\n";

        var (rows, errors) = CiFileReader.ReadCsv(csv);

        Assert.Equal(["oven-1", "oven-4", "shop"], rows.Select(r => r.Name));
        Assert.Equal([2, 7, 8], rows.Select(r => r.Line));
        Assert.Equal("9 \"quoted\" words", rows[2].Values.Single().Value);
        Assert.Equal(
            ["line 4: 4 values for 3 columns; quote values that contain commas.", "line 5: No `type`: one of facility, service, asset, component, software, cloud, team, person.", "line 6: No `name`."],
            errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("name,tier\nx,1\n", "line 1: The columns `type` and `name` are needed.")]
    [InlineData("type,name,tier,tier\nasset,x,1,2\n", "line 1: The column `tier` is there twice.")]
    [InlineData("type,name,Purchase Date\nasset,x,1\n", "line 1: `purchase date` can't be a column")]
    [InlineData("", "line 1: The file is empty")]
    [InlineData("type,name,depends-on\nasset,x,a b c\n", "line 2: `a b c` in `depends-on` is not a CI name")]
    [InlineData("type,name,uses\nasset,x,ab\"c\n", "line 2: A quote inside an unquoted value")]
    [InlineData("type,name,uses\nasset,x,\"never closed\n", "line 2: A quoted value is never closed.")]
    public void Broken_csv_files_say_what_and_where(string csv, string expected)
    {
        var (_, errors) = CiFileReader.ReadCsv(csv);

        Assert.Contains(errors, e => e.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Json_items_get_the_line_their_object_starts_on_and_nested_attributes_and_lists_read_like_csv_cells()
    {
        const string json = """
            {
              "items": [
                {"type": "service", "name": "shop", "tier": 1, "sme": ["U1", "U2"], "depends-on": ["payments"]},
                {
                  "type": "asset",
                  "name": "oven-2",
                  "third-party": false,
                  "attributes": {"purchase-date": "2025-01-10", "colour": null}
                },
                {"type": "asset", "name": "bad", "tier": {"x": 1}},
                {"name": "no-type"}
              ]
            }
            """;

        var (rows, errors) = CiFileReader.ReadJson(json);

        Assert.Equal([(3, "shop"), (4, "oven-2")], rows.Select(r => (r.Line, r.Name)));
        Assert.Equal([new("tier", "1"), new("sme", "U1,U2")], rows[0].Values);
        Assert.Equal([new CiRowLink(CiRelation.DependsOn, "payments", null)], rows[0].Links);
        Assert.Equal([new("third-party", "false"), new("purchase-date", "2025-01-10")], rows[1].Values);
        Assert.Equal(
            ["line 10: `tier` is a object; give a string, a number, true/false or a list of strings.", "line 11: The columns `type` and `name` are needed."],
            errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("[{\"type\": \"asset\", \"name\": \"x\"},\n  {oops}]", "line 2: Not valid JSON")]
    [InlineData("{\"cis\": []}", "line 1: Expected an array of CIs")]
    [InlineData("[1, {\"type\": \"asset\", \"name\": \"x\"}]", "line 1: Each item is an object")]
    public void Broken_json_files_say_what_and_where(string json, string expected)
    {
        var (_, errors) = CiFileReader.ReadJson(json);

        Assert.StartsWith(expected, errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Any_text_read_as_csv_or_json_gives_rows_or_line_numbered_errors_and_never_throws()
    {
        Gen.String["type,name;\"\n\r {}[]:x-1@redundant:"].Sample(text =>
        {
            var csv = CiFileReader.ReadCsv("type,name,depends-on\n" + text);
            var json = CiFileReader.ReadJson(text);
            Assert.All(csv.Errors.Concat(json.Errors), e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
            Assert.All(csv.Rows, r => Assert.True(r.Line >= 2));
        }, iter: 5_000);
    }

    [Fact]
    public void A_discovery_report_names_the_item_at_fault()
    {
        static string? Error(string json) => DiscoveryPayload.Parse(Encoding.UTF8.GetBytes(json)).Error;

        Assert.Null(Error("""{"source": "netscan", "items": [{"type": "saas", "name": "Tableau", "attributes": {"vendor": "Salesforce", "seats": 12}}]}"""));
        Assert.Equal("items[1].type is one of asset, software, cloud, saas.", Error("""{"source": "s", "items": [{"type": "asset", "name": "a"}, {"type": "printer", "name": "p"}]}"""));
        Assert.Equal("items[0].name is a string of 1 to 200 characters.", Error("""{"source": "s", "items": [{"type": "asset", "name": "  "}]}"""));
        Assert.Equal("`source` names the scanner: a string of 1 to 100 characters.", Error("""{"items": []}"""));
        Assert.StartsWith("items[0].attributes.Bad Key", Error("""{"source": "s", "items": [{"type": "asset", "name": "a", "attributes": {"Bad Key": "x"}}]}"""), StringComparison.Ordinal);
        Assert.StartsWith("The body is not valid JSON", Error("{"), StringComparison.Ordinal);
        Gen.String.Sample(text => Assert.True(DiscoveryPayload.Parse(Encoding.UTF8.GetBytes(text)) is (null, not null) or (not null, null)), iter: 2_000);
    }

    [Theory]
    [InlineData("oven-2", "oven-2")]
    [InlineData("Microsoft Office 365", "microsoft-office-365")]
    [InlineData("  Adobe® Creative  Cloud! ", "adobe-creative-cloud")]
    [InlineData("???", null)]
    public void Discovered_names_become_ci_names(string found, string? expected)
    {
        Assert.Equal(expected, DiscoveryPayload.CiName(found));
        if (expected is not null)
        {
            Assert.True(CmdbService.IsValidName(expected));
        }
    }

    [Fact]
    public void Import_user_ids_are_read_from_mentions_and_nothing_else()
    {
        Assert.Equal("U024BE7LH", CmdbImporter.UserId("<@U024BE7LH|bob>"));
        Assert.Equal("U024BE7LH", CmdbImporter.UserId("@U024BE7LH"));
        Assert.Equal("alice", CmdbImporter.UserId("alice"));
        Assert.Null(CmdbImporter.UserId("Bob Baker"));
        Assert.Null(CmdbImporter.UserId("<@>"));
    }
}
