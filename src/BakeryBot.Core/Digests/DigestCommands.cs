using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.People;

namespace BakeryBot.Core.Digests;

/// <summary>The <c>/digest</c> command: weekly digests for managers.</summary>
public sealed class DigestCommands : IChatModule
{
    private const string SubscribeUsage = "/digest subscribe weekly [#channel] [tz:Europe/Paris]";
    private const string UnsubscribeUsage = "/digest unsubscribe [#channel]";

    public void Map(CommandMap map) =>
        map.Command("digest", "the weekly digest: incidents, SLAs, changes, drills, time and the CMDB's risks")
            .Verb("subscribe", SubscribeUsage, "(managers, admins) post the digest in a channel (this one unless named) every Monday at 09:00 in the zone (yours unless named)", SubscribeAsync)
            .Verb("unsubscribe", UnsubscribeUsage, "(managers, admins) stop a channel's weekly digest (this one unless named)", UnsubscribeAsync)
            .Verb("now", "/digest now", "(managers, admins) post the digest of the last 7 days in this channel now", NowAsync)
            .Verb("list", "/digest list", "the channels subscribed, with their zone and next digest", ListAsync);

    private static async Task<ChatReply> SubscribeAsync(CommandContext ctx)
    {
        RequireManager(ctx);
        ctx.Args.RejectUnknownOptions("tz");
        var weekly = ctx.Args.Take(t => t.Kind == TokenKind.Word && t.Text.Equals("weekly", StringComparison.OrdinalIgnoreCase));
        if (weekly is null)
        {
            var what = ctx.Args.Positional.FirstOrDefault(t => t.Kind == TokenKind.Word);
            throw new UserException(what is null
                ? "Say how often: the digest is weekly, as in `/digest subscribe weekly`."
                : $"`{what.Text}` is not a schedule the digest has: it is weekly, as in `/digest subscribe weekly`.");
        }

        var channel = Channel(ctx, SubscribeUsage);
        var zone = Zone(ctx);
        var outcome = await ctx.Get<DigestSubscriptionService>().SubscribeAsync(ctx.Tenant, ctx.Actor, ctx.Request.Platform, channel, zone, ctx.Cancellation);
        var next = Due(ctx, outcome.Subscription.NextDueAt);
        var where = channel == ctx.Request.ChannelId ? "This channel" : $"<#{channel}>";
        return ChatReply.Private(outcome switch
        {
            { Created: true } => $"{where} gets the weekly digest every Monday at 09:00 {zone.Id}. The first, of last week, comes {next}; then every Monday.",
            { Changed: true } => $"{where} gets the weekly digest at Monday 09:00 {zone.Id} from now on. The next comes {next}.",
            _ => $"{where} gets the weekly digest at Monday 09:00 {zone.Id} already; nothing changed. The next comes {next}.",
        });
    }

    private static async Task<ChatReply> UnsubscribeAsync(CommandContext ctx)
    {
        RequireManager(ctx);
        ctx.Args.RejectUnknownOptions();
        var channel = Channel(ctx, UnsubscribeUsage);
        await ctx.Get<DigestSubscriptionService>().UnsubscribeAsync(ctx.Tenant, channel, ctx.Cancellation);
        return ChatReply.Private($"{(channel == ctx.Request.ChannelId ? "This channel" : $"<#{channel}>")} no longer gets the weekly digest.");
    }

    private static async Task<ChatReply> NowAsync(CommandContext ctx)
    {
        RequireManager(ctx);
        RejectLeftovers(ctx, "/digest now");
        var digest = await ctx.Get<DigestReminders>().PostNowAsync(ctx.Tenant.Id, ctx.Request.Platform, ctx.Request.ChannelId, ctx.TimeZone, ctx.Cancellation);
        return ChatReply.Private($"Posted the digest of the last 7 days in this channel ({DigestCards.Title(digest, ctx.TimeZone, ctx.Culture)}).");
    }

    private static async Task<ChatReply> ListAsync(CommandContext ctx)
    {
        RejectLeftovers(ctx, "/digest list");
        var subscriptions = await ctx.Get<DigestSubscriptionService>().ListAsync(ctx.Tenant.Id, ctx.Cancellation);
        if (subscriptions.Count == 0)
        {
            return ChatReply.Private("No channel gets the weekly digest. A manager subscribes one with `/digest subscribe weekly`.");
        }

        var lines = subscriptions.Select(s =>
            $"<#{s.ChannelId}> · Monday 09:00 {s.TimeZone} · next {Due(ctx, s.NextDueAt)}" +
            (s.LastPeriodStart is { } last ? $" · last {At(last, ctx.TimeZone, ctx.Culture)}" : ""));
        return ChatReply.Private("", new Card($"Weekly digests ({subscriptions.Count.ToString(ctx.Culture)})", CardAccent.Info, [new TextSection(string.Join('\n', lines))], []));
    }

    /// <summary>When a digest due at <paramref name="due"/> comes: its moment, or at once when that has passed (the job's next run posts it).</summary>
    private static string Due(CommandContext ctx, DateTimeOffset due) =>
        due <= ctx.Now ? "with the digest job's next run (within a minute)" : At(due, ctx.TimeZone, ctx.Culture);

    private static void RequireManager(CommandContext ctx)
    {
        if (!ctx.HasRole(Roles.Manager) && !ctx.HasRole(Roles.Admin))
        {
            throw new UserException($"Only people with the `{Roles.Manager}` or `{Roles.Admin}` role manage digests. An admin can grant it with `/bakery role add @you {Roles.Manager}`.");
        }
    }

    /// <summary>The channel named (a channel link), else this one; a word that looks like a channel but is no link is refused.</summary>
    private static string Channel(CommandContext ctx, string usage)
    {
        var channel = ctx.Args.Take(t => t.Kind == TokenKind.Channel)?.Text;
        if (ctx.Args.Positional.Count > 0 && ctx.Args.Positional[0] is var left)
        {
            throw new UserException(left.Text.StartsWith('#')
                ? $"`{left.Text}` is not a channel the bot can see: pick it from the list as you type `#`, so that it becomes a link."
                : $"`{left.Text}` is not something `{usage}` takes.");
        }

        return channel ?? ctx.Request.ChannelId;
    }

    /// <summary>The zone of <c>tz:</c> (an IANA id such as <c>Europe/Paris</c>), else the person's own.</summary>
    private static TimeZoneInfo Zone(CommandContext ctx)
    {
        if (ctx.Args.Option("tz") is not { } id)
        {
            return ctx.TimeZone;
        }

        return id.Trim().Length > 0 && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone)
            ? zone
            : throw new UserException($"`{(id.Length <= 60 ? id : id[..60] + "…")}` is not a time zone. Use an IANA name, as in `tz:Europe/Paris` or `tz:America/New_York`.");
    }

    private static string At(DateTimeOffset at, TimeZoneInfo zone, CultureInfo culture)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return $"{local.ToString("ddd d MMM yyyy HH:mm", culture)} {(zone == TimeZoneInfo.Utc ? "UTC" : $"UTC{local:zzz}")}";
    }

    private static void RejectLeftovers(CommandContext ctx, string usage)
    {
        ctx.Args.RejectUnknownOptions();
        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException($"`{ctx.Args.Positional[0]}` is not something `{usage}` takes.");
        }
    }
}
