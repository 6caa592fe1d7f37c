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
    public async Task<Identity> ResolveAsync(ChatRequest request, CancellationToken ct)
    {
        var tenant = await FindOrCreateTenantAsync(request, ct);
        var (person, isNew) = await FindOrCreatePersonAsync(tenant, request, ct);
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

    private async Task<Tenant> FindOrCreateTenantAsync(ChatRequest request, CancellationToken ct)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Platform == request.Platform && t.ExternalId == request.TenantId, ct);
        if (tenant is not null)
        {
            return tenant;
        }

        tenant = new Tenant { Platform = request.Platform, ExternalId = request.TenantId, Name = request.TenantName, CreatedAt = clock.GetUtcNow() };
        db.Tenants.Add(tenant);
        try
        {
            await db.SaveChangesAsync(ct);
            return tenant;
        }
        catch (DbUpdateException)
        {
            // Another request created it at the same moment: use theirs.
            db.Entry(tenant).State = EntityState.Detached;
            return await db.Tenants.SingleAsync(t => t.Platform == request.Platform && t.ExternalId == request.TenantId, ct);
        }
    }

    private async Task<(Person Person, bool IsNew)> FindOrCreatePersonAsync(Tenant tenant, ChatRequest request, CancellationToken ct)
    {
        var person = await FindPersonAsync(tenant.Id, request.UserId, ct);
        if (person is not null)
        {
            if (request.UserName is { Length: > 0 } name && person.DisplayName == request.UserId)
            {
                person.DisplayName = name;
                await db.SaveChangesAsync(ct);
            }

            return (person, false);
        }

        person = new Person
        {
            TenantId = tenant.Id,
            DisplayName = string.IsNullOrWhiteSpace(request.UserName) ? request.UserId : request.UserName,
            CreatedAt = clock.GetUtcNow(),
            Identities = [new PersonIdentity { TenantId = tenant.Id, Platform = request.Platform, ExternalId = request.UserId }],
        };
        db.People.Add(person);
        try
        {
            await db.SaveChangesAsync(ct);
            profiles.Enqueue(new ProfileLookup(person.Id, request.Platform, request.TenantId, request.UserId));
            return (person, true);
        }
        catch (DbUpdateException)
        {
            db.Entry(person).State = EntityState.Detached;
            foreach (var identity in person.Identities)
            {
                db.Entry(identity).State = EntityState.Detached;
            }

            return (await FindPersonAsync(tenant.Id, request.UserId, ct) ?? throw new InvalidOperationException("Person vanished."), false);
        }
    }

    private Task<Person?> FindPersonAsync(int tenantId, string userId, CancellationToken ct) =>
        db.People
            .Include(p => p.Roles)
            .Where(p => p.TenantId == tenantId && p.Identities.Any(i => i.ExternalId == userId))
            .FirstOrDefaultAsync(ct);
}
