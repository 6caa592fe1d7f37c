using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.People;

/// <summary>Who is asking: the tenant, the person and their roles, created on first sight.</summary>
public sealed record Identity(Tenant Tenant, Person Person, IReadOnlySet<string> Roles, bool IsNewPerson);

/// <summary>Finds or creates the tenant and person behind a request, and their roles.</summary>
public sealed class IdentityService(BakeryDbContext db, IOptions<SecurityOptions> security, TimeProvider clock, ProfileRefreshQueue profiles)
{
    /// <summary>User ids of the bot's own sources; no platform knows them.</summary>
    private const string SystemPrefix = "bot:";

    /// <summary>A person's id is unique in its tenant.</summary>
    private static readonly string[] IdentityKey = [nameof(PersonIdentity.TenantId), nameof(PersonIdentity.ExternalId)];

    public async Task<Identity> ResolveAsync(ChatRequest request, CancellationToken ct)
    {
        // Every request starts here, so a known person in a known tenant is one statement: the tenant
        // with the people known by one of the request's ids, their roles and ids.
        var ids = IdsOf(request);
        var (tenant, known) = await FindTenantWithPersonAsync(request.Platform, request.TenantId, ids, ct);
        tenant ??= await CreateTenantAsync(request, ct);
        var (person, isNew) = await FindOrCreatePersonAsync(tenant, request, ids, known, ct);
        var roles = person.Roles.Select(r => r.Role).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!roles.Contains(Roles.Admin) && security.Value.IsConfiguredAdmin(request.Platform, request.TenantId, request.UserId))
        {
            person.Roles.Add(new RoleAssignment { TenantId = tenant.Id, Role = Roles.Admin, GrantedAt = clock.GetUtcNow() });
            await db.SaveChangesAsync(ct);
            roles.Add(Roles.Admin);
        }

        return new Identity(tenant, person, roles, isNew);
    }

    /// <summary>Finds a person of the tenant by platform user id, creating a placeholder for a mentioned stranger.</summary>
    public async Task<Person> FindOrCreateAsync(Tenant tenant, string userId, CancellationToken ct)
    {
        var request = new ChatRequest { Platform = tenant.Platform, TenantId = tenant.ExternalId, ChannelId = "", UserId = userId };
        var (person, _) = await FindOrCreatePersonAsync(tenant, request, ct);
        return person;
    }

    /// <summary>
    /// The person that stands for one of the bot's own sources (Alertmanager, a synthetic check) in a
    /// tenant, so that what they do has an author in the timeline and the audit trail.
    /// </summary>
    public async Task<Person> SystemPersonAsync(Tenant tenant, string key, string name, CancellationToken ct)
    {
        var request = new ChatRequest { Platform = tenant.Platform, TenantId = tenant.ExternalId, ChannelId = "", UserId = SystemPrefix + key, UserName = name };
        var (person, _) = await FindOrCreatePersonAsync(tenant, request, ct);
        return person;
    }

    /// <summary>The tenant of a platform by its external id; null when it has never been seen.</summary>
    public Task<Tenant?> FindTenantAsync(string platform, string externalId, CancellationToken ct) =>
        db.Tenants.FirstOrDefaultAsync(t => t.Platform == platform && t.ExternalId == externalId, ct);

    private async Task<Tenant> CreateTenantAsync(ChatRequest request, CancellationToken ct)
    {
        // A conditional insert: of a new workspace's first requests arriving together, one creates it and
        // the others find it.
        var created = new Tenant { Platform = request.Platform, ExternalId = request.TenantId, Name = request.TenantName, CreatedAt = clock.GetUtcNow() };
        await db.InsertUnlessPresentAsync([created], [nameof(Tenant.Platform), nameof(Tenant.ExternalId)], ct);
        return await db.Tenants.SingleAsync(t => t.Platform == request.Platform && t.ExternalId == request.TenantId, ct);
    }

    private async Task<(Person Person, bool IsNew)> FindOrCreatePersonAsync(Tenant tenant, ChatRequest request, CancellationToken ct)
    {
        var ids = IdsOf(request);
        return await FindOrCreatePersonAsync(tenant, request, ids, await FindPersonAsync(tenant.Id, ids, ct), ct);
    }

    /// <summary>The platform's main id first, then the other ids it knows the person by (a mention may have named them by one of those before they ever spoke to the bot).</summary>
    private static List<string> IdsOf(ChatRequest request) =>
        new[] { request.UserId, request.UserAlias ?? "" }.Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <param name="person">The person found by one of <paramref name="ids"/>, looked for already; null when none was.</param>
    private async Task<(Person Person, bool IsNew)> FindOrCreatePersonAsync(Tenant tenant, ChatRequest request, List<string> ids, Person? person, CancellationToken ct)
    {
        if (person is not null)
        {
            // The ids nobody has: the look above tracked every person known by one of them, with their ids,
            // so an id of another person (theirs, and it stands) is not tried again on every request.
            var known = db.ChangeTracker.Entries<PersonIdentity>().Where(e => e.Entity.TenantId == tenant.Id).Select(e => e.Entity.ExternalId).ToHashSet(StringComparer.Ordinal);
            var missing = ids.Where(id => !known.Contains(id)).ToList();
            if (missing.Count > 0)
            {
                // Conditional inserts: an id another person has already stands (theirs), and so does one
                // a concurrent request of the same person adds at the same moment (their first clicks
                // often arrive together), without a failed statement. In a transaction, so that on SQLite
                // they take their turn at the write gate rather than wait in SQLite's busy handler.
                await db.InsertUnlessPresentAsync(IdentitiesOf(person, tenant, request.Platform, missing), IdentityKey, ct);

                await db.Entry(person).Collection(p => p.Identities).LoadAsync(ct);
            }

            if (request.UserName is { Length: > 0 } name && ids.Contains(person.DisplayName))
            {
                // Known so far only by an id: the name the platform gives now.
                person.DisplayName = name;
                await db.SaveChangesAsync(ct);
            }

            return (person, false);
        }

        // None of the ids is known: a new person, their audit row, then each id by a conditional insert. An id
        // taken meanwhile means a request of the same person arriving together created them: that person
        // stands, and this one is undone to a savepoint (inside a caller's transaction, whose own work goes on).
        person = new Person
        {
            TenantId = tenant.Id,
            DisplayName = string.IsNullOrWhiteSpace(request.UserName) ? request.UserId : request.UserName,
            CreatedAt = clock.GetUtcNow(),
        };
        const string Savepoint = "new_person";
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await using (own)
        {
            var transaction = db.Database.CurrentTransaction!;
            await transaction.CreateSavepointAsync(Savepoint, ct);
            db.People.Add(person);
            await db.SaveChangesAsync(ct);
            if (await db.InsertUnlessPresentAsync(IdentitiesOf(person, tenant, request.Platform, ids), IdentityKey, ct) == ids.Count)
            {
                await transaction.ReleaseSavepointAsync(Savepoint, ct);
                if (own is not null)
                {
                    await own.CommitAsync(ct);
                }

                await db.Entry(person).Collection(p => p.Identities).LoadAsync(ct);
                if (!request.UserId.StartsWith(SystemPrefix, StringComparison.Ordinal))
                {
                    profiles.Enqueue(new ProfileLookup(person.Id, request.Platform, request.TenantId, request.UserId));
                }

                return (person, true);
            }

            // A transaction of this method's own then commits nothing: it rolls back as it is disposed.
            await transaction.RollbackToSavepointAsync(Savepoint, ct);
        }

        // Forget what was undone: the person and its audit row.
        var auditKey = ((IAudited)person).AuditKey;
        foreach (var entry in db.ChangeTracker.Entries().Where(e => ReferenceEquals(e.Entity, person) || e.Entity is AuditEntry { RecordType: "person" } a && a.RecordKey == auditKey).ToList())
        {
            entry.State = EntityState.Detached;
        }

        return (await FindPersonAsync(tenant.Id, ids, ct) ?? throw new InvalidOperationException("Person vanished."), false);
    }

    private static List<PersonIdentity> IdentitiesOf(Person person, Tenant tenant, string platform, IEnumerable<string> ids) =>
        ids.Select(id => new PersonIdentity { TenantId = tenant.Id, Platform = platform, ExternalId = id, PersonId = person.Id }).ToList();

    private async Task<Person?> FindPersonAsync(int tenantId, List<string> ids, CancellationToken ct)
    {
        // One statement: a person has a handful of roles and ids, so their product is a few rows.
        // Found through the ids' index: a person's ids looked for among theirs would read every person
        // of the tenant (14 ms at 20,000 people, on every request).
        var known = db.Set<PersonIdentity>().Where(i => i.TenantId == tenantId && ids.Contains(i.ExternalId)).Select(i => i.PersonId);
        var candidates = await db.People
            .Include(p => p.Roles)
            .Include(p => p.Identities)
            .Where(p => known.Contains(p.Id))
            .AsSingleQuery()
            .ToListAsync(ct);
        return Chosen(candidates, ids);
    }

    /// <summary>
    /// The tenant, when known, with the person known by one of <paramref name="ids"/> (one or two) in it,
    /// in one statement. The entities are tracked, so the person's roles and ids are on it as
    /// <see cref="FindPersonAsync"/> loads them.
    /// </summary>
    private async Task<(Tenant? Tenant, Person? Person)> FindTenantWithPersonAsync(string platform, string externalId, List<string> ids, CancellationToken ct)
    {
        // No id at all (an empty user id) finds the tenant alone: no person has an empty id.
        var main = ids.Count > 0 ? ids[0] : "";
        var found = await TenantWithPeopleQuery.For(db)(db, platform, externalId, main, ids.Count > 1 ? ids[1] : main, ct);
        return found is null ? (null, null) : (found.Tenant, Chosen(found.People.Select(p => p.Person).ToList(), ids));
    }

    /// <summary>
    /// Compiled, because every request runs it: EF Core otherwise reads the query's parameters out of
    /// its expression and writes its SQL anew each time, which cost more than the statement itself.
    /// As in <see cref="FindPersonAsync"/>, the people are found through the ids' index; the tenant's id
    /// is a subquery of its own, so that the ids are looked up by (tenant, id) and not per person. Two
    /// ids, the same twice when the request has one: SQL that does not depend on how many there are.
    /// </summary>
    private static readonly CompiledPerModel<Func<BakeryDbContext, string, string, string, string, CancellationToken, Task<TenantWithPeople?>>> TenantWithPeopleQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, string platform, string externalId, string main, string alias, CancellationToken ct) => db.Tenants
            .Where(t => t.Platform == platform && t.ExternalId == externalId)
            .Select(t => new TenantWithPeople
            {
                Tenant = t,
                People = db.People
                    .Where(p => p.TenantId == t.Id && db.Set<PersonIdentity>()
                        .Where(i => i.TenantId == db.Tenants.Where(x => x.Platform == platform && x.ExternalId == externalId).Select(x => x.Id).FirstOrDefault()
                                    && (i.ExternalId == main || i.ExternalId == alias))
                        .Select(i => i.PersonId)
                        .Contains(p.Id))
                    .Select(p => new KnownPerson { Person = p, Roles = p.Roles, Identities = p.Identities })
                    .ToList(),
            })
            .AsSingleQuery()
            .FirstOrDefault()));

    private sealed class TenantWithPeople
    {
        public required Tenant Tenant { get; init; }

        public required List<KnownPerson> People { get; init; }
    }

    /// <summary>A person with their roles and ids, all tracked, so that the collections are on the person too.</summary>
    private sealed class KnownPerson
    {
        public required Person Person { get; init; }

        public required List<RoleAssignment> Roles { get; init; }

        public required List<PersonIdentity> Identities { get; init; }
    }

    /// <summary>The one known by the main id wins over one known only by an alias.</summary>
    private static Person? Chosen(List<Person> candidates, List<string> ids) =>
        candidates.FirstOrDefault(p => p.Identities.Any(i => i.ExternalId == ids[0])) ?? candidates.FirstOrDefault();
}
