using BakeryBot.Core.Chat;
using BakeryBot.Core.Integrations;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Changes;

/// <summary>
/// <c>/change calendar [revoke]</c>: a private link to follow change windows and freezes from one's own
/// calendar app (<c>GET /calendar/changes.ics?token=...</c>), and stopping it. The verbs belong to the
/// <c>/change</c> command: whichever module defines that command adds them with <see cref="MapVerbs"/>.
/// </summary>
public static class ChangeCalendarCommands
{
    public const string Usage = "/change calendar [revoke]";

    /// <summary>Adds <c>calendar</c> to the <c>/change</c> command.</summary>
    public static void MapVerbs(CommandDefinition change) =>
        change.Verb("calendar", Usage, "a private link to follow change windows and freezes in your calendar app (a new one stops the old); `revoke` stops it", HandleAsync);

    private static Task<ChatReply> HandleAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions();
        var op = ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text.ToLowerInvariant();
        if (op is not null and not "revoke")
        {
            throw new UserException($"`{op}` is not something `/change calendar` can do: `/change calendar` sends you a link to subscribe to, `/change calendar revoke` stops it.");
        }

        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException($"`{ctx.Args.Positional[0].Text}` is not needed: the link is yours, and there is one at a time.");
        }

        return op is null ? CreateAsync(ctx) : RevokeAsync(ctx);
    }

    private static async Task<ChatReply> CreateAsync(CommandContext ctx)
    {
        if (!ctx.Request.PrivateReplies)
        {
            throw new UserException("Answers here are seen by everyone in the conversation, so your calendar link can't be shown here. " +
                                    "Ask for it where the bot's answers are private to you.");
        }

        var link = await ctx.Get<ChangeCalendarService>().CreateAsync(ctx.Tenant.Id, ctx.Actor.Id, ctx.Cancellation);
        var url = ctx.Get<IOptions<PublicUrlOptions>>().Value.CalendarUrl(link.Token);
        var webcal = "webcal://" + url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var replaced = link.Replaced > 0
            ? "It replaces your previous link, which no longer works: calendars subscribed to that one stop updating."
            : "You have one link at a time: asking again makes a new one and stops this one.";
        var text = $"""
            Your change calendar: this workspace's change windows and change freezes, {ChangeCalendarService.Range}.
            {url}
            Subscribe to it from your calendar app, which then keeps it up to date:
            • Google Calendar: Other calendars › + › From URL, and paste the link.
            • Outlook: Add calendar › Subscribe from web, and paste the link.
            • Apple Calendar: File › New Calendar Subscription, and paste the link, or open {webcal}
            The link is shown this once and stored only as a hash. It is yours: whoever has it sees the change calendar, so don't share it.
            {replaced} `/change calendar revoke` stops it.
            """;
        return ChatReply.Private(text) with { Sensitive = true };
    }

    private static async Task<ChatReply> RevokeAsync(CommandContext ctx)
    {
        var revoked = await ctx.Get<ChangeCalendarService>().RevokeAsync(ctx.Tenant.Id, ctx.Actor.Id, ctx.Cancellation);
        return ChatReply.Private(revoked > 0
            ? "Your change calendar link is revoked: calendars subscribed to it stop updating. `/change calendar` makes a new one."
            : "You have no change calendar link to revoke. `/change calendar` makes one.");
    }
}
