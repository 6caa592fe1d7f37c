using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Data;

/// <summary>
/// The one database: the CMDB, the ITSM records, the audit trail and the outbox. Each provider has a
/// subclass with its own migrations (<see cref="SqliteBakeryDbContext"/>, <see cref="PostgresBakeryDbContext"/>).
/// </summary>
public abstract class BakeryDbContext : DbContext
{
    private static readonly JsonSerializerOptions AuditJson = new() { WriteIndented = false };
    private readonly TimeProvider _clock;
    private readonly OutboxSignal? _outboxSignal;
    private AuditActor? _actor;
    private int _actorLease;
    private int _outboxWaitingLease = -1;

    /// <summary>
    /// The bot's contexts come from a pool (<see cref="DatabaseSetup"/>): one is built once and then
    /// lent to one unit of work after another. What a unit of work sets here (<see cref="Actor"/>, an
    /// outbox row waiting for its commit) is kept with the lease it was set in
    /// (<see cref="DbContext.ContextId"/>), so the next unit of work never sees it. The outbox signal
    /// and the clock are the application's (a pooled context's only constructor argument is its options).
    /// </summary>
    protected BakeryDbContext(DbContextOptions options)
        : base(options)
    {
        var services = options.FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        _outboxSignal = services?.GetService<OutboxSignal>();
        _clock = services?.GetService<TimeProvider>() ?? TimeProvider.System;
    }

    /// <summary>Who the changes of this unit of work are by; written to the audit trail.</summary>
    public AuditActor? Actor
    {
        get => _actorLease == ContextId.Lease ? _actor : null;
        set
        {
            _actor = value;
            _actorLease = ContextId.Lease;
        }
    }

    private bool OutboxWaitingForCommit
    {
        get => _outboxWaitingLease == ContextId.Lease;
        set => _outboxWaitingLease = value ? ContextId.Lease : -1;
    }

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Person> People => Set<Person>();

    public DbSet<PersonIdentity> PersonIdentities => Set<PersonIdentity>();

    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();

    public DbSet<ConfigurationItem> ConfigurationItems => Set<ConfigurationItem>();

    public DbSet<CiRelationship> CiRelationships => Set<CiRelationship>();

    public DbSet<CmdbGraphStamp> CmdbGraphStamps => Set<CmdbGraphStamp>();

    public DbSet<Cmdb.Discovery.DiscoveredItem> DiscoveredItems => Set<Cmdb.Discovery.DiscoveredItem>();

    public DbSet<Changes.Change> Changes => Set<Changes.Change>();

    public DbSet<Changes.ChangeVote> ChangeVotes => Set<Changes.ChangeVote>();

    public DbSet<Changes.FreezeWindow> FreezeWindows => Set<Changes.FreezeWindow>();

    public DbSet<Changes.CabSettings> CabSettings => Set<Changes.CabSettings>();

    public DbSet<Changes.CalendarToken> CalendarTokens => Set<Changes.CalendarToken>();

    public DbSet<Drills.ContinuityDrill> Drills => Set<Drills.ContinuityDrill>();

    public DbSet<Drills.DrillRun> DrillRuns => Set<Drills.DrillRun>();

    public DbSet<Drills.DrillFinding> DrillFindings => Set<Drills.DrillFinding>();

    public DbSet<Incident> Incidents => Set<Incident>();

    public DbSet<IncidentEvent> IncidentEvents => Set<IncidentEvent>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<PostedCard> PostedCards => Set<PostedCard>();

    public DbSet<RecordCounter> RecordCounters => Set<RecordCounter>();

    public DbSet<InboundDelivery> InboundDeliveries => Set<InboundDelivery>();

    /// <summary>Whether a platform's delivery (a Slack trigger, a Teams activity) was handled already. Every request with one asks, so the query is compiled.</summary>
    public Task<bool> WasDeliveredAsync(string platform, string deliveryId, CancellationToken ct) => DeliveredQuery.For(this)(this, platform, deliveryId, ct);

    private static readonly CompiledPerModel<Func<BakeryDbContext, string, string, CancellationToken, Task<bool>>> DeliveredQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, string platform, string deliveryId, CancellationToken ct) => db.InboundDeliveries.Any(d => d.Platform == platform && d.DeliveryId == deliveryId)));

    public DbSet<Jobs.JobRun> JobRuns => Set<Jobs.JobRun>();

    public DbSet<Jobs.Reminder> Reminders => Set<Jobs.Reminder>();

    public DbSet<Digests.DigestSubscription> DigestSubscriptions => Set<Digests.DigestSubscription>();

    /// <summary>Hands out the next number of a record kind in a tenant, inside the caller's transaction.</summary>
    public async Task<int> NextNumberAsync(int tenantId, string kind, CancellationToken ct)
    {
        var transaction = Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Record numbers are taken inside the transaction that stores the record.");

        // One statement that both creates and bumps the counter row: the row lock (PostgreSQL) or the
        // write lock (SQLite) serialises concurrent declares, so numbers are distinct and consecutive.
        // A plain command rather than a query: on SQLite every writer waits while this one holds the
        // write lock, and EF Core's query pipeline (parameter extraction, materialisation) cost several
        // times the statement itself.
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO "RecordCounters" ("TenantId", "Kind", "Last") VALUES (@tenant, @kind, 1)
            ON CONFLICT ("TenantId", "Kind") DO UPDATE SET "Last" = "RecordCounters"."Last" + 1
            RETURNING "Last"
            """;
        command.AddParameter("@tenant", tenantId);
        command.AddParameter("@kind", kind);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Inserts each of <paramref name="rows"/> unless a row with the same values of <paramref name="uniqueBy"/>
    /// (the properties of a unique index) is there, one statement each, in the caller's transaction or one
    /// of its own (on SQLite a turn at the write gate), and says how many it inserted. Of first sightings
    /// arriving together (a new workspace, a new person) one inserts and the others find its row, without a
    /// failed statement logged as an error. The rows are not tracked.
    /// </summary>
    internal async Task<int> InsertUnlessPresentAsync<T>(IReadOnlyList<T> rows, IReadOnlyList<string> uniqueBy, CancellationToken ct)
        where T : class
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var entity = Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not stored.");
        var sql = this.GetService<ISqlGenerationHelper>();
        string Column(IProperty property) => sql.DelimitIdentifier(property.GetColumnName());
        // Every stored property but a key the database generates; each value as EF Core would store it (its
        // mapping converts, as a time to SQLite's integer).
        var properties = entity.GetProperties().Where(p => p.ValueGenerated != ValueGenerated.OnAdd).ToList();
        var text = $"""
            INSERT INTO {sql.DelimitIdentifier(entity.GetTableName()!)} ({string.Join(", ", properties.Select(Column))})
            VALUES ({string.Join(", ", properties.Select((_, i) => $"@p{i}"))})
            ON CONFLICT ({string.Join(", ", uniqueBy.Select(name => Column(entity.FindProperty(name)!)))}) DO NOTHING
            """;
        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(ct) : null;
        await using (own)
        {
            var transaction = Database.CurrentTransaction!.GetDbTransaction();
            var inserted = 0;
            foreach (var row in rows)
            {
                await using var command = transaction.Connection!.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = text;
                for (var i = 0; i < properties.Count; i++)
                {
                    var property = properties[i];
                    var value = (property.PropertyInfo ?? throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} has no property to read.")).GetValue(row);
                    command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(command, $"@p{i}", value, property.IsNullable));
                }

                inserted += await command.ExecuteNonQueryAsync(ct);
            }

            if (own is not null)
            {
                await own.CommitAsync(ct);
            }

            return inserted;
        }
    }

    /// <summary>
    /// Stores each card's message id (as <paramref name="cards"/> hold them) and <paramref name="postedAt"/>
    /// in one statement, in the caller's transaction: the outbox records a round's posts together.
    /// </summary>
    internal async Task SetMessageIdsAsync(IReadOnlyList<PostedCard> cards, DateTimeOffset postedAt, CancellationToken ct)
    {
        if (cards.Count == 0)
        {
            return;
        }

        var entity = Model.FindEntityType(typeof(PostedCard))!;
        var sql = this.GetService<ISqlGenerationHelper>();
        var (id, messageId, at) = (entity.FindProperty(nameof(PostedCard.Id))!, entity.FindProperty(nameof(PostedCard.MessageId))!, entity.FindProperty(nameof(PostedCard.PostedAt))!);
        string Column(IProperty property) => sql.DelimitIdentifier(property.GetColumnName());
        var table = sql.DelimitIdentifier(entity.GetTableName()!);
        // The ids and message ids as a table of values, which both databases read the same way. Through
        // EF Core, so that its command log and interceptors see it; each value as EF Core stores it.
        var text = $"""
            WITH "v" ("Id", "MessageId") AS (VALUES {string.Join(", ", cards.Select((_, i) => $"(@i{i}, @m{i})"))})
            UPDATE {table} SET {Column(messageId)} = (SELECT "v"."MessageId" FROM "v" WHERE "v"."Id" = {table}.{Column(id)}), {Column(at)} = @at
            WHERE {Column(id)} IN (SELECT "v"."Id" FROM "v")
            """;
        await using var factory = Database.GetDbConnection().CreateCommand();
        var parameters = new List<DbParameter>(cards.Count * 2 + 1);
        for (var i = 0; i < cards.Count; i++)
        {
            parameters.Add(id.GetRelationalTypeMapping().CreateParameter(factory, $"@i{i}", cards[i].Id, nullable: false));
            parameters.Add(messageId.GetRelationalTypeMapping().CreateParameter(factory, $"@m{i}", cards[i].MessageId, nullable: true));
        }

        parameters.Add(at.GetRelationalTypeMapping().CreateParameter(factory, "@at", postedAt, nullable: true));
        await Database.ExecuteSqlRawAsync(text, parameters, ct);
    }

    /// <summary>
    /// Moves the tenant's CMDB graph version (<see cref="CmdbGraphStamp"/>), inside the caller's
    /// transaction when there is one. <see cref="SaveChangesAsync(bool, CancellationToken)"/> calls it
    /// for every tenant whose graph a save changes; a writer that changes relationships or deletes,
    /// renames, retypes or re-tiers CIs around the change tracker (<c>ExecuteUpdate</c>,
    /// <c>ExecuteDelete</c>, raw SQL) must call it in the same transaction, or instances that keep the
    /// graph in memory answer from the old one.
    /// </summary>
    public Task TouchCmdbGraphAsync(int tenantId, CancellationToken ct) =>
        Database.ExecuteSqlAsync($"""
            INSERT INTO "CmdbGraphStamps" ("TenantId", "Version") VALUES ({tenantId}, 1)
            ON CONFLICT ("TenantId") DO UPDATE SET "Version" = "CmdbGraphStamps"."Version" + 1
            """, ct);

    /// <summary>The tenant's CMDB graph version as committed (or as this unit of work's transaction sees it).</summary>
    public async Task<long> CmdbGraphVersionAsync(int tenantId, CancellationToken ct) =>
        await GraphVersionQuery.For(this)(this, tenantId, ct) ?? 0;

    /// <summary>Compiled: every use of the CMDB graph (an impact, a CAB vote's conflicts) asks whether the graph held in memory is current.</summary>
    private static readonly CompiledPerModel<Func<BakeryDbContext, int, CancellationToken, Task<long?>>> GraphVersionQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, int tenantId, CancellationToken ct) => db.CmdbGraphStamps.Where(s => s.TenantId == tenantId).Select(s => (long?)s.Version).FirstOrDefault()));

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("Use SaveChangesAsync.");

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        // Changes are looked for once, here. The entries below, the saves and the audit rows' save
        // after them go by that (the version bumps are made through their entries, the audit rows are
        // added): looking again would find nothing more, with the write transaction held.
        ChangeTracker.DetectChanges();
        var autoDetect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return await SaveDetectedChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private async Task<int> SaveDetectedChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var outboxAdded = false;
        var pendingAudits = new List<(EntityEntry Entry, string Action, Dictionary<string, object?[]> Changes)>();
        var graphTenants = new SortedSet<int>();
        foreach (var entry in ChangeTracker.Entries().ToList())
        {
            if (ChangesCmdbGraph(entry) is { } tenantId)
            {
                graphTenants.Add(tenantId);
            }

            if (entry.State == EntityState.Added && entry.Entity is OutboxMessage)
            {
                outboxAdded = true;
            }

            if (entry.Entity is IVersioned versioned && entry.State == EntityState.Modified)
            {
                entry.Property(nameof(IVersioned.Version)).CurrentValue = versioned.Version + 1;
            }

            if (entry.Entity is IAudited && entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                var changes = DescribeChanges(entry);
                if (entry.State != EntityState.Modified || changes.Keys.Any(name => entry.Property(name).Metadata.PropertyInfo?.IsDefined(typeof(AuditIgnoredAttribute), inherit: false) != true))
                {
                    pendingAudits.Add((entry, entry.State.ToString().ToLowerInvariant(), changes));
                }
            }
        }

        // The audit rows are written after the records so that generated keys are known, and in the
        // same transaction so that a record never commits without its audit. On SQLite even a save of
        // one row outside a transaction takes its turn at SqliteWriteGate, in a transaction of its own:
        // as a lone statement it would meet the other writers' transactions in SQLite's busy handler,
        // which sleeps and retries, and wait far longer.
        var followUps = pendingAudits.Count > 0 || graphTenants.Count > 0;
        var ownTransaction = Database.CurrentTransaction is null && (followUps || (ChangeTracker.HasChanges() && Database.IsSqlite()))
            ? await Database.BeginTransactionAsync(cancellationToken)
            : null;
        try
        {
            // With follow-ups, accepted at once: the second save below must not insert these rows again.
            var result = await base.SaveChangesAsync(followUps || acceptAllChangesOnSuccess, cancellationToken);
            if (followUps)
            {
                foreach (var tenantId in graphTenants)
                {
                    await TouchCmdbGraphAsync(tenantId, cancellationToken);
                }

                foreach (var (entry, action, changes) in pendingAudits)
                {
                    var audited = (IAudited)entry.Entity;
                    AuditEntries.Add(new AuditEntry
                    {
                        TenantId = audited.TenantId,
                        At = now,
                        ActorId = Actor?.PersonId,
                        Platform = Actor?.Platform,
                        RecordType = audited.AuditType,
                        RecordKey = audited.AuditKey,
                        Action = action switch { "added" => "created", "modified" => "updated", _ => action },
                        Changes = JsonSerializer.Serialize(changes, AuditJson),
                    });
                }

                result += await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            }

            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            NoteOutbox(outboxAdded);
            return result;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Begins a transaction that only one instance holds at a time for <paramref name="lockKey"/>: on
    /// PostgreSQL a transaction-scoped advisory lock makes a second instance's round wait, then find the
    /// first one's work done; SQLite has one writer anyway. For scheduled rounds that post reminders.
    /// </summary>
    public async Task<IDbContextTransaction> BeginExclusiveAsync(long lockKey, CancellationToken ct)
    {
        var transaction = await Database.BeginTransactionAsync(ct);
        if (Database.IsNpgsql())
        {
            await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockKey})", ct);
        }

        return transaction;
    }

    /// <summary>Commits the caller's transaction and wakes the outbox dispatcher if it has work.</summary>
    public async Task CommitAsync(IDbContextTransaction transaction, CancellationToken ct)
    {
        await transaction.CommitAsync(ct);
        if (OutboxWaitingForCommit)
        {
            OutboxWaitingForCommit = false;
            _outboxSignal?.Notify();
        }
    }

    private void NoteOutbox(bool added)
    {
        if (!added)
        {
            return;
        }

        if (Database.CurrentTransaction is null)
        {
            _outboxSignal?.Notify();
        }
        else
        {
            OutboxWaitingForCommit = true;
        }
    }

    /// <summary>
    /// The tenant whose CMDB graph this change alters, if any: a relationship added, changed or
    /// removed; a CI deleted (the database cascades its relationships, tracked or not) or renamed,
    /// retyped or re-tiered. Adding a CI does not: it is in no relationship yet.
    /// </summary>
    private static int? ChangesCmdbGraph(EntityEntry entry) => entry.Entity switch
    {
        CiRelationship r when entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted => r.TenantId,
        ConfigurationItem c when entry.State == EntityState.Deleted
                                 || (entry.State == EntityState.Modified
                                     && (entry.Property(nameof(ConfigurationItem.Name)).IsModified
                                         || entry.Property(nameof(ConfigurationItem.Type)).IsModified
                                         || entry.Property(nameof(ConfigurationItem.Tier)).IsModified)) => c.TenantId,
        _ => null,
    };

    private static Dictionary<string, object?[]> DescribeChanges(EntityEntry entry)
    {
        var changes = new Dictionary<string, object?[]>();
        foreach (var property in entry.Properties)
        {
            // A generated key says nothing; a key made of references (a CI's expert) is the change itself.
            if (property.Metadata.IsPrimaryKey() && property.Metadata.ValueGenerated != Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never && entry.State != EntityState.Deleted)
            {
                continue;
            }

            switch (entry.State)
            {
                case EntityState.Added when property.CurrentValue is not null:
                    changes[property.Metadata.Name] = [null, property.CurrentValue];
                    break;
                case EntityState.Modified when property.IsModified && !Equals(property.OriginalValue, property.CurrentValue)
                                               && property.Metadata.Name != nameof(IVersioned.Version):
                    changes[property.Metadata.Name] = [property.OriginalValue, property.CurrentValue];
                    break;
                case EntityState.Deleted:
                    changes[property.Metadata.Name] = [property.OriginalValue, null];
                    break;
            }
        }

        return changes;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BakeryDbContext).Assembly);
}
