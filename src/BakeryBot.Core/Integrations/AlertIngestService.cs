using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Integrations;

/// <summary>
/// What one payload did. <see cref="Repeated"/> counts alerts that added a line to an open incident
/// instead of opening one; <see cref="Ignored"/> counts resolved alerts with no open incident and
/// notifications already applied (Alertmanager's retries and repeat notifications).
/// </summary>
public sealed record AlertIngestSummary(int Opened, int Repeated, int Mitigated, int Ignored, IReadOnlyList<string> Incidents);

/// <summary>
/// One payload at a time per process: a retry that overlaps the first delivery (Alertmanager retries
/// when it times out) then finds the incident the first one opened instead of opening another.
/// </summary>
public sealed class AlertIngestGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        return new Release(_gate);
    }

    public void Dispose() => _gate.Dispose();

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}

/// <summary>
/// Turns Alertmanager alerts into incidents (issue 4, point 6): a firing alert opens one (severity and
/// CI from its labels, detected by an alert), a repeat with the same fingerprint adds to its timeline,
/// a resolved alert marks it mitigated. The alert's fingerprint and times make a replayed payload a no-op.
/// </summary>
public sealed class AlertIngestService(
    BakeryDbContext db,
    IdentityService identities,
    IncidentService incidents,
    AlertIngestGate gate,
    IOptions<AlertOptions> options,
    TimeProvider clock,
    ILogger<AlertIngestService> logger)
{
    /// <summary>The system person alerts are declared and noted by.</summary>
    public const string PersonKey = "alertmanager";

    public const string PersonName = "Alertmanager";

    /// <summary>A summary annotation this short goes into the title; longer ones stay in the note.</summary>
    public const int TitleSummaryLength = 120;

    private enum Outcome
    {
        Opened,
        Repeated,
        Mitigated,
        Ignored,
    }

    public async Task<AlertIngestSummary> IngestAsync(Webhook webhook, AlertmanagerPayload payload, CancellationToken ct)
    {
        var tenant = await db.Tenants.FirstAsync(t => t.Id == webhook.TenantId, ct);
        // Changes are by Alertmanager, arriving through the webhook (product.md §6: who and from where).
        db.Actor = new AuditActor(null, WebhookKinds.Alertmanager);
        var actor = await identities.SystemPersonAsync(tenant, PersonKey, PersonName, ct);
        db.Actor = new AuditActor(actor.Id, WebhookKinds.Alertmanager);
        if (payload.TruncatedAlerts > 0)
        {
            logger.LogWarning("Alertmanager truncated {Count} alerts of a group for hook {HookId}; raise max_alerts to see them", payload.TruncatedAlerts, webhook.HookId);
        }

        var counts = new Dictionary<Outcome, int>();
        var touched = new List<string>();
        using (await gate.EnterAsync(ct))
        {
            foreach (var alert in payload.Alerts)
            {
                var (outcome, id) = await ApplyOneAsync(tenant, actor, webhook, alert, ct);
                counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
                if (id is { } recordId && !touched.Contains(recordId.ToString()))
                {
                    touched.Add(recordId.ToString());
                }
            }
        }

        return new AlertIngestSummary(
            counts.GetValueOrDefault(Outcome.Opened),
            counts.GetValueOrDefault(Outcome.Repeated),
            counts.GetValueOrDefault(Outcome.Mitigated),
            counts.GetValueOrDefault(Outcome.Ignored),
            touched);
    }

    /// <summary>The CI an alert names: its <c>ci</c>, <c>service</c> or <c>instance</c> label (product.md §7), without a port.</summary>
    public static string? CiName(AlertmanagerAlert alert)
    {
        if ((alert.Label("ci") ?? alert.Label("service")) is { } named)
        {
            return named;
        }

        if (alert.Label("instance") is not { } instance)
        {
            return null;
        }

        // Blackbox probes name a URL: the host is the CI.
        if (instance.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(instance, UriKind.Absolute, out var uri) && uri.Host.Length > 0)
        {
            return uri.Host.Trim('[', ']');
        }

        if (instance.StartsWith('[') && instance.IndexOf(']', StringComparison.Ordinal) is var close and > 1)
        {
            return instance[1..close];
        }

        var colon = instance.IndexOf(':', StringComparison.Ordinal);
        var isHostAndPort = colon > 0 && colon == instance.LastIndexOf(':') && colon < instance.Length - 1 && instance[(colon + 1)..].All(char.IsAsciiDigit);
        return isHostAndPort ? instance[..colon] : instance;
    }

    /// <summary>The title: the alert's name, with its summary when that is short.</summary>
    public static string Title(AlertmanagerAlert alert)
    {
        var name = alert.Label("alertname") ?? "Alert";
        var summary = alert.Annotation("summary");
        var title = summary is { Length: <= TitleSummaryLength } && !summary.Contains('\n', StringComparison.Ordinal)
            ? $"{name}: {summary}"
            : CiName(alert) is { } ci ? $"{name} on {ci}" : name;
        return title.Length <= IncidentService.MaxTitleLength ? title : title[..(IncidentService.MaxTitleLength - 1)] + "…";
    }

    /// <summary>A time as the timeline shows alert times; also how a replayed notification is recognised.</summary>
    public static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private async Task<(Outcome Outcome, RecordId? Id)> ApplyOneAsync(Tenant tenant, Person actor, Webhook webhook, AlertmanagerAlert alert, CancellationToken ct)
    {
        try
        {
            var open = await incidents.FindOpenByFingerprintAsync(tenant.Id, alert.Fingerprint, ct);
            if (alert.IsFiring)
            {
                if (open is null && await incidents.FindLatestByFingerprintAsync(tenant.Id, alert.Fingerprint, ct) is { } closed
                    && Mentions(closed, $"since {Stamp(alert.StartsAt)}"))
                {
                    // The firing an incident was already made of (and since resolved), sent again by
                    // Alertmanager's repeat_interval: not a new incident.
                    return (Outcome.Ignored, closed.RecordId);
                }

                return open is null
                    ? (Outcome.Opened, await DeclareAsync(tenant, actor, webhook, alert, ct))
                    : await FiredAgainAsync(tenant, actor, open, alert, ct);
            }

            return open is null ? (Outcome.Ignored, null) : await ResolvedAsync(tenant, actor, open, alert, ct);
        }
        catch (UserException ex)
        {
            // A rule of the incident (its state, its title) refused this alert: the others still count.
            db.ChangeTracker.Clear();
            logger.LogWarning("Alert {Fingerprint} for hook {HookId} was not applied: {Reason}", alert.Fingerprint, webhook.HookId, ex.Message);
            return (Outcome.Ignored, null);
        }
    }

    private async Task<RecordId> DeclareAsync(Tenant tenant, Person actor, Webhook webhook, AlertmanagerAlert alert, CancellationToken ct)
    {
        var ci = CiName(alert);
        var request = new DeclareRequest(tenant, actor, webhook.Platform, webhook.ChannelId, Title(alert))
        {
            Severity = options.Value.SeverityFor(alert.Label("severity")),
            CiNames = ci is null ? [] : [ci],
            DetectedBy = Detection.Alert,
            AlertFingerprint = alert.Fingerprint,
            Note = Note(alert),
        };
        var result = await incidents.DeclareAsync(request, ct);
        return result.Incident.RecordId;
    }

    private async Task<(Outcome, RecordId?)> FiredAgainAsync(Tenant tenant, Person actor, Incident open, AlertmanagerAlert alert, CancellationToken ct)
    {
        var stamp = Stamp(alert.StartsAt);
        // Same start: the same firing sent again (a retry, or Alertmanager's repeat_interval), already on the timeline.
        if (Mentions(open, $"since {stamp}") || Mentions(open, $"fired again at {stamp}"))
        {
            return (Outcome.Ignored, open.RecordId);
        }

        await incidents.NoteAsync(tenant, actor, open.RecordId, "alert", $"Alert fired again at {stamp}", ct);
        return (Outcome.Repeated, open.RecordId);
    }

    private async Task<(Outcome, RecordId?)> ResolvedAsync(Tenant tenant, Person actor, Incident open, AlertmanagerAlert alert, CancellationToken ct)
    {
        var stamp = Stamp(alert.EndsAt ?? clock.GetUtcNow());
        if (Mentions(open, $"resolved at {stamp}"))
        {
            return (Outcome.Ignored, open.RecordId);
        }

        return await incidents.RecoveredAsync(tenant, actor, open, "alert", $"alert resolved at {stamp}", ct)
            ? (Outcome.Mitigated, open.RecordId)
            : (Outcome.Repeated, open.RecordId);
    }

    /// <summary>The first timeline note: what the alert says, since when, and where to look.</summary>
    private static string Note(AlertmanagerAlert alert)
    {
        // The start first: it is how a replay is recognised, and a long description may be cut.
        var lines = new List<string> { $"Alert firing since {Stamp(alert.StartsAt)}." };
        if (alert.Annotation("summary") is { } summary)
        {
            lines.Add(summary);
        }

        if (alert.Annotation("description") is { } description && description != alert.Annotation("summary"))
        {
            lines.Add(description);
        }

        if (alert.Annotation("runbook_url") is { } runbook)
        {
            lines.Add($"Runbook: {runbook}");
        }

        if (!string.IsNullOrWhiteSpace(alert.GeneratorUrl))
        {
            lines.Add($"Source: {alert.GeneratorUrl}");
        }

        return string.Join('\n', lines);
    }

    private static bool Mentions(Incident incident, string text) =>
        incident.Timeline.Any(e => e.Text.Contains(text, StringComparison.Ordinal));
}
