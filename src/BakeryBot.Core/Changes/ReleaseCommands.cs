using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Changes;

/// <summary>
/// The <c>/release</c> command and the change card's Start release, Done and Roll back buttons: a click
/// does what the command does, and its effect is the updated card.
/// </summary>
public sealed class ReleaseCommands : IChatModule
{
    public const string StartAction = "release.start";
    public const string DoneAction = "release.done";
    public const string RollbackAction = "release.rollback";

    /// <summary>An incident card's "Caused by CHG-7" button; its value is <c>INC-4/CHG-7</c>.</summary>
    public const string CausedByAction = "release.caused_by";

    private const string DoneUsage = "/release done CHG-7 [failed] [note]";
    private const string RollbackUsage = "/release rollback CHG-7 [note]";

    public void Map(CommandMap map)
    {
        map.Command("release", "carry out changes and record how their release went")
            .Verb("start", "/release start CHG-7", "start releasing an approved change (from an hour before its window), or an emergency at any time", StartAsync)
            .Verb("done", DoneUsage, "the release is over: succeeded, or `failed`", DoneAsync)
            .Verb("rollback", RollbackUsage, "the release was rolled back", RollbackAsync)
            .Verb("list", "/release list", "changes in release now and those released in the last 7 days", ListAsync);
        map.Action(StartAction, "Start release", StartAsync);
        map.Action(DoneAction, "Done", DoneAsync);
        map.Action(RollbackAction, "Roll back", RollbackAsync);
        map.Action(CausedByAction, "Caused by this change", CausedByAsync);
    }

    private static async Task<ChatReply> StartAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Change, "/release start CHG-7");
        RejectLeftovers(ctx, "/release start CHG-7");
        return await ReplyAsync(ctx, await ctx.Get<ReleaseService>().StartAsync(ctx.Tenant, ctx.Actor, id, ctx.Cancellation));
    }

    private static async Task<ChatReply> DoneAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Change, DoneUsage);
        // `failed` counts only as the first word after the id: "done CHG-7 the oven failed to heat" is a note.
        var failed = ctx.Args.Positional.Count > 0 && ctx.Args.Positional[0] is { Kind: TokenKind.Word } first
                     && first.Text.Equals("failed", StringComparison.OrdinalIgnoreCase) && ctx.Args.Take(t => ReferenceEquals(t, first)) is not null;
        var result = await ctx.Get<ReleaseService>().DoneAsync(ctx.Tenant, ctx.Actor, id, failed, Note(ctx), ctx.Cancellation);
        return await ReplyAsync(ctx, result);
    }

    private static async Task<ChatReply> RollbackAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Change, RollbackUsage);
        return await ReplyAsync(ctx, await ctx.Get<ReleaseService>().RollbackAsync(ctx.Tenant, ctx.Actor, id, Note(ctx), ctx.Cancellation));
    }

    private static async Task<ChatReply> ListAsync(CommandContext ctx)
    {
        RejectLeftovers(ctx, "/release list");
        var list = await ctx.Get<ReleaseService>().ListAsync(ctx.Tenant.Id, ctx.Cancellation);
        if (list.Count == 0)
        {
            return ChatReply.Private("No change is in release, and none was released in the last 7 days.");
        }

        var lines = list.Take(30).Select(c => c.State == ChangeState.InRelease
            ? $"{c.RecordId} {c.Title} · releasing since {Times.At(c.ReleaseStartedAt ?? c.WindowStart)}"
            : $"{c.RecordId} {c.Title} · {ChangeService.Word(c.Outcome ?? ReleaseOutcome.Succeeded)} {Times.At(c.ReleasedAt ?? c.WindowEnd)}{(c.CausedFailure ? " · caused a failure" : "")}");
        return ChatReply.Private("", new Card($"Releases ({list.Count})", CardAccent.Info, [new TextSection(string.Join('\n', lines))], []));
    }

    /// <summary><c>/change metrics [since:30d]</c>: deployment frequency, lead time, change failure rate and time to restore.</summary>
    public static async Task<ChatReply> MetricsAsync(CommandContext ctx)
    {
        RejectLeftovers(ctx, "/change metrics [since:30d]", "since");
        var window = ctx.Args.Option("since") is { } since ? DurationParser.Parse(since) : TimeSpan.FromDays(30);
        // The window ends just after now (it is half-open), so what was released a moment ago counts.
        var report = await ctx.Get<ReleaseService>().MetricsAsync(ctx.Tenant.Id, ctx.Now - window, ctx.Now.AddSeconds(1), ctx.Cancellation);
        return ChatReply.Private("", ReleaseMetricsCards.Report(report, ctx.Culture));
    }

    /// <summary>The incident card's button: the effect is the incident's card, updated.</summary>
    private static async Task<ChatReply> CausedByAsync(CommandContext ctx)
    {
        var value = ctx.Request.ActionValue ?? "";
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            throw new UserException("That button names no incident and change. Link them with `/incident link INC-4 CHG-7`.");
        }

        var incident = RecordId.Parse(value[..slash], RecordId.Incident);
        var change = RecordId.Parse(value[(slash + 1)..], RecordId.Change);
        var result = await ctx.Get<ReleaseService>().LinkCauseAsync(ctx.Tenant, ctx.Actor, incident, change, ctx.Cancellation);
        var card = await ctx.Get<Incidents.IncidentService>().CardAsync(ctx.Tenant, incident, ctx.Cancellation);
        return (result.Changed ? ChatReply.None : ChatReply.Private(result.Message)) with { UpdatedCard = card };
    }

    /// <summary>
    /// <c>/incident link INC-4 CHG-7</c>: the incident command's link verb hands a change id here.
    /// Answered in words, with the incident's card.
    /// </summary>
    public static async Task<ChatReply> LinkCauseAsync(CommandContext ctx, RecordId incident, RecordId change)
    {
        var result = await ctx.Get<ReleaseService>().LinkCauseAsync(ctx.Tenant, ctx.Actor, incident, change, ctx.Cancellation);
        return ChatReply.Private(result.Message);
    }

    /// <summary>A click's effect is the updated card; a typed command (or a click that changed nothing) is answered in words too.</summary>
    private static async Task<ChatReply> ReplyAsync(CommandContext ctx, ReleaseResult result)
    {
        var card = await ctx.Get<ChangeService>().CardAsync(result.Change, ctx.Cancellation);
        return (result.Changed && ctx.Request.IsAction ? ChatReply.None : ChatReply.Private(result.Message)) with { UpdatedCard = card };
    }

    /// <summary>A button carries no note; a command's note is the rest of its text.</summary>
    private static string? Note(CommandContext ctx) => ctx.Request.IsAction ? null : ctx.Args.RestAsTextKeeping();

    private static void RejectLeftovers(CommandContext ctx, string usage, params string[] options)
    {
        ctx.Args.RejectUnknownOptions(options);
        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException($"`{ctx.Args.Positional[0].Text}` is not something `{usage}` takes.");
        }
    }
}
