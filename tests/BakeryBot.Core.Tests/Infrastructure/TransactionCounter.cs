using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BakeryBot.Core.Tests.Infrastructure;

/// <summary>The transactions EF Core began: on SQLite, each is a turn at the one writer.</summary>
public sealed class TransactionCounter : DbTransactionInterceptor
{
    private int _started;

    public int Started => Volatile.Read(ref _started);

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Interlocked.Increment(ref _started);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _started);
        return ValueTask.FromResult(result);
    }
}
