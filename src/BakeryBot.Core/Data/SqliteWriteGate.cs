using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BakeryBot.Core.Data;

/// <summary>
/// Lets one transaction at a time write to a SQLite file from this process, the others waiting their
/// turn without a thread. SQLite has one writer anyway: without the gate, every concurrent
/// <c>BEGIN IMMEDIATE</c> blocks a thread-pool thread in SQLite's busy handler, which polls with
/// growing sleeps (up to 100 ms), so the lock stays idle while waiters sleep and the pool runs out of
/// threads. The gate is taken when a transaction begins and given back when it commits, rolls back,
/// fails, or its connection closes (a transaction disposed unfinished rolls back). Writers in other
/// processes (the CLI) still meet SQLite's busy timeout.
/// </summary>
public sealed class SqliteWriteGate : DbConnectionInterceptor, IDbTransactionInterceptor
{
    /// <summary>As long as SQLite's own busy timeout: a transaction that waits longer fails as SQLite would.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>The gates by connection string as given, so that a transaction does not parse it again.</summary>
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> GatesByConnectionString = new(StringComparer.Ordinal);

    /// <summary>The connections that hold their file's gate now.</summary>
    private readonly ConditionalWeakTable<DbConnection, SemaphoreSlim> _held = new();

    public static readonly SqliteWriteGate Instance = new();

    private SqliteWriteGate()
    {
    }

    /// <summary>One gate per database file (an in-memory database is one per connection string).</summary>
    internal static SemaphoreSlim GateFor(DbConnection connection) =>
        GatesByConnectionString.GetOrAdd(connection.ConnectionString, _ => FileGate(connection));

    private static SemaphoreSlim FileGate(DbConnection connection) => FileGate(connection.ConnectionString);

    private static SemaphoreSlim FileGate(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var inMemory = builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:";
        var key = inMemory ? connectionString : Path.GetFullPath(builder.DataSource);
        return Gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
    }

    /// <summary>
    /// Waits for the write turn of the file <paramref name="connectionString"/> names, for work that is
    /// not an EF Core transaction (the checkpoint that restarts the log); disposing the result gives it back.
    /// </summary>
    public static async Task<IDisposable> TakeTurnAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var gate = FileGate(connectionString);
        if (!await gate.WaitAsync(Timeout, cancellationToken))
        {
            throw Busy();
        }

        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    // The transaction is begun here, once it is this connection's turn, rather than by EF Core after the
    // interceptors: a BEGIN that fails (another process holding the file past the busy timeout) then
    // gives the turn back at once.
    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        var gate = Enter(connection);
        if (!gate.Wait(Timeout))
        {
            throw Busy();
        }

        try
        {
            return Held(connection, gate, result.HasResult ? result.Result : connection.BeginTransaction(eventData.IsolationLevel));
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        var gate = Enter(connection);
        if (!await gate.WaitAsync(Timeout, cancellationToken))
        {
            throw Busy();
        }

        try
        {
            return Held(connection, gate, result.HasResult ? result.Result : await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken));
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>The gate of the connection's file; a turn the connection still held (its last transaction was dropped unfinished) is given back first.</summary>
    private SemaphoreSlim Enter(DbConnection connection)
    {
        Release(connection);
        return GateFor(connection);
    }

    private InterceptionResult<DbTransaction> Held(DbConnection connection, SemaphoreSlim gate, DbTransaction transaction)
    {
        _held.AddOrUpdate(connection, gate);
        return InterceptionResult<DbTransaction>.SuppressWithResult(transaction);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(ConnectionOf(transaction, eventData));

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(ConnectionOf(transaction, eventData));
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(ConnectionOf(transaction, eventData));

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(ConnectionOf(transaction, eventData));
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        // A failed savepoint leaves the transaction going; a failed commit or rollback ends it.
        if (eventData.Action is "Commit" or "Rollback")
        {
            Release(ConnectionOf(transaction, eventData));
        }
    }

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback (an exception on the way) has rolled back by
    // the time its connection closes; EF Core closes the connection it opened for the transaction.
    public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }

    // A finished SqliteTransaction has let go of its connection; the context still has it.
    private static DbConnection? ConnectionOf(DbTransaction transaction, TransactionEventData eventData) =>
        eventData.Context?.Database.GetDbConnection() ?? transaction.Connection;

    private void Release(DbConnection? connection)
    {
        if (connection is null)
        {
            return;
        }

        if (_held.TryGetValue(connection, out var gate) && _held.Remove(connection))
        {
            gate.Release();
        }
    }

    private static SqliteException Busy() =>
        new($"The database stayed locked by another write for {Timeout.TotalSeconds:0} s.", 5 /* SQLITE_BUSY */);
}
