using System.Globalization;
using System.Text;
using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Infrastructure;

/// <summary>Everything the database holds, as text: to show that a secret is stored in no table at all.</summary>
public static class StoredText
{
    public static async Task<string> AllAsync(BakeryDbContext db)
    {
        var text = new StringBuilder();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            // Every table the database has, from its own catalogue: those outside the model too.
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = db.Database.IsSqlite()
                    ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                    : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()";
                await using var names = await list.ExecuteReaderAsync();
                while (await names.ReadAsync())
                {
                    tables.Add(names.GetString(0));
                }
            }

            Assert.Contains("AuditEntries", tables);
            foreach (var table in tables)
            {
                await using var select = connection.CreateCommand();
                select.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
                await using var rows = await select.ExecuteReaderAsync();
                while (await rows.ReadAsync())
                {
                    text.Append(table).Append(':');
                    for (var i = 0; i < rows.FieldCount; i++)
                    {
                        var value = rows.IsDBNull(i) ? "" : rows.GetValue(i);
                        text.Append('\t').Append(value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : Convert.ToString(value, CultureInfo.InvariantCulture));
                    }

                    text.Append('\n');
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return text.ToString();
    }
}
