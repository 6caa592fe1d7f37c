using BakeryBot.Core.Chat;
using BakeryBot.Core.People;
using BakeryBot.Core.Problems;

namespace BakeryBot.Core.Incidents;

/// <summary>The <c>/incident</c> command and the incident card's buttons.</summary>
public sealed partial class IncidentCommands : IChatModule
{
    public const string AckAction = "incident.ack";
    public const string MitigateAction = "incident.mitigate";
    public const string ResolveAction = "incident.resolve";
    public const string LinkProblemAction = "incident.link_problem";

    /// <summary>"Declare incident from this" on any message; the value is the message's text.</summary>
    public const string FromMessageAction = "incident.from_message";

    /// <summary>The card's input for the problem to link.</summary>
    public const string ProblemInput = "problem";

    private const string DeclareUsage = "/incident <title> [sev1..sev4] [ci:<name>[,<name>...]] [detected:person|customer|alert|synthetic]";

    public void Map(CommandMap map)
    {
        map.Command("incident", "declare and run incidents")
            .Fallback(DeclareUsage, "declare an incident and post its card here", DeclareUnlessMistypedAsync)
            .Verb("declare", "/incident declare <title> [sev1..sev4] [ci:<name>]", "the same, when the title starts like a verb", DeclareAsync)
            .Verb("list", "/incident list [all] [since:<duration>]", "open incidents (or the latest 20 of any state), optionally only recent ones", ListAsync)
            .Verb("show", "/incident show INC-42", "an incident with its timeline", ShowAsync)
            .Verb("ack", "/incident ack INC-42", "acknowledge: you become its commander if it has none", AckAsync)
            .Verb("mitigate", "/incident mitigate INC-42 [note]", "the impact has stopped (the fix may come later)", MitigateAsync)
            .Verb("resolve", "/incident resolve INC-42 [note]", "resolve it, with an optional note", ResolveAsync)
            .Verb("close", "/incident close INC-42", "close a resolved incident once its follow-ups are done", CloseAsync)
            .Verb("sev", "/incident sev INC-42 sev2", "change the severity", SeverityAsync)
            .Verb("assign", "/incident assign INC-42 @person [commander|scribe|communications]", "give someone a role (commander by default)", AssignAsync)
            .Verb("update", "/incident update INC-42 <what is happening>", "a status update: on the timeline and posted where the incident is followed", UpdateAsync)
            .Verb("link", "/incident link INC-42 PRB-3|CHG-7|ci:<name>[,<name>]", "link the incident to a problem, to the change whose release caused it, or to more CIs", LinkAsync)
            .Verb("postmortem", "/incident postmortem INC-42", "a postmortem draft in Markdown, posted here", PostmortemAsync)
            .Verb("stats", "/incident stats [since:<duration>]", "MTTA and MTTR per service and severity (default: the last 30 days)", StatsAsync);
        map.Action(AckAction, "Acknowledge", AckAsync);
        map.Action(MitigateAction, "Mitigated", MitigateAsync);
        map.Action(ResolveAction, "Resolve", ResolveAsync);
        map.Action(LinkProblemAction, "Link problem", LinkProblemButtonAsync);
        map.Action(FromMessageAction, "Declare incident from this", DeclareFromMessageAsync);
    }

    private static async Task<ChatReply> AckAsync(CommandContext ctx)
    {
        var id = await IdAsync(ctx, "/incident ack INC-42");
        var change = await ctx.Get<IncidentService>().AcknowledgeAsync(ctx.Tenant, ctx.Actor, id, ctx.Cancellation);
        return Outcome(ctx, change, $"{id} acknowledged; you are its commander unless it had one.", $"{id} was already acknowledged.");
    }

    private static async Task<ChatReply> MitigateAsync(CommandContext ctx)
    {
        var id = await IdAsync(ctx, "/incident mitigate INC-42 [note]");
        var change = await ctx.Get<IncidentService>().MitigateAsync(ctx.Tenant, ctx.Actor, id, ctx.Args.RestAsText(), ctx.Cancellation);
        return Outcome(ctx, change, $"{id} mitigated.", $"{id} was already mitigated.");
    }

    private static async Task<ChatReply> ResolveAsync(CommandContext ctx)
    {
        var id = await IdAsync(ctx, "/incident resolve INC-42 [note]");
        var change = await ctx.Get<IncidentService>().ResolveAsync(ctx.Tenant, ctx.Actor, id, ctx.Args.RestAsText(), ctx.Cancellation);
        return Outcome(ctx, change, $"{id} resolved.", $"{id} was already resolved.");
    }

    private static async Task<ChatReply> CloseAsync(CommandContext ctx)
    {
        var id = await IdAsync(ctx, "/incident close INC-42");
        var change = await ctx.Get<IncidentService>().CloseAsync(ctx.Tenant, ctx.Actor, id, ctx.Cancellation);
        return Outcome(ctx, change, $"{id} closed.", $"{id} was already closed.");
    }

    private static async Task<ChatReply> SeverityAsync(CommandContext ctx)
    {
        var id = await IdAsync(ctx, "/incident sev INC-42 sev2");
        var severity = ctx.Args.TakeSeverity() ?? throw new UserException("Which severity? `sev1` (worst) to `sev4`.");
        var change = await ctx.Get<IncidentService>().ChangeSeverityAsync(ctx.Tenant, ctx.Actor, id, severity, ctx.Cancellation);
        return Outcome(ctx, change, $"{id} is SEV{severity} now.", $"{id} was SEV{severity} already.");
    }

    private static async Task<ChatReply> AssignAsync(CommandContext ctx)
    {
        var id = await IdAsync(ctx, "/incident assign INC-42 @person [commander|scribe|communications]");
        var mention = ctx.Args.TakeMention() ?? throw new UserException("Who? Mention them, as in `/incident assign INC-42 @dana scribe`.");
        var word = ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text.ToLowerInvariant() ?? "commander";
        var role = word switch
        {
            "commander" or "ic" or "lead" => IncidentRole.Commander,
            "scribe" => IncidentRole.Scribe,
            "communications" or "comms" => IncidentRole.Communications,
            _ => throw new UserException($"`{word}` is not an incident role. Roles: commander, scribe, communications."),
        };
        if ((await ctx.Get<IncidentService>().GetAsync(ctx.Tenant.Id, id, ctx.Cancellation)).State == IncidentState.Closed)
        {
            // Refused before anyone new is recorded.
            throw new UserException($"{id} is closed; its roles stay as they were.");
        }

        var person = await ctx.Get<IdentityService>().FindOrCreateAsync(ctx.Tenant, mention.Text, ctx.Cancellation);
        var change = await ctx.Get<IncidentService>().AssignAsync(ctx.Tenant, ctx.Actor, id, role, person, ctx.Cancellation);
        return Outcome(ctx, change, $"<@{mention.Text}> is the {Incident.RoleWord(role)} of {id}.", $"<@{mention.Text}> was the {Incident.RoleWord(role)} of {id} already.");
    }

    private static async Task<ChatReply> UpdateAsync(CommandContext ctx)
    {
        var id = await IdAsync(ctx, "/incident update INC-42 <what is happening>");
        var change = await ctx.Get<IncidentService>().UpdateAsync(ctx.Tenant, ctx.Actor, id, ctx.Args.RestAsText(), ctx.Cancellation);
        return Outcome(ctx, change, $"Update posted on {id}.", "");
    }

    private static async Task<ChatReply> LinkAsync(CommandContext ctx)
    {
        var id = await IdAsync(ctx, "/incident link INC-42 PRB-3");
        ctx.Args.RejectUnknownOptions("ci");
        if (ctx.Args.Option("ci") is { } ciNames)
        {
            return await LinkCisAsync(ctx, id, ciNames);
        }

        if (ctx.Args.TakeRecordId(RecordId.Change) is { } change)
        {
            // The change whose release caused it: marks the change as a failure too.
            return await Changes.ReleaseCommands.LinkCauseAsync(ctx, id, change);
        }

        var problem = ctx.Args.RequireRecordId(RecordId.Problem, "/incident link INC-42 PRB-3");
        var linked = await ctx.Get<ProblemService>().LinkAsync(ctx.Tenant, ctx.Actor, problem, [id], ctx.Cancellation);
        return ChatReply.Private(linked.Count == 0 ? $"{id} was linked to {problem} already." : $"Linked {id} to {problem}.");
    }

    /// <summary>More CIs for the incident: each must be in the CMDB (a typo is refused and nothing is linked).</summary>
    private static async Task<ChatReply> LinkCisAsync(CommandContext ctx, RecordId id, string ciNames)
    {
        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException($"`{ctx.Args.Positional[0].Text}` is extra: link CIs with `ci:`, as in `/incident link {id} ci:oven-2,thermostat-2`, and problems or changes on their own.");
        }

        var names = ciNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (found, unknown) = await ctx.Get<Cmdb.CmdbService>().FindManyAsync(ctx.Tenant.Id, names, ctx.Cancellation);
        if (unknown.Count > 0 || found.Count == 0)
        {
            throw new UserException(unknown.Count > 0
                ? $"`{unknown[0]}` is not in the CMDB; nothing was linked. Add it with `/cmdb add <type> {unknown[0]}`."
                : $"Which CIs? As in `/incident link {id} ci:oven-2`.");
        }

        var change = await ctx.Get<IncidentService>().LinkCisAsync(ctx.Tenant, ctx.Actor, id, found, ctx.Cancellation);
        var list = string.Join(", ", found.Select(c => c.Name));
        return ChatReply.Private(change.Changed ? $"Linked {id} to {list}." : $"{id} was linked to {list} already.");
    }

    /// <summary>The card's Link problem button: the problem typed into the card, or a new one made from this incident.</summary>
    private static async Task<ChatReply> LinkProblemButtonAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Incident, "Link problem");
        var problems = ctx.Get<ProblemService>();
        var typed = ctx.Request.Inputs?.GetValueOrDefault(ProblemInput)?.Trim();
        RecordId problem;
        var incident = await ctx.Get<IncidentService>().GetAsync(ctx.Tenant.Id, id, ctx.Cancellation);
        if (string.IsNullOrEmpty(typed) && incident.ProblemId is not null)
        {
            // A second click (or a card not refreshed yet) must not make another problem.
            var card = await ctx.Get<IncidentService>().CardAsync(ctx.Tenant, id, ctx.Cancellation);
            return ChatReply.Private($"{id} is linked to a problem already; type another PRB id into the card to move it.") with { UpdatedCard = card };
        }

        if (string.IsNullOrEmpty(typed))
        {
            var (created, _) = await problems.CreateAsync(ctx.Tenant, ctx.Actor, ctx.Request.Platform, ctx.Request.ChannelId, incident.Title,
                incident.Cis.Where(c => c.Ci is not null).Select(c => c.Ci!.Name).ToList(), ctx.Cancellation);
            problem = created.RecordId;
        }
        else
        {
            problem = RecordId.Parse(typed, RecordId.Problem);
        }

        await problems.LinkAsync(ctx.Tenant, ctx.Actor, problem, [id], ctx.Cancellation);
        var updated = await ctx.Get<IncidentService>().CardAsync(ctx.Tenant, id, ctx.Cancellation);
        return ChatReply.Private($"{id} is linked to {problem}.") with { UpdatedCard = updated };
    }

    /// <summary>The incident named in the command, or the one whose own channel or thread this is.</summary>
    private static async Task<RecordId> IdAsync(CommandContext ctx, string usage)
    {
        // An id is the first argument; one further on is part of a note ("same cause as INC-2").
        var first = ctx.Args.Positional.Count > 0 ? ctx.Args.Positional[0] : null;
        if (first is { Kind: TokenKind.Word } && RecordId.TryParse(first.Text, out var id) && id.Prefix == RecordId.Incident)
        {
            ctx.Args.Take(t => ReferenceEquals(t, first));
            return id;
        }

        if (!ctx.Request.IsAction && await ctx.Get<IncidentService>().InConversationAsync(ctx.Tenant.Id, ctx.Request.ChannelId, ctx.Request.ThreadId, ctx.Cancellation) is { } here)
        {
            return here;
        }

        return ctx.Args.RequireRecordId(RecordId.Incident, usage);
    }

    /// <summary>A button's effect is the updated card; a second click says why nothing changed.</summary>
    private static ChatReply Outcome(CommandContext ctx, IncidentChange change, string done, string already) =>
        (change.Changed ? (ctx.Request.IsAction ? ChatReply.None : ChatReply.Private(done)) : ChatReply.Private(already)) with { UpdatedCard = change.Card };
}
