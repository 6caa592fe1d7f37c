using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace BakeryBot.Load.Data;

/// <summary>
/// The database the bot under load runs on: a fresh SQLite file in a temp folder, or a throwaway database on
/// the PostgreSQL server given (created here, dropped at the end). The driver only reads it, to check that
/// the work answered with 200 is there.
/// </summary>
public sealed class BotDatabase : IAsyncDisposable
{
    private readonly string? _folder;
    private readonly string? _adminConnectionString;
    private readonly string? _name;

    private BotDatabase(string provider, string connectionString, string? folder, string? adminConnectionString, string? name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _folder = folder;
        _adminConnectionString = adminConnectionString;
        _name = name;
    }

    /// <summary><c>Sqlite</c> or <c>Postgres</c>, as <c>Database:Provider</c> names them.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    public string Describe() => Provider == "Sqlite" ? "SQLite (a new file, WAL)" : $"PostgreSQL (throwaway database {_name})";

    public static BotDatabase Sqlite(string folder) =>
        new("Sqlite", $"Data Source={Path.Combine(folder, "bakerybot.db")}", folder, null, null);

    public static async Task<BotDatabase> PostgresAsync(string serverConnectionString)
    {
        var name = $"bakerybot_load_{Guid.NewGuid():N}"[..30];
        await using (var admin = new NpgsqlConnection(serverConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var bot = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
        return new BotDatabase("Postgres", bot, null, serverConnectionString, name);
    }

    /// <summary>The size of the SQLite write-ahead log file now, in bytes; null on PostgreSQL.</summary>
    public long? LogFileBytes()
    {
        if (_folder is null)
        {
            return null;
        }

        var log = new FileInfo(Path.Combine(_folder, "bakerybot.db-wal"));
        return log.Exists ? log.Length : 0;
    }

    /// <summary>Rows in a table of the bot's (quoted as EF Core names them), optionally filtered by a condition in SQL.</summary>
    public async Task<long> CountAsync(string table, string? where = null)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"{(where is null ? "" : " WHERE " + where)}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private DbConnection Open()
    {
        DbConnection connection = Provider == "Sqlite" ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_adminConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // The temp folder is cleaned up by the system some day.
            }
        }
    }
}
