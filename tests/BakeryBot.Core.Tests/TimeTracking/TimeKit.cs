using BakeryBot.Core.Chat;
using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BakeryBot.Core.Tests.TimeTracking;

/// <summary>What the time tests share: an app whose clock starts when a test needs it, people's zones, and the entries.</summary>
internal static class TimeKit
{
    /// <summary>An app whose clock starts at <paramref name="start"/> (the default app's cannot go back before 26 November).</summary>
    public static async Task<(CoreTestApp App, FakeTimeProvider Clock)> AppAtAsync(DbProvider provider, DateTimeOffset start)
    {
        var clock = new FakeTimeProvider(start);
        var app = await CoreTestApp.CreateAsync(provider, s => s.AddSingleton<TimeProvider>(clock));
        return (app, clock);
    }

    /// <summary>Makes <paramref name="user"/> known (as their first command does) and sets their time zone, as their profile would.</summary>
    public static async Task InZoneAsync(CoreTestApp app, string user, string zone, string tenant = "T1")
    {
        await app.SendAsync("bakery", "whoami", user: user, tenant: tenant);
        await app.QueryAsync(db => db.People
            .Where(p => db.Tenants.Any(t => t.Id == p.TenantId && t.ExternalId == tenant) && p.Identities.Any(i => i.ExternalId == user))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.TimeZone, zone)));
    }

    public static Task<List<TimeEntry>> EntriesAsync(CoreTestApp app) =>
        app.QueryAsync(db => db.Set<TimeEntry>().OrderBy(e => e.Id).ToListAsync());

    public static Task<int> PersonIdAsync(CoreTestApp app, string user, string tenant = "T1") =>
        app.QueryAsync(db => db.PersonIdentities.Where(i => i.ExternalId == user && db.Tenants.Any(t => t.Id == i.TenantId && t.ExternalId == tenant)).Select(i => i.PersonId).SingleAsync());

    /// <summary>The one card of a reply.</summary>
    public static Card Card(ChatReply reply)
    {
        Assert.Equal(ReplyKind.Private, reply.Kind);
        return Assert.Single(reply.Cards);
    }

    /// <summary>A timesheet card's day totals and week total, as label → value.</summary>
    public static Dictionary<string, string> Totals(Card card) =>
        card.Sections.OfType<FieldsSection>().First().Fields.ToDictionary(f => f.Label, f => f.Value);

    /// <summary>A card's text sections after its first divider: a timesheet's rows, a report's people.</summary>
    public static List<string> Rows(Card card) =>
        card.Sections.SkipWhile(s => s is not DividerSection).OfType<TextSection>().Select(t => t.Text).ToList();
}
