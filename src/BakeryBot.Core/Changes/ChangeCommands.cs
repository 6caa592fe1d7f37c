using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.People;
using Humanizer;

namespace BakeryBot.Core.Changes;

/// <summary>The <c>/change</c> command and the CAB's buttons.</summary>
public sealed class ChangeCommands : IChatModule
{
    public const string ApproveAction = "change.approve";
    public const string RejectAction = "change.reject";
    public const string AbstainAction = "change.abstain";

    private const string RequestUsage = "/change request <title> ci:<name> window:\"tomorrow 22:00+2h\" risk:low|medium|high rollback:\"...\" [type:standard|normal|emergency] [schema:true rollback-migration:<name>]";

    public void Map(CommandMap map)
    {
        var change = map.Command("change", "changes and releases with the CAB");
        change
            .WhenBare("/change", "the form to request a change, where the platform shows forms", OpenRequestFormAsync)
            .Verb("request", RequestUsage, "request a change (the CAB decides; standard changes are pre-approved)", RequestAsync)
            .Verb("show", "/change show CHG-7", "a change with its votes and conflicts", ShowAsync)
            .Verb("list", "/change list [pending|scheduled|mine|week]", "open changes, soonest first", ListAsync)
            .Verb("metrics", "/change metrics [since:30d]", "deployment frequency, lead time, change failure rate and time to restore", ReleaseCommands.MetricsAsync)
            .Verb("approve", "/change approve CHG-7", "(CAB) approve", ApproveAsync)
            .Verb("reject", "/change reject CHG-7 <reason>", "(CAB) reject, with the reason", RejectAsync)
            .Verb("abstain", "/change abstain CHG-7", "(CAB) a vote for neither side", AbstainAsync)
            .Verb("rollback", "/change rollback CHG-7 \"<steps>\"", "add rollback steps (the requester)", RollbackAsync)
            .Verb("cancel", "/change cancel CHG-7", "withdraw a change before its release (the requester)", CancelAsync)
            .Verb("cab", "/change cab channel [#channel] | /change cab quorum low|medium|high <n>", "(admin) where the CAB decides, and its quorum per risk", CabAsync, Roles.Admin)
            .Verb("freeze", "/change freeze add <from>..<to> <reason> | list | remove <n>", "freeze windows: only emergency changes then", FreezeAsync);
        ChangeCalendarCommands.MapVerbs(change);
        map.Action(ApproveAction, "Approve", ApproveAsync);
        map.Action(RejectAction, "Reject", RejectAsync);
        map.Action(AbstainAction, "Abstain", AbstainAsync);
        map.Form(ChangeForms.RequestForm, "request a change", ChangeForms.Request, ChangeForms.SubmitRequestAsync);
        map.Form(ChangeForms.RejectForm, "reject a change, with the reason", ChangeForms.Reject, ChangeForms.SubmitRejectAsync);
    }

    private static Task<ChatReply> OpenRequestFormAsync(CommandContext ctx) =>
        Task.FromResult(ChatReply.OpenForm(ChangeForms.Request(ctx, null), $"Describe the change: `{RequestUsage}`"));

    private static async Task<ChatReply> RequestAsync(CommandContext ctx)
    {
        if (ctx.Args.Positional.Count == 0 && ctx.Args.Options.Count == 0)
        {
            return await OpenRequestFormAsync(ctx);
        }

        ctx.Args.RejectUnknownOptions("ci", "window", "risk", "rollback", "type", "schema", "rollback-migration");
        var window = ctx.Args.Option("window") ?? throw new UserException($"When? Give the window, as in `window:\"tomorrow 22:00+2h\"`.\nUsage: `{RequestUsage}`");
        var (start, end) = WhenParser.ParseWindow(window, ctx.Now, ctx.TimeZone);
        var request = new ChangeRequest(
            ctx.Args.RestAsText(),
            ctx.Args.Option("ci")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            start,
            end,
            Parse<ChangeRisk>(ctx.Args.Option("risk") ?? throw new UserException("How risky is it? Add `risk:low`, `risk:medium` or `risk:high`."), "risk", "low, medium or high"),
            ctx.Args.Option("type") is { } type ? Parse<ChangeType>(type, "type", "standard, normal or emergency") : ChangeType.Normal,
            ctx.Args.Option("rollback"),
            ctx.Args.Option("schema") is { } schema && (schema.ToLowerInvariant() is "true" or "yes" ? true : schema.ToLowerInvariant() is "false" or "no" ? false : throw new UserException("`schema:` is true or false.")),
            ctx.Args.Option("rollback-migration"));
        return await RecordRequestAsync(ctx, request);
    }

    /// <summary>Records a request, typed or from the form, and says what happens next.</summary>
    internal static async Task<ChatReply> RecordRequestAsync(CommandContext ctx, ChangeRequest request)
    {
        var change = await ctx.Get<ChangeService>().RequestAsync(ctx.Tenant, ctx.Actor, request, ctx.Request.Platform, ctx.Request.ChannelId, ctx.Cancellation);
        var settings = await ctx.Get<ChangeService>().SettingsAsync(ctx.Tenant.Id, ctx.Cancellation);
        var next = change.Type == ChangeType.Standard
            ? "It is pre-approved by policy (a standard change)."
            : settings.ChannelId is null
                ? "It waits for the CAB's votes here; an admin can give the CAB its own channel with `/change cab channel`."
                : "It is posted to the CAB for its votes.";
        return ChatReply.Private($"{change.RecordId} requested. {next}");
    }

    private static async Task<ChatReply> ShowAsync(CommandContext ctx)
    {
        var service = ctx.Get<ChangeService>();
        var change = await service.GetAsync(ctx.Tenant.Id, ctx.Args.RequireRecordId(RecordId.Change, "/change show CHG-7"), ctx.Cancellation);
        await service.ExpireIfDueAsync(ctx.Tenant, change, ctx.Cancellation);
        return ChatReply.Private("", await service.CardAsync(change, ctx.Cancellation));
    }

    private static async Task<ChatReply> ListAsync(CommandContext ctx)
    {
        var filter = ctx.Args.Positional.Count > 0 ? ctx.Args.Positional[0].Text.ToLowerInvariant() : null;
        var open = await ctx.Get<ChangeService>().OpenChangesAsync(ctx.Tenant.Id, ctx.Cancellation);
        var weekEnd = ctx.Now.AddDays(7);
        var shown = filter switch
        {
            null or "open" => open,
            "pending" => open.Where(c => c.Decision is null).ToList(),
            "scheduled" => open.Where(c => c.State == ChangeState.Approved).ToList(),
            "mine" => open.Where(c => c.RequestedById == ctx.Actor.Id).ToList(),
            "week" => open.Where(c => c.WindowStart < weekEnd).ToList(),
            _ => throw new UserException($"`{filter}` is not a filter: `pending`, `scheduled`, `mine` or `week`."),
        };
        if (shown.Count == 0)
        {
            return ChatReply.Private(filter is null ? "No open changes." : $"No {filter} changes.");
        }

        var lines = shown.Take(30).Select(c => $"{c.RecordId} {c.Title} · {ChangeService.Word(c.State)} · {ChangeService.Word(c.Risk)} risk · {Times.Span(c.WindowStart, c.WindowEnd)}");
        return ChatReply.Private("", new Card($"{(filter is null ? "Open" : filter.Transform(CultureInfo.InvariantCulture, To.SentenceCase))} changes ({shown.Count})", CardAccent.Info, [new TextSection(string.Join('\n', lines))], []));
    }

    private static Task<ChatReply> ApproveAsync(CommandContext ctx) => VoteAsync(ctx, VoteKind.Approve, "/change approve CHG-7");

    private static async Task<ChatReply> RejectAsync(CommandContext ctx)
    {
        try
        {
            return await VoteAsync(ctx, VoteKind.Reject, "/change reject CHG-7 <reason>");
        }
        catch (FieldException e) when (ctx.Request is { IsAction: true, CanOpenDialog: true } && e.Errors.ContainsKey(ChangeCards.ReasonInput)
            && string.IsNullOrWhiteSpace(ctx.Request.Inputs?.GetValueOrDefault(ChangeCards.ReasonInput)))
        {
            // Every other rule of the vote passed. Slack may not send what was typed into a message's
            // input, and its clicks can open a dialog: the reason is asked for there.
            return ChatReply.OpenForm(ChangeForms.Reject(ctx, ctx.Request.ActionValue), e.Message);
        }
    }

    private static Task<ChatReply> AbstainAsync(CommandContext ctx) => VoteAsync(ctx, VoteKind.Abstain, "/change abstain CHG-7");

    internal static async Task<ChatReply> VoteAsync(CommandContext ctx, VoteKind kind, string usage)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Change, usage);
        var clicked = ctx.Request.IsAction || ctx.Request.IsFormSubmission;
        var reason = clicked ? ctx.Request.Inputs?.GetValueOrDefault(ChangeCards.ReasonInput) : ctx.Args.RestAsText();
        var service = ctx.Get<ChangeService>();
        var result = await service.VoteAsync(ctx.Tenant, ctx.Actor, ctx.HasRole(Roles.Cab), id, kind, reason, ctx.Request.Platform, ctx.Cancellation);
        return (result.Counted && clicked ? ChatReply.None : ChatReply.Private(result.Message)) with { UpdatedCard = result.Card };
    }

    private static async Task<ChatReply> RollbackAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Change, "/change rollback CHG-7 \"refit the old thermostat\"");
        var changed = await ctx.Get<ChangeService>().SetRollbackAsync(ctx.Tenant, ctx.Actor, id, ctx.Args.RestAsText(), ctx.Cancellation);
        return ChatReply.Private(changed ? $"Rollback steps of {id} saved." : $"{id} had those rollback steps already.");
    }

    private static async Task<ChatReply> CancelAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Change, "/change cancel CHG-7");
        var changed = await ctx.Get<ChangeService>().CancelAsync(ctx.Tenant, ctx.Actor, id, ctx.Cancellation);
        return ChatReply.Private(changed ? $"{id} withdrawn." : $"{id} was withdrawn already.");
    }

    private static async Task<ChatReply> CabAsync(CommandContext ctx)
    {
        var service = ctx.Get<ChangeService>();
        var what = ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text.ToLowerInvariant();
        switch (what)
        {
            case "channel":
                var channel = ctx.Args.Take(t => t.Kind == TokenKind.Channel)?.Text ?? ctx.Request.ChannelId;
                var moved = await service.SetCabChannelAsync(ctx.Tenant.Id, ctx.Request.Platform, channel, ctx.Cancellation);
                return ChatReply.Private(moved ? $"Change requests go to <#{channel}> for the CAB's votes now." : $"The CAB decides in <#{channel}> already.");
            case "quorum":
                var risk = Parse<ChangeRisk>(ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text ?? "", "risk", "low, medium or high");
                var count = ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text;
                var quorum = int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new UserException("How many approvals? As in `/change cab quorum high 3`.");
                var changed = await service.SetQuorumAsync(ctx.Tenant.Id, risk, quorum, ctx.Cancellation);
                return ChatReply.Private(changed ? $"{ChangeService.Word(risk).Transform(CultureInfo.InvariantCulture, To.SentenceCase)}-risk changes need {quorum} approval{(quorum == 1 ? "" : "s")} now." : "That was the quorum already.");
            default:
                var settings = await service.SettingsAsync(ctx.Tenant.Id, ctx.Cancellation);
                return ChatReply.Private($"The CAB decides in {(settings.ChannelId is { } c ? $"<#{c}>" : "the channel where a change is requested")}; approvals needed: low {settings.QuorumLow}, medium {settings.QuorumMedium}, high {settings.QuorumHigh} (one more for an emergency in a freeze). `/change cab channel #cab` or `/change cab quorum high 3` changes it.");
        }
    }

    private static async Task<ChatReply> FreezeAsync(CommandContext ctx)
    {
        var service = ctx.Get<ChangeService>();
        var what = ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text.ToLowerInvariant() ?? "list";
        switch (what)
        {
            case "add":
                RequireAdmin(ctx);
                var span = ctx.Args.Take(t => t.Kind is TokenKind.Word or TokenKind.Quoted)?.Text ?? throw new UserException("When? As in `/change freeze add 2026-12-20..2026-12-27 Christmas rush`.");
                var (from, to) = WhenParser.ParseSpan(span, ctx.Now, ctx.TimeZone);
                var (freeze, affected) = await service.AddFreezeAsync(ctx.Tenant, ctx.Actor, from, to, ctx.Args.RestAsText(), ctx.Cancellation);
                var note = affected.Count == 0 ? "" : $" Open changes in it, which can't be approved now: {string.Join(", ", affected.Select(c => c.RecordId))}.";
                return ChatReply.Private($"Freeze #{freeze.Id} \"{freeze.Reason}\": {Times.Span(freeze.From, freeze.To)}. Only emergency changes can be scheduled or approved in it.{note}");
            case "list":
                var freezes = await service.FreezesAsync(ctx.Tenant.Id, ctx.Cancellation);
                return freezes.Count == 0
                    ? ChatReply.Private("No freezes ahead. `/change freeze add 2026-12-20..2026-12-27 Christmas rush` adds one.")
                    : ChatReply.Private("", new Card("Change freezes", CardAccent.Info, [new TextSection(string.Join('\n', freezes.Select(f => $"#{f.Id} {f.Reason}: {Times.Span(f.From, f.To)}")))], []));
            case "remove":
                RequireAdmin(ctx);
                var number = ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text.TrimStart('#');
                var id = int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw new UserException("Which freeze? Give its number from `/change freeze list`, as in `/change freeze remove 2`.");
                return ChatReply.Private(await service.RemoveFreezeAsync(ctx.Tenant.Id, id, ctx.Cancellation) ? $"Freeze #{id} removed." : $"There is no freeze #{id}.");
            default:
                throw new UserException("`/change freeze add <from>..<to> <reason>`, `list` or `remove <n>`.");
        }
    }

    private static void RequireAdmin(CommandContext ctx)
    {
        if (!ctx.HasRole(Roles.Admin))
        {
            throw new UserException($"Only people with the `{Roles.Admin}` role set freezes. An admin can grant it with `/bakery role add @you {Roles.Admin}`.");
        }
    }

    private static T Parse<T>(string text, string what, string choices)
        where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var value) && !int.TryParse(text, out _)
            ? value
            : throw new UserException($"`{text}` is not a {what}: {choices}.");
}
