using BakeryBot.Core.TimeTracking;
using CsvHelper;

namespace BakeryBot.Core.Tests.TimeTracking;

/// <summary>Reads an exported CSV back the way a spreadsheet import or a script would: with a CSV parser, not by splitting lines.</summary>
public static class TimeCsv
{
    /// <summary>The rows, each by column name; the header must be the export's columns, in order.</summary>
    public static List<Dictionary<string, string>> Parse(string text)
    {
        Assert.False(text.StartsWith('\uFEFF'), "The export starts with a byte order mark.");
        using var csv = CsvReader.FromText(text, new CsvReaderOptions { OnMalformedRecord = m => Assert.Fail($"Malformed CSV at line {m.LineNumber}: {m.Reason}") });
        csv.ReadHeader();
        Assert.Equal(TimeExportService.Columns, csv.Headers);
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            Assert.Equal(TimeExportService.Columns.Count, csv.FieldCount);
            rows.Add(TimeExportService.Columns.Select((name, i) => (name, value: csv.GetString(i))).ToDictionary(c => c.name, c => c.value));
        }

        return rows;
    }
}
