using System.Globalization;
using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Problems;

/// <summary>The <c>/problem</c> command and the suggestion card's "Create problem" button.</summary>
public sealed class ProblemCommands : IChatModule
{
    public const string CreateFromSuggestionAction = "problem.from_suggestion";

    public void Map(CommandMap map)
    {
        map.Command("problem", "problems: the causes behind incidents")
            .Verb("new", "/problem new <title> [ci:<name>[,<name>]]", "open a problem", NewAsync)
            .Verb("link", "/problem link PRB-3 INC-42 [INC-43...]", "link incidents to a problem", LinkAsync)
            .Verb("rca", "/problem rca PRB-3 <root cause>", "record the root cause", RootCauseAsync)
            .Verb("workaround", "/problem workaround PRB-3 <what to do meanwhile>", "record a workaround: the problem becomes a known error", WorkaroundAsync)
            .Verb("resolve", "/problem resolve PRB-3", "resolve the problem (its cause is fixed)", ResolveAsync)
            .Verb("list", "/problem list [all]", "open problems (or all of the latest)", ListAsync)
            .Verb("show", "/problem show PRB-3", "a problem with its incidents, CIs and downtime", ShowAsync);
        map.Action(CreateFromSuggestionAction, "Create problem", CreateFromSuggestionAsync);
    }

    private static async Task<ChatReply> NewAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions("ci");
        var cis = ctx.Args.Option("ci")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var (problem, unknown) = await ctx.Get<ProblemService>().CreateAsync(ctx.Tenant, ctx.Actor, ctx.Request.Platform, ctx.Request.ChannelId, ctx.Args.RestAsText(), cis, ctx.Cancellation);
        var text = $"{problem.RecordId} opened; link its incidents with `/problem link {problem.RecordId} INC-42`.";
        return ChatReply.Private(unknown.Count == 0 ? text : $"{text}\nAssumed: {string.Join(", ", unknown.Select(n => $"`{n}`"))} not in the CMDB, so not linked.");
    }

    private static async Task<ChatReply> LinkAsync(CommandContext ctx)
    {
        const string usage = "/problem link PRB-3 INC-42";
        var problem = ctx.Args.RequireRecordId(RecordId.Problem, usage);
        var incidents = new List<RecordId>();
        while (ctx.Args.TakeRecordId(RecordId.Incident) is { } id)
        {
            incidents.Add(id);
        }

        if (incidents.Count == 0 || ctx.Args.Positional.Count > 0)
        {
            throw new UserException(ctx.Args.Positional.Count > 0
                ? $"`{ctx.Args.Positional[0]}` is not an incident id. Write them like `INC-42`."
                : $"Which incidents? Name them, as in `{usage} INC-43`.");
        }

        var linked = await ctx.Get<ProblemService>().LinkAsync(ctx.Tenant, ctx.Actor, problem, incidents, ctx.Cancellation);
        return ChatReply.Private(linked.Count == 0
            ? $"Those incidents were linked to {problem} already."
            : $"Linked {string.Join(", ", linked)} to {problem}.");
    }

    private static Task<ChatReply> RootCauseAsync(CommandContext ctx) =>
        TextChangeAsync(ctx, "/problem rca PRB-3 faulty thermostat", (service, id, text) => service.SetRootCauseAsync(ctx.Tenant, ctx.Actor, id, text, ctx.Cancellation), "Root cause recorded for {0}.", "{0} had that root cause already.");

    private static Task<ChatReply> WorkaroundAsync(CommandContext ctx) =>
        TextChangeAsync(ctx, "/problem workaround PRB-3 bake at 160°C", (service, id, text) => service.SetWorkaroundAsync(ctx.Tenant, ctx.Actor, id, text, ctx.Cancellation), "{0} is a known error now; its workaround is posted with new incidents on its CIs.", "{0} had that workaround already.");

    private static async Task<ChatReply> ResolveAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Problem, "/problem resolve PRB-3");
        var changed = await ctx.Get<ProblemService>().ResolveAsync(ctx.Tenant, ctx.Actor, id, ctx.Cancellation);
        return ChatReply.Private(changed ? $"{id} resolved." : $"{id} was resolved already.");
    }

    private static async Task<ChatReply> ListAsync(CommandContext ctx)
    {
        var all = ctx.Args.Take(t => t.Kind == TokenKind.Word && t.Text.Equals("all", StringComparison.OrdinalIgnoreCase)) is not null;
        var problems = await ctx.Get<ProblemService>().ListAsync(ctx.Tenant.Id, all, ctx.Cancellation);
        if (problems.Count == 0)
        {
            return ChatReply.Private(all ? "No problems yet." : "No open problems.");
        }

        var lines = string.Join('\n', problems.Select(p => $"{p.RecordId} · {p.State} · {p.Title}"));
        return ChatReply.Private("", new Card(all ? "Latest problems" : $"Open problems ({problems.Count})", CardAccent.Info, [new TextSection(lines)], []));
    }

    private static async Task<ChatReply> ShowAsync(CommandContext ctx)
    {
        var service = ctx.Get<ProblemService>();
        var problem = await service.GetAsync(ctx.Tenant.Id, ctx.Args.RequireRecordId(RecordId.Problem, "/problem show PRB-3"), ctx.Cancellation);
        return ChatReply.Private("", await service.CardAsync(problem, ctx.Cancellation));
    }

    private static async Task<ChatReply> CreateFromSuggestionAsync(CommandContext ctx)
    {
        if (!int.TryParse(ctx.Request.ActionValue, NumberStyles.None, CultureInfo.InvariantCulture, out var suggestion))
        {
            throw new UserException("That suggestion is gone.");
        }

        var (problem, created) = await ctx.Get<ProblemService>().CreateFromSuggestionAsync(ctx.Tenant, ctx.Actor, suggestion, ctx.Request.Platform, ctx.Request.ChannelId, ctx.Cancellation);
        return ChatReply.Private(created ? $"{problem.RecordId} created and its incidents linked." : $"{problem.RecordId} was created from this suggestion already.");
    }

    private static async Task<ChatReply> TextChangeAsync(CommandContext ctx, string usage, Func<ProblemService, RecordId, string, Task<bool>> change, string done, string already)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Problem, usage);
        var text = ctx.Args.RestAsText().Trim();
        if (text.Length == 0)
        {
            throw new UserException($"Say it, as in `{usage}`.");
        }

        if (text.Length > 4000)
        {
            throw new UserException("Keep it under 4,000 characters; link to a document for more.");
        }

        var changed = await change(ctx.Get<ProblemService>(), id, text);
        return ChatReply.Private(string.Format(CultureInfo.InvariantCulture, changed ? done : already, id));
    }
}
