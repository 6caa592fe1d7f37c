using System.Globalization;
using BakeryBot.Core.People;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Chat;

/// <summary>Everything a handler needs: the request, its arguments, who and where, and the clock.</summary>
public sealed class CommandContext(
    ChatRequest request,
    CommandArgs args,
    Tenant tenant,
    Person actor,
    IReadOnlySet<string> roles,
    DateTimeOffset now,
    IServiceProvider services,
    CancellationToken cancellation)
{
    public ChatRequest Request { get; } = request;

    public CommandArgs Args { get; } = args;

    public Tenant Tenant { get; } = tenant;

    public Person Actor { get; } = actor;

    public IReadOnlySet<string> Roles { get; } = roles;

    public DateTimeOffset Now { get; } = now;

    public IServiceProvider Services { get; } = services;

    /// <summary>Cancelled only when the bot shuts down: a request the platform gave up on still completes.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The actor's time zone (UTC when unknown or unrecognised).</summary>
    public TimeZoneInfo TimeZone { get; } = TimeZones.Find(actor.TimeZone);

    public CultureInfo Culture { get; } = CultureInfo.GetCultureInfo("en-GB");

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public bool HasRole(string role) => Roles.Contains(role);
}

/// <summary>IANA zone lookup that never throws for a bad stored value.</summary>
public static class TimeZones
{
    public static TimeZoneInfo Find(string? id)
    {
        if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }

        return TimeZoneInfo.Utc;
    }
}
