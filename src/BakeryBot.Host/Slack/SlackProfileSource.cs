using BakeryBot.Core.People;
using BakeryBot.Slack;

namespace BakeryBot.Host.Slack;

/// <summary>A Slack user's display name and time zone, from users.info.</summary>
public sealed class SlackProfileSource(SlackWebApiClient client) : IProfileSource
{
    public string Platform => SlackPayloadMapper.Platform;

    public async Task<Profile?> GetAsync(string tenantExternalId, string userId, CancellationToken ct)
    {
        var user = await client.UsersInfoAsync(userId, ct);
        var name = new[] { user.DisplayName, user.RealName, user.Name }.FirstOrDefault(n => !string.IsNullOrWhiteSpace(n));
        return new Profile(name, user.Tz);
    }
}
