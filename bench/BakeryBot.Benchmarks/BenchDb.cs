using System.Data.Common;

namespace BakeryBot.Benchmarks;

/// <summary>What the database benchmarks share: filling tables with parameterised commands, and a clock that stands still.</summary>
internal static class BenchDb
{
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
