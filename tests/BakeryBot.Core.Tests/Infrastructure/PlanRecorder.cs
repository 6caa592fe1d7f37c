using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BakeryBot.Core.Tests.Infrastructure;

public sealed record PlannedStatement(string Sql, IReadOnlyList<string> Plan, int Parameters)
{
    public string Describe() => $"{Sql}\n  plan: {string.Join(" | ", Plan)}";
}

/// <summary>Asks SQLite how it would run each statement, with its parameters, just before it runs.</summary>
public sealed class PlanRecorder : DbCommandInterceptor
{
    private readonly ConcurrentQueue<PlannedStatement> _seen = new();

    public IReadOnlyList<PlannedStatement> Seen => [.. _seen];

    public string Describe() => string.Join("\n", _seen.Select(p => p.Describe()));

    public void Clear() => _seen.Clear();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command)
    {
        if (!command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.Ordinal) && !command.CommandText.TrimStart().StartsWith("UPDATE", StringComparison.Ordinal))
        {
            return;
        }

        using var explain = (SqliteCommand)command.Connection!.CreateCommand();
        explain.Transaction = (SqliteTransaction?)command.Transaction;
        explain.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        foreach (SqliteParameter parameter in command.Parameters)
        {
            explain.Parameters.AddWithValue(parameter.ParameterName, parameter.Value ?? DBNull.Value);
        }

        var plan = new List<string>();
        using (var reader = explain.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        _seen.Enqueue(new PlannedStatement(string.Join(' ', command.CommandText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), plan, command.Parameters.Count));
    }
}
