using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;

namespace BakeryBot.Core.Incidents;

/// <summary>Looking back: the postmortem draft and the response-time figures.</summary>
public sealed partial class IncidentCommands
{
    /// <summary>Platforms whose messages take more text than Slack's (Teams' limit is about 28 KB).</summary>
    private static readonly string[] RoomyPlatforms = ["teams", "playground"];

    /// <summary>The draft is a long text: posted in the channel as messages, split where the platform needs it.</summary>
    private static async Task<ChatReply> PostmortemAsync(CommandContext ctx)
    {
        var id = await IdAsync(ctx, "/incident postmortem INC-42");
        var draft = await ctx.Get<IncidentPostmortemService>().DraftAsync(ctx.Tenant.Id, id, ctx.TimeZone, ctx.Culture, ctx.Cancellation);
        var max = RoomyPlatforms.Contains(ctx.Request.Platform) ? IncidentPostmortem.TeamsMaxChars : IncidentPostmortem.SlackMaxChars;
        var pieces = IncidentPostmortem.Split(draft, max);
        var publisher = ctx.Get<CardPublisher>();
        for (var i = 0; i < pieces.Count; i++)
        {
            var marker = pieces.Count == 1 ? "" : $" ({i + 1}/{pieces.Count})";
            publisher.PostText(ctx.Tenant.Id, ctx.Request.Platform, ctx.Request.ChannelId, ctx.Request.ThreadId, pieces[i] + marker);
        }

        await ctx.Get<BakeryDbContext>().SaveChangesAsync(ctx.Cancellation);
        return ChatReply.Private($"The postmortem draft of {id} is posted here ({pieces.Count} message{(pieces.Count == 1 ? "" : "s")}); copy it into your document and fill in the prompts.");
    }

    private static async Task<ChatReply> StatsAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions("since");
        var window = ctx.Args.Option("since") is { } since ? DurationParser.Parse(since) : TimeSpan.FromDays(30);
        // The window ends just after now (it is half-open), so what was declared a moment ago counts.
        var report = await ctx.Get<IncidentMetricsService>().ComputeAsync(ctx.Tenant.Id, ctx.Now - window, ctx.Now.AddSeconds(1), ctx.Cancellation);
        return ChatReply.Private("", MetricsCards.Report(report, ctx.Culture));
    }
}
