using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Incidents;

/// <summary>Declaring, listing and showing incidents.</summary>
public sealed partial class IncidentCommands
{
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
        var detected = ctx.Args.Option("detected") is { } how ? ParseDetection(how) : Detection.Person;
        var title = ctx.Args.RestAsTextKeeping("ci", "sev", "severity", "detected");
        var result = await ctx.Get<IncidentService>().DeclareAsync(
            new DeclareRequest(ctx.Tenant, ctx.Actor, ctx.Request.Platform, ctx.Request.ChannelId, title) { Severity = severity, CiNames = cis, DetectedBy = detected },
            ctx.Cancellation);
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
        var note = ctx.Request.SourceLink is { } link ? $"From a message ({link}): {message}" : $"From a message: {message}";
        var result = await ctx.Get<IncidentService>().DeclareAsync(
            new DeclareRequest(ctx.Tenant, ctx.Actor, ctx.Request.Platform, ctx.Request.ChannelId, title) { Severity = severity, CiNames = cis, Note = note },
            ctx.Cancellation);
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
        var id = await IdAsync(ctx, "/incident show INC-42");
        var incident = await service.GetAsync(ctx.Tenant.Id, id, ctx.Cancellation);
        var view = await service.ViewAsync(incident, ctx.Cancellation);
        return ChatReply.Private("", IncidentCards.Card(view, ctx.Now, ctx.TimeZone, ctx.Culture, withTimeline: true));
    }

    private static Detection ParseDetection(string text) =>
        Enum.TryParse<Detection>(text, ignoreCase: true, out var detection) && !int.TryParse(text, out _)
            ? detection
            : throw new UserException($"`detected:{text}` is not a way of detecting; use person, customer, alert or synthetic.");
}
