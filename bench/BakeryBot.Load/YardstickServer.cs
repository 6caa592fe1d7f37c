using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Load;

/// <summary>
/// quality.md's yardstick: a bare ASP.NET Core endpoint that checks Slack's signature over the raw body
/// and commits one raw ADO.NET SQLite transaction (WAL, synchronous=NORMAL) inserting the request, and
/// nothing else. Started by the driver as a child process (<c>yardstick-server</c>), like the bot.
/// </summary>
public static class YardstickServer
{
    private const int MaxBody = 64 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name) => args[Array.IndexOf(args, name) + 1];
        var port = int.Parse(Arg("--port"), CultureInfo.InvariantCulture);
        var database = Arg("--db");
        var key = Encoding.UTF8.GetBytes(Arg("--secret"));
        var connectionString = new SqliteConnectionStringBuilder { DataSource = database, Pooling = true }.ToString();
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var command = setup.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, body TEXT NOT NULL);";
            await command.ExecuteNonQueryAsync();
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/readyz", () => "ready");
        app.MapPost("/slack/commands", async context =>
        {
            var body = await ReadAsync(context.Request.BodyReader, context.RequestAborted);
            if (body is null)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }

            if (!Verified(key, context.Request.Headers["X-Slack-Request-Timestamp"], context.Request.Headers["X-Slack-Signature"], body))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await using (var connection = new SqliteConnection(connectionString))
            {
                await connection.OpenAsync();
                await using (var pragma = connection.CreateCommand())
                {
                    // A per-connection setting, and one SQLite refuses inside a transaction; no I/O, so it costs little.
                    pragma.CommandText = "PRAGMA synchronous=NORMAL;";
                    await pragma.ExecuteNonQueryAsync();
                }

                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO requests (received_at, body) VALUES ($at, $body);";
                command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$body", Encoding.UTF8.GetString(body));
                await command.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"response_type":"ephemeral","text":"ok"}""");
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>Slack's v0 signature (protocols.md §1): timestamp within 5 minutes, HMAC compared in fixed time.</summary>
    private static bool Verified(byte[] key, string? timestamp, string? signature, byte[] body)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300
            || signature is not { Length: 67 } || !signature.StartsWith("v0=", StringComparison.Ordinal))
        {
            return false;
        }

        var prefix = Encoding.ASCII.GetBytes($"v0:{timestamp}:");
        var basestring = new byte[prefix.Length + body.Length];
        prefix.CopyTo(basestring, 0);
        body.CopyTo(basestring, prefix.Length);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, basestring, mac);
        Span<byte> given = stackalloc byte[32];
        return Convert.FromHexString(signature.AsSpan(3), given, out _, out var written) == OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(mac, given);
    }

    private static async Task<byte[]?> ReadAsync(PipeReader reader, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            if (result.Buffer.Length > MaxBody)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
