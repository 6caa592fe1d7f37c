using System.Text.RegularExpressions;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Data;
using Ical.Net.CalendarComponents;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Changes;

/// <summary>
/// Changes and freezes written straight to the database (the commands that request and decide them
/// are another area's), and reading a calendar link out of <c>/change calendar</c>'s answer.
/// </summary>
public static partial class ChangeCalendarSamples
{
    /// <summary>The tenant and person of a platform user who has used the bot.</summary>
    public static async Task<(int TenantId, int PersonId)> WhoAsync(BakeryDbContext db, string platform, string tenant, string user)
    {
        var tenantId = await db.Tenants.Where(t => t.Platform == platform && t.ExternalId == tenant).Select(t => t.Id).SingleAsync();
        var personId = await db.PersonIdentities.Where(i => i.TenantId == tenantId && i.ExternalId == user).Select(i => i.PersonId).SingleAsync();
        return (tenantId, personId);
    }

    public static async Task<Change> AddChangeAsync(
        BakeryDbContext db,
        (int TenantId, int PersonId) who,
        int number,
        string title,
        ChangeState state,
        DateTimeOffset start,
        TimeSpan length,
        Action<Change>? more = null,
        params string[] cis)
    {
        var change = new Change
        {
            TenantId = who.TenantId,
            Number = number,
            Title = title,
            Type = ChangeType.Normal,
            Risk = ChangeRisk.Medium,
            State = state,
            WindowStart = start,
            WindowEnd = start + length,
            RequestedAt = start.AddDays(-2),
            RequestedById = who.PersonId,
            ApprovalDeadline = start,
            Platform = "test",
            ChannelId = "C1",
        };
        more?.Invoke(change);
        foreach (var name in cis)
        {
            var ci = await db.ConfigurationItems.SingleAsync(c => c.TenantId == who.TenantId && c.Name == name);
            change.Cis.Add(new ChangeCi { CiId = ci.Id });
        }

        db.Changes.Add(change);
        await db.SaveChangesAsync();
        return change;
    }

    public static async Task<FreezeWindow> AddFreezeAsync(BakeryDbContext db, (int TenantId, int PersonId) who, string reason, DateTimeOffset from, DateTimeOffset to)
    {
        var freeze = new FreezeWindow { TenantId = who.TenantId, From = from, To = to, Reason = reason, CreatedById = who.PersonId, CreatedAt = from.AddDays(-30) };
        db.FreezeWindows.Add(freeze);
        await db.SaveChangesAsync();
        return freeze;
    }

    /// <summary>The token in a <c>/change calendar</c> answer.</summary>
    public static string TokenIn(string reply)
    {
        var match = TokenPattern().Match(reply);
        Assert.True(match.Success, reply);
        return match.Groups[1].Value;
    }

    /// <summary>The feed parsed back as a calendar app would, its events by UID.</summary>
    public static Dictionary<string, CalendarEvent> Events(string ics)
    {
        var calendar = Ical.Net.Calendar.Load(ics);
        Assert.NotNull(calendar);
        return calendar.Events.ToDictionary(e => e.Uid!);
    }

    [GeneratedRegex(@"/calendar/changes\.ics\?token=([A-Za-z0-9_-]{43})\b")]
    private static partial Regex TokenPattern();
}
