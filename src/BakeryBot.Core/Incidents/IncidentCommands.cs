using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Incidents;

/// <summary>The <c>/incident</c> command and the incident card's buttons.</summary>
public sealed class IncidentCommands : IChatModule
{
    public const string AckAction = "incident.ack";
    public const string ResolveAction = "incident.resolve";

    /// <summary>"Declare incident from this" on any message; the value is the message's text.</summary>
    public const string FromMessageAction = "incident.from_message";
    private const string DeclareUsage = "/incident <title> [sev1..sev4] [ci:<name>[,<name>...]]";

    public void Map(CommandMap map)
    {
        map.Command("incident", "declare and run incidents")
            .Fallback(DeclareUsage, "declare an incident and post its card here", DeclareUnlessMistypedAsync)
            .Verb("declare", "/incident declare <title> [sev1..sev4] [ci:<name>]", "the same, when the title starts like a verb", DeclareAsync)
            .Verb("list", "/incident list [all] [since:<duration>]", "open incidents (or the latest 20 of any state), optionally only recent ones", ListAsync)
            .Verb("show", "/incident show INC-42", "an incident with its timeline", ShowAsync)
            .Verb("ack", "/incident ack INC-42", "acknowledge: you become its commander if it has none", AckAsync)
            .Verb("resolve", "/incident resolve INC-42 [note]", "resolve it, with an optional note", ResolveAsync);
        map.Action(AckAction, "Acknowledge", AckAsync);
        map.Action(ResolveAction, "Resolve", ResolveAsync);
        map.Action(FromMessageAction, "Declare incident from this", DeclareFromMessageAsync);
    }

    /// <summary>
    /// <c>/incident teleport INC-3</c> names an incident, so it is a mistyped verb, not a title:
    /// answered with the verbs rather than declared.
    /// </summary>
    private static Task<ChatReply> DeclareUnlessMistypedAsync(CommandContext ctx)
    {
        if (ctx.Args.Positional.Count > 1 && ctx.Args.Positional.Skip(1).Any(t => RecordId.TryParse(t.Text, out var id) && id.Prefix == RecordId.Incident))
        {
            var word = ctx.Args.Positional[0].Text;
            throw new UserException($"`{word}` is not something `/incident` can do to an incident. " +
                $"Verbs: {string.Join(", ", ctx.Get<CommandMap>().FindCommand("incident")!.Verbs.Select(v => $"`{v.Name}`"))}. " +
                $"To declare a new incident with that title, write `/incident declare {word} ...`.");
        }

        return DeclareAsync(ctx);
    }

    private static async Task<ChatReply> DeclareAsync(CommandContext ctx)
    {
        // Declaring never fails for a detail: options it doesn't know stay in the title as written.
        var severity = ctx.Args.TakeSeverity();
        var cis = ctx.Args.Option("ci")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var title = ctx.Args.RestAsTextKeeping("ci", "sev", "severity");
        var result = await ctx.Get<IncidentService>().DeclareAsync(
            ctx.Tenant, ctx.Actor, ctx.Request.Platform, ctx.Request.ChannelId, title, severity, cis, ctx.Cancellation);
        var text = $"{result.Incident.RecordId} declared; its card is posted in this channel.";
        if (result.Assumptions.Count > 0)
        {
            text += "\nAssumed: " + string.Join("; ", result.Assumptions) + ".";
        }

        return ChatReply.Private(text);
    }

    /// <summary>
    /// The message's first line is the title (unless the action's form gave one, with a severity and
    /// CIs); the whole message goes to the timeline.
    /// </summary>
    private static async Task<ChatReply> DeclareFromMessageAsync(CommandContext ctx)
    {
        var message = (ctx.Request.ActionValue ?? "").Trim();
        var form = ctx.Request.Inputs ?? new Dictionary<string, string>();
        var firstLine = form.GetValueOrDefault("title")?.Trim() is { Length: > 0 } given ? given : message.Split('\n', 2)[0].Trim();
        if (firstLine.Length == 0)
        {
            throw new UserException("That message has no text to make an incident of. Declare one with `/incident <title>`.");
        }

        int? severity = form.GetValueOrDefault("severity") is { Length: > 0 } sev ? Severity.Parse(sev) : null;
        var cis = form.GetValueOrDefault("ci")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var title = firstLine.Length <= 120 ? firstLine : firstLine[..119].TrimEnd() + "…";
        var result = await ctx.Get<IncidentService>().DeclareAsync(
            ctx.Tenant, ctx.Actor, ctx.Request.Platform, ctx.Request.ChannelId, title, severity, cis, ctx.Cancellation,
            note: ctx.Request.SourceLink is { } link ? $"From a message ({link}): {message}" : $"From a message: {message}");
        var text = $"{result.Incident.RecordId} declared from that message as SEV{result.Incident.Severity}; its card is posted in this channel.";
        // The severity is in the answer already; what else was assumed (an unknown CI) is said.
        var assumed = result.Assumptions.Where(a => !a.StartsWith("severity", StringComparison.Ordinal)).ToList();
        return ChatReply.Private(assumed.Count == 0 ? text : $"{text}\nAssumed: {string.Join("; ", assumed)}.");
    }

    private static async Task<ChatReply> ListAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions("since");
        var all = ctx.Args.Take(t => t.Kind == TokenKind.Word && t.Text.Equals("all", StringComparison.OrdinalIgnoreCase)) is not null;
        var since = ctx.Args.Option("since") is { } window ? ctx.Now - DurationParser.Parse(window) : (DateTimeOffset?)null;
        var incidents = await ctx.Get<IncidentService>().ListAsync(ctx.Tenant.Id, all, since, ctx.Cancellation);
        if (incidents.Count == 0)
        {
            return ChatReply.Private(all ? "No incidents yet." : "No open incidents. 🎉");
        }

        var lines = string.Join('\n', incidents.Select(i => IncidentCards.Line(i, ctx.Now, ctx.Culture)));
        var title = all ? "Latest incidents" : $"Open incidents ({incidents.Count})";
        return ChatReply.Private("", new Card(title, CardAccent.Info, [new TextSection(lines)], []));
    }

    private static async Task<ChatReply> ShowAsync(CommandContext ctx)
    {
        var service = ctx.Get<IncidentService>();
        var id = ctx.Args.RequireRecordId(RecordId.Incident, "/incident show INC-42");
        var incident = await service.GetAsync(ctx.Tenant.Id, id, ctx.Cancellation);
        var view = await service.ViewAsync(incident, ctx.Cancellation);
        return ChatReply.Private("", IncidentCards.Card(view, ctx.Now, ctx.TimeZone, ctx.Culture, withTimeline: true));
    }

    private static async Task<ChatReply> AckAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Incident, "/incident ack INC-42");
        var (changed, card) = await ctx.Get<IncidentService>().AcknowledgeAsync(ctx.Tenant, ctx.Actor, id, ctx.Cancellation);
        return Outcome(ctx, changed, card, $"{id} acknowledged; you are its commander unless it had one.", $"{id} was already acknowledged.");
    }

    private static async Task<ChatReply> ResolveAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Incident, "/incident resolve INC-42 [note]");
        var note = ctx.Args.RestAsText();
        var (changed, card) = await ctx.Get<IncidentService>().ResolveAsync(ctx.Tenant, ctx.Actor, id, note, ctx.Cancellation);
        return Outcome(ctx, changed, card, $"{id} resolved.", $"{id} was already resolved.");
    }

    /// <summary>A button's effect is the updated card; a second click says why nothing changed.</summary>
    private static ChatReply Outcome(CommandContext ctx, bool changed, Card card, string done, string already) =>
        (changed ? (ctx.Request.IsAction ? ChatReply.None : ChatReply.Private(done)) : ChatReply.Private(already)) with { UpdatedCard = card };
}
