using BakeryBot.Core.Data;
using BakeryBot.Core.People;

namespace BakeryBot.Host;

/// <summary>Fetches the profiles of people seen for the first time (name, time zone) from their platform.</summary>
public sealed class ProfileRefreshWorker(
    ProfileRefreshQueue queue,
    IEnumerable<IProfileSource> sources,
    IServiceScopeFactory scopes,
    ILogger<ProfileRefreshWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var byPlatform = sources.ToDictionary(s => s.Platform, StringComparer.Ordinal);
        try
        {
            await foreach (var lookup in queue.Reader.ReadAllAsync(stoppingToken))
            {
                if (byPlatform.TryGetValue(lookup.Platform, out var source))
                {
                    await RefreshAsync(source, lookup, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: a profile not fetched now is fetched when the person is next seen anew.
        }
    }

    private async Task RefreshAsync(IProfileSource source, ProfileLookup lookup, CancellationToken ct)
    {
        try
        {
            var profile = await source.GetAsync(lookup.TenantExternalId, lookup.UserId, ct);
            if (profile is null)
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
            var person = await db.People.FindAsync([lookup.PersonId], ct);
            if (person is null)
            {
                return;
            }

            if (!string.IsNullOrWhiteSpace(profile.DisplayName))
            {
                person.DisplayName = profile.DisplayName.Length > 200 ? profile.DisplayName[..200] : profile.DisplayName;
            }

            if (profile.TimeZone is { } zone && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            {
                person.TimeZone = zone;
            }

            await db.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // A lookup cancelled by its own timeout is a failed lookup too: were it to escape, the
            // background service would fault and stop the whole bot.
            logger.LogWarning(ex, "Could not fetch the {Platform} profile of person {PersonId}", lookup.Platform, lookup.PersonId);
        }
    }
}
