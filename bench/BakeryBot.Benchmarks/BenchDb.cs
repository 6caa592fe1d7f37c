using System.Data.Common;
using BakeryBot.Core;
using BakeryBot.Core.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Benchmarks;

/// <summary>What the database benchmarks share: filling tables with parameterised commands, and a clock that stands still.</summary>
internal static class BenchDb
{
    /// <summary>
    /// The bot's services on a database, with a clock standing at <paramref name="now"/> and only warnings
    /// logged (<paramref name="sql"/>: every SQL command too, with its time); <paramref name="configure"/>
    /// comes last, so it may override what the bot registers.
    /// </summary>
    public static ServiceProvider Services(DateTimeOffset now, string provider, string connectionString, Action<IServiceCollection>? configure = null, bool sql = false)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.EntityFrameworkCore.Migrations", LogLevel.Error)
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", sql ? LogLevel.Information : LogLevel.None).AddSimpleConsole());
        services.AddSingleton<TimeProvider>(new FixedClock(now));
        services.AddOptions();
        services.AddBakeryCore();
        services.AddBakeryDatabase(provider, connectionString);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>Deletes a SQLite database file with its write-ahead log and shared-memory index.</summary>
    public static void DeleteSqlite(string file)
    {
        foreach (var suffix in SqliteSuffixes)
        {
            File.Delete(file + suffix);
        }
    }

    /// <summary>The files a SQLite database in WAL mode is made of: the database, its log, its shared-memory index.</summary>
    public static readonly string[] SqliteSuffixes = ["", "-wal", "-shm"];

    /// <summary>A command in <paramref name="tx"/> with parameters <c>@p0</c>..<c>@pN-1</c>, to be given values and run.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction tx, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>Runs <paramref name="sql"/> once in <paramref name="tx"/> with <paramref name="values"/> as <c>@p0</c>..<c>@pN-1</c>.</summary>
    public static async Task ExecAsync(DbConnection connection, DbTransaction tx, string sql, params object[] values)
    {
        await using var command = Command(connection, tx, sql, values.Length);
        await RunAsync(command, values);
    }

    /// <summary>Runs <paramref name="command"/> with <paramref name="values"/> as its parameters, in order.</summary>
    public static async Task RunAsync(DbCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A clock that always says <paramref name="now"/>.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
