using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Synthetic;

/// <summary>What a round of synthetic checks did: the CIs probed (up and down), and the incidents opened and mitigated.</summary>
public sealed record SyntheticRound(IReadOnlyList<string> Up, IReadOnlyList<string> Down, IReadOnlyList<string> Opened, IReadOnlyList<string> Mitigated);

/// <summary>
/// Synthetic checks: each CI with a <c>check_url</c> is probed every <see cref="SyntheticOptions.CheckEvery"/>.
/// <see cref="SyntheticOptions.FailuresToOpen"/> failed probes in a row open an incident detected by
/// "synthetic", on the CI, in the conversation the URL was set in; further failures add nothing to it;
/// the first probe that finds the CI up again mitigates it, as the check (the incident's declarer), so
/// it counts as mitigated automatically.
/// </summary>
public sealed class SyntheticCheckService(
    BakeryDbContext db,
    IncidentService incidents,
    IdentityService identities,
    SyntheticProbe probe,
    IOptions<SyntheticOptions> options,
    TimeProvider clock,
    ILogger<SyntheticCheckService> logger)
{
    /// <summary>The system person synthetic checks declare (and so mitigate) incidents as.</summary>
    public const string PersonKey = "synthetic";

    public const string PersonName = "Synthetic check";

    /// <summary>Checks claimed per run; the rest are due still and go to the next run.</summary>
    private const int BatchSize = 500;

    /// <summary>Probes under way at once.</summary>
    private const int Parallelism = 16;

    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>
    /// Keeps the CI's check in step with its <c>check_url</c>, inside the caller's unit of work: a new
    /// URL is due at once (its state starts afresh), an unchanged one keeps its state, and either way
    /// an incident it opens is posted in this conversation; no URL, no check.
    /// </summary>
    public async Task WatchAsync(ConfigurationItem ci, string? platform, string? channelId, CancellationToken ct)
    {
        var check = await db.Set<SyntheticCheck>().FirstOrDefaultAsync(c => c.CiId == ci.Id, ct);
        if (!ci.Attributes.TryGetValue(AssetValues.CheckUrlKey, out var url))
        {
            if (check is not null)
            {
                db.Remove(check);
                await db.SaveChangesAsync(ct);
            }

            return;
        }

        if (check is null)
        {
            check = new SyntheticCheck { TenantId = ci.TenantId, CiId = ci.Id, Url = url };
            db.Add(check);
        }

        if (check.Url != url || check.Id == 0)
        {
            // A probe of the old URL still under way finds its round gone and is not recorded.
            check.Url = url;
            check.Round++;
            check.NextCheckAt = clock.GetUtcNow().ToUniversalTime();
            check.ConsecutiveFailures = 0;
            check.LastStatus = SyntheticStatus.Unknown;
            check.StatusSince = null;
            check.LastCheckedAt = null;
            check.LastError = null;
        }

        (check.Platform, check.ChannelId) = (platform ?? check.Platform, channelId ?? check.ChannelId);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The CI's check, if it has one.</summary>
    public Task<SyntheticCheck?> FindAsync(int ciId, CancellationToken ct) =>
        db.Set<SyntheticCheck>().AsNoTracking().FirstOrDefaultAsync(c => c.CiId == ciId, ct);

    /// <summary>The check's state in words, for <c>/cmdb show</c>: up or down since when, the last error, the incident it opened.</summary>
    public async Task<string> DescribeAsync(SyntheticCheck check, CultureInfo culture, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var every = Durations.Humanize(options.Value.CheckEvery, culture);
        var since = check.StatusSince is { } at ? Durations.Humanize(now - at, culture) : null;
        var checkedAgo = check.LastCheckedAt is { } last ? $"checked {Durations.Humanize(now - last, culture)} ago" : null;
        switch (check.LastStatus)
        {
            case SyntheticStatus.Up:
                return $"✅ up for {since} ({checkedAgo}, every {every})";
            case SyntheticStatus.Down:
                var incident = check.OpenIncidentId is { } id
                    ? await db.Incidents.Where(i => i.Id == id).Select(i => (int?)i.Number).FirstOrDefaultAsync(ct)
                    : null;
                var failures = check.ConsecutiveFailures == 1 ? "1 failed probe" : $"{check.ConsecutiveFailures} failed probes in a row";
                var opened = incident is { } number ? $"; {new RecordId(RecordId.Incident, number)} opened"
                    : check.ChannelId is null ? "; no conversation to open an incident in: set `check_url` with `/cmdb set` where it should go" : "";
                return $"❌ down for {since}: {check.LastError} ({failures}, {checkedAgo}){opened}";
            default:
                return $"not probed yet (every {every})";
        }
    }

    /// <summary>
    /// One round: claims each due check with a conditional update of its <see cref="SyntheticCheck.NextCheckAt"/>
    /// and <see cref="SyntheticCheck.Round"/> (so of several instances one probes it, once per interval; a
    /// check missed while the bot was down is probed once), probes the claimed ones, and records each
    /// result while its round is still the check's latest, opening or mitigating its incident in the same
    /// transaction, so an outage opens one incident however many instances run.
    /// </summary>
    public async Task<SyntheticRound> RunAsync(CancellationToken ct)
    {
        var every = options.Value.CheckEvery;
        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var now = clock.GetUtcNow().ToUniversalTime();
        var due = await db.Set<SyntheticCheck>().AsNoTracking()
            .Where(c => c.NextCheckAt <= now)
            .OrderBy(c => c.NextCheckAt).ThenBy(c => c.Id)
            .Select(c => new { c.Id, c.Round, c.Url })
            .Take(BatchSize)
            .ToListAsync(ct);
        var claimed = new List<(int Id, int Round, string Url)>();
        var next = now + every;
        foreach (var check in due)
        {
            var won = await db.Set<SyntheticCheck>()
                .Where(c => c.Id == check.Id && c.Round == check.Round && c.NextCheckAt <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextCheckAt, next).SetProperty(c => c.Round, check.Round + 1), ct);
            if (won == 1)
            {
                claimed.Add((check.Id, check.Round + 1, check.Url));
            }
        }

        using var gate = new SemaphoreSlim(Parallelism);
        var results = await Task.WhenAll(claimed.Select(async c =>
        {
            await gate.WaitAsync(ct);
            try
            {
                return (Check: c, Result: await probe.ProbeAsync(c.Url, ct));
            }
            finally
            {
                gate.Release();
            }
        }));

        List<string> up = [], down = [], opened = [], mitigated = [];
        foreach (var (check, result) in results)
        {
            if (await RecordAsync(check.Id, check.Round, result, ct) is not { } recorded)
            {
                continue;
            }

            (result.Up ? up : down).Add(recorded.Ci);
            if (recorded.Opened is { } o)
            {
                opened.Add(o);
            }

            if (recorded.Mitigated is { } m)
            {
                mitigated.Add(m);
            }
        }

        return new SyntheticRound(up, down, opened, mitigated);
    }

    private sealed record Recorded(string Ci, string? Opened, string? Mitigated);

    /// <summary>Records one probe's result, unless a later round claimed the check meanwhile (or its URL changed).</summary>
    private async Task<Recorded?> RecordAsync(int id, int round, ProbeResult result, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var tenantId = await db.Set<SyntheticCheck>().Where(c => c.Id == id).Select(c => (int?)c.TenantId).FirstOrDefaultAsync(ct);
        if (tenantId is null)
        {
            return null;
        }

        var tenant = await db.Tenants.SingleAsync(t => t.Id == tenantId, ct);
        // Found or made before the transaction: making it may meet another instance making it too.
        var monitor = await identities.SystemPersonAsync(tenant, PersonKey, PersonName, ct);
        db.Actor = new AuditActor(monitor.Id, PersonKey);

        var now = clock.GetUtcNow().ToUniversalTime();
        Incident? openedIncident = null;
        string? mitigated = null;
        string ci;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // Holds the check (PostgreSQL: its row; SQLite: the database) until the result and its incident commit.
            var current = await db.Set<SyntheticCheck>().Where(c => c.Id == id && c.Round == round)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastCheckedAt, now), ct);
            if (current == 0)
            {
                return null;
            }

            var check = await db.Set<SyntheticCheck>().SingleAsync(c => c.Id == id, ct);
            ci = await db.ConfigurationItems.Where(c => c.Id == check.CiId).Select(c => c.Name).SingleAsync(ct);
            var status = result.Up ? SyntheticStatus.Up : SyntheticStatus.Down;
            if (check.LastStatus != status || check.StatusSince is null)
            {
                check.StatusSince = now;
            }

            check.LastStatus = status;
            if (result.Up)
            {
                check.ConsecutiveFailures = 0;
                check.LastError = null;
                if (check.OpenIncidentId is { } incidentId)
                {
                    check.OpenIncidentId = null;
                    mitigated = await RecoverAsync(tenant, incidentId, result, ct);
                }
            }
            else
            {
                check.ConsecutiveFailures++;
                check.LastError = result.What.Length <= SyntheticCheck.ErrorMaxLength ? result.What : result.What[..SyntheticCheck.ErrorMaxLength];
                if (check.ConsecutiveFailures >= options.Value.FailuresToOpen && check.OpenIncidentId is null)
                {
                    if (check.Platform is { } platform && check.ChannelId is { } channel)
                    {
                        openedIncident = await OpenAsync(tenant, monitor, check, ci, platform, channel, ct);
                        check.OpenIncidentId = openedIncident.Id;
                    }
                    else if (check.ConsecutiveFailures == options.Value.FailuresToOpen)
                    {
                        logger.LogWarning("The synthetic check of {Ci} (tenant {TenantId}) failed {Count} times in a row ({What}), but it has no conversation to open an incident in", ci, tenant.Id, check.ConsecutiveFailures, result.What);
                    }
                }
            }

            await db.SaveChangesAsync(ct);
            await db.CommitAsync(transaction, ct);
        }

        if (openedIncident is not null)
        {
            await incidents.SuggestProblemAsync(tenant, openedIncident, ct);
        }

        return new Recorded(ci, openedIncident?.RecordId.ToString(), mitigated);
    }

    private async Task<Incident> OpenAsync(Tenant tenant, Person monitor, SyntheticCheck check, string ci, string platform, string channel, CancellationToken ct)
    {
        var title = $"{ci}: synthetic check failing ({check.LastError})";
        var since = check.StatusSince is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "now";
        var request = new DeclareRequest(tenant, monitor, platform, channel, title.Length <= IncidentService.MaxTitleLength ? title : title[..(IncidentService.MaxTitleLength - 1)] + "…")
        {
            Severity = Severity.Default,
            CiNames = [ci],
            DetectedBy = Detection.Synthetic,
            Note = $"{check.Url} failed {check.ConsecutiveFailures} probes in a row since {since}, every {Durations.Humanize(options.Value.CheckEvery, Culture)}; the latest got {check.LastError}.",
        };
        return (await incidents.DeclareAsync(request, ct)).Incident;
    }

    /// <summary>Mitigates the outage's incident as its declarer (the check) while it is open; returns its id when it did.</summary>
    private async Task<string?> RecoverAsync(Tenant tenant, int incidentId, ProbeResult result, CancellationToken ct)
    {
        var incident = await db.Incidents.Include(i => i.Timeline).FirstOrDefaultAsync(i => i.Id == incidentId, ct);
        if (incident is not { IsOpen: true })
        {
            // Resolved or closed by people meanwhile: nothing left to mitigate.
            return null;
        }

        var declarer = await db.People.SingleAsync(p => p.Id == incident.DeclaredById, ct);
        return await incidents.RecoveredAsync(tenant, declarer, incident, PersonKey, $"synthetic check up again ({result.What})", ct)
            ? incident.RecordId.ToString()
            : null;
    }
}
