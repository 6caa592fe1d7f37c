using System.Globalization;
using BakeryBot.Core.Chat;
using Humanizer;

namespace BakeryBot.Core.Sla;

/// <summary>The <c>/sla</c> command.</summary>
public sealed class SlaCommands : IChatModule
{
    public void Map(CommandMap map) =>
        map.Command("sla", "service levels: targets and what the dependency chain allows")
            .Verb("set", "/sla set <service> [sev1..sev4] ack:<duration> resolve:<duration> uptime:<pct>", "set a service's targets (all severities unless one is named)", SetAsync)
            .Verb("show", "/sla show [service]", "the targets", ShowAsync)
            .Verb("chain", "/sla chain <service>", "the availability its dependency chain allows, against its commitment", ChainAsync);

    private static async Task<ChatReply> SetAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions("ack", "resolve", "uptime", "sev");
        var severity = ctx.Args.TakeSeverity();
        var service = Service(ctx, "/sla set cookie-shop sev1 ack:15m resolve:4h uptime:99.9");
        var ack = ctx.Args.Option("ack") is { } a ? DurationParser.Parse(a, "time to acknowledge") : (TimeSpan?)null;
        var resolve = ctx.Args.Option("resolve") is { } r ? DurationParser.Parse(r, "time to resolve") : (TimeSpan?)null;
        double? uptime = ctx.Args.Option("uptime") is { } u
            ? double.TryParse(u.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var pct) && pct is > 0 and <= 100 ? pct : throw new UserException($"`uptime:{u}` is not a percentage; write it like `uptime:99.9`.")
            : null;
        if (ack is null && resolve is null && uptime is null)
        {
            throw new UserException("Give at least one of `ack:`, `resolve:` or `uptime:`.");
        }

        var changed = await ctx.Get<SlaService>().SetAsync(ctx.Tenant.Id, service, severity, ack, resolve, uptime, ctx.Cancellation);
        return ChatReply.Private(changed ? $"Service levels of `{service}` set." : $"`{service}` had those service levels already.");
    }

    private static async Task<ChatReply> ShowAsync(CommandContext ctx)
    {
        var name = ctx.Args.Positional.Count > 0 ? ctx.Args.Positional[0].Text : null;
        var targets = await ctx.Get<SlaService>().TargetsAsync(ctx.Tenant.Id, name, ctx.Cancellation);
        if (targets.Count == 0)
        {
            return ChatReply.Private("No service levels yet. Set one with `/sla set cookie-shop ack:15m resolve:4h uptime:99.9`.");
        }

        var lines = targets.Select(t => $"{t.Service!.Name} · {(t.Severity is { } s ? $"SEV{s}" : "all severities")} · acknowledge within {Span(t.AcknowledgeSeconds, ctx)} · resolve within {Span(t.ResolveSeconds, ctx)}"
                                         + (t.Service.UptimeCommitment is { } u ? $" · uptime {u.ToString(CultureInfo.InvariantCulture)}%" : ""));
        return ChatReply.Private("", new Card("Service levels", CardAccent.Info, [new TextSection(string.Join('\n', lines))], []));
    }

    private static async Task<ChatReply> ChainAsync(CommandContext ctx)
    {
        var (service, result) = await ctx.Get<SlaService>().ChainAsync(ctx.Tenant.Id, Service(ctx, "/sla chain cookie-shop"), ctx.Cancellation);
        var fields = new List<CardField> { new("Composite availability", Percent(result.Availability)) };
        var below = service.UptimeCommitment is { } promised && result.Availability * 100 < promised;
        if (service.UptimeCommitment is { } commitment)
        {
            fields.Add(new CardField("Commitment", $"{commitment.ToString(CultureInfo.InvariantCulture)}%{(below ? " (the chain can't keep it)" : "")}"));
        }

        if (result.WeakestLink is { } weakest)
        {
            fields.Add(new CardField("Weakest link", $"{weakest} at {Percent(result.WeakestAvailability!.Value)}"));
        }

        fields.Add(new CardField("Third parties on the chain", result.ThirdParties.Count == 0 ? "none" : string.Join(", ", result.ThirdParties)));
        if (result.Unknown.Count > 0)
        {
            fields.Add(new CardField("No availability known (counted as 100%)", string.Join(", ", result.Unknown)));
        }

        var sections = new List<CardSection> { new FieldsSection(fields) };
        if (result.HasCycle)
        {
            sections.Add(new ContextSection("The chain has a cycle; each CI on it is counted once."));
        }

        return ChatReply.Private("", new Card($"Availability of {service.Name}", below ? CardAccent.Danger : CardAccent.Success, sections, []));
    }

    private static string Service(CommandContext ctx, string usage) =>
        ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text ?? throw new UserException($"Which service? As in `{usage}`.");

    private static string Span(long? seconds, CommandContext ctx) =>
        seconds is { } s ? TimeSpan.FromSeconds(s).Humanize(2, ctx.Culture, minUnit: TimeUnit.Minute) : "no target";

    private static string Percent(double fraction) => (fraction * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";
}
