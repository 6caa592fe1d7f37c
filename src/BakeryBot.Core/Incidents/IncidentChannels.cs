using System.Text;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Incidents;

/// <summary>The <c>Incidents</c> section.</summary>
public sealed class IncidentOptions
{
    public const string Section = "Incidents";

    /// <summary>Open a channel of its own for each incident (where the platform has channels to open).</summary>
    public bool CreateChannel { get; set; }
}

/// <summary>
/// An incident's own channel (<c>inc-42-burnt-cookie</c>): asked for when it is declared, and once the
/// platform opened it, remembered on the incident with its card posted there.
/// </summary>
public sealed class IncidentChannels(BakeryDbContext db, CardPublisher publisher, IncidentService incidents, TimeProvider clock) : IOutboxFollowUp
{
    private const string SubjectPrefix = "incident:";

    /// <summary>A channel name platforms accept: lower case letters, digits and dashes, at most 80 characters.</summary>
    public static string ChannelName(Incident incident)
    {
        var slug = new StringBuilder();
        foreach (var c in incident.Title.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var name = $"inc-{incident.Number}-{slug.ToString().Trim('-')}".TrimEnd('-');
        return name.Length <= 80 ? name : name[..80].TrimEnd('-');
    }

    public static string Subject(Incident incident) => SubjectPrefix + incident.RecordId;

    public async Task DeliveredAsync(OutboxMessage row, string? result, CancellationToken ct)
    {
        if (row.Kind != OutboxKind.OpenChannel || row.Subject is not { } subject || !subject.StartsWith(SubjectPrefix, StringComparison.Ordinal)
            || result is null || !RecordId.TryParse(subject[SubjectPrefix.Length..], out var id))
        {
            return;
        }

        // A conditional update: it neither races a person changing the incident nor sets a channel twice.
        var set = await db.Incidents
            .Where(i => i.TenantId == row.TenantId && i.Number == id.Number && i.IncidentChannelId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.IncidentChannelId, result), ct);
        if (set == 0)
        {
            return;
        }

        var incidentId = await db.Incidents.Where(i => i.TenantId == row.TenantId && i.Number == id.Number).Select(i => i.Id).FirstAsync(ct);
        db.IncidentEvents.Add(new IncidentEvent { IncidentId = incidentId, At = clock.GetUtcNow(), Kind = "channel", Text = "Its own channel was opened" });
        var tenant = await db.Tenants.FirstAsync(t => t.Id == row.TenantId, ct);
        var card = await incidents.CardAsync(tenant, id, ct);
        publisher.Post(row.TenantId, row.Platform, result, null, IncidentService.RecordType, id.ToString(), card,
            $"This channel is for {id}. Status updates are posted here and where it was declared; `/incident update <what is happening>` here needs no id.");
    }
}
