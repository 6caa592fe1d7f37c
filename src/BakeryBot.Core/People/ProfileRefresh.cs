using System.Threading.Channels;

namespace BakeryBot.Core.People;

/// <summary>What a platform says about a person: the name to show and their time zone (IANA).</summary>
public sealed record Profile(string? DisplayName, string? TimeZone);

/// <summary>Looks up a person's profile on their platform.</summary>
public interface IProfileSource
{
    string Platform { get; }

    Task<Profile?> GetAsync(string tenantExternalId, string userId, CancellationToken ct);
}

/// <summary>A person to look up.</summary>
public sealed record ProfileLookup(int PersonId, string Platform, string TenantExternalId, string UserId);

/// <summary>
/// People seen for the first time wait here for their profile (name, time zone) to be fetched after
/// the answer: the request that introduced them never waits for the platform.
/// </summary>
public sealed class ProfileRefreshQueue
{
    private readonly Channel<ProfileLookup> _queue = Channel.CreateBounded<ProfileLookup>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public ChannelReader<ProfileLookup> Reader => _queue.Reader;

    public void Enqueue(ProfileLookup lookup) => _queue.Writer.TryWrite(lookup);
}
