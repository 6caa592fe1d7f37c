using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BakeryBot.Core.Tests.Infrastructure;

/// <summary>Every command EF Core runs, and the transaction it ran in.</summary>
public sealed class StatementCounter : DbCommandInterceptor
{
    private readonly ConcurrentQueue<(string Sql, DbTransaction? Transaction)> _seen = new();

    public List<string> All => _seen.Select(s => s.Sql).ToList();

    /// <summary>Starts counting afresh.</summary>
    public void Clear() => _seen.Clear();

    /// <summary>The queries that read from a table (its quoted name after FROM).</summary>
    public int Reading(string table) =>
        _seen.Count(s => s.Sql.TrimStart().StartsWith("SELECT", StringComparison.Ordinal) && s.Sql.Contains("FROM " + table, StringComparison.Ordinal));

    /// <summary>The statements of the first transaction (the command's own; work after it, such as looking for a problem behind an incident, takes another).</summary>
    public List<string> InTransaction => _seen.Where(s => s.Transaction is not null && s.Transaction == First).Select(s => s.Sql).ToList();

    private DbTransaction? First => _seen.Select(s => s.Transaction).FirstOrDefault(t => t is not null);

    public string Describe() =>
        $"{_seen.Count} statements, {InTransaction.Count} in the first transaction:\n" +
        string.Join("\n", _seen.Select(s => (s.Transaction is null ? "     " : s.Transaction == First ? "[tx] " : "[tx2]") + FirstLine(s.Sql)));

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        Note(command, result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Note(command, result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        Note(command, result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Note(command, result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        Note(command, result);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Note(command, result));

    private T Note<T>(DbCommand command, T result)
    {
        _seen.Enqueue((command.CommandText, command.Transaction));
        return result;
    }

    private static string FirstLine(string sql)
    {
        var lines = sql.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return string.Join(" ", lines.Take(2));
    }
}
