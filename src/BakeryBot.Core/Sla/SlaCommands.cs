using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using Humanizer;

namespace BakeryBot.Core.Sla;

/// <summary>The <c>/sla</c> command.</summary>
public sealed class SlaCommands : IChatModule
{
    public void Map(CommandMap map) =>
        map.Command("sla", "service levels: targets, what the dependency chain allows, and the monthly report")
            .Verb("set", "/sla set <service> [sev1..sev4] ack:<duration> resolve:<duration> uptime:<pct> [credit:\"99.9:10,99:25\"] [fee:\"1200 EUR\"]",
                "set a service's targets (all severities unless one is named); `uptime:`, `credit:` and `fee:` go on any CI, such as a third party's cloud", SetAsync)
            .Verb("show", "/sla show [service]", "the targets, commitments, credit rules and fees", ShowAsync)
            .Verb("chain", "/sla chain <service>", "the availability its dependency chain allows, against its commitment", ChainAsync)
            .Verb("report", "/sla report [2026-10|october|last]", "a month's measured uptime against each commitment, SLA breaches and the service credits third parties owe (default: this month so far)", ReportAsync);

    private static async Task<ChatReply> SetAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions("ack", "resolve", "uptime", "credit", "fee", "sev");
        var severity = ctx.Args.TakeSeverity();
        var name = Service(ctx, "/sla set cookie-shop sev1 ack:15m resolve:4h uptime:99.9");
        var ack = ctx.Args.Option("ack") is { } a ? DurationParser.Parse(a, "time to acknowledge") : (TimeSpan?)null;
        var resolve = ctx.Args.Option("resolve") is { } r ? DurationParser.Parse(r, "time to resolve") : (TimeSpan?)null;
        double? uptime = ctx.Args.Option("uptime") is { } u
            ? double.TryParse(u.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var pct) && pct is > 0 and <= 100 ? pct : throw new UserException($"`uptime:{u}` is not a percentage; write it like `uptime:99.9`.")
            : null;
        var credit = ctx.Args.Option("credit") is { } c ? ServiceCreditRule.Parse(c) : null;
        var fee = ctx.Args.Option("fee") is { } f ? MonthlyFee.Parse(f) : null;
        var settings = new SlaSettings(severity, ack, resolve, uptime, credit, fee);
        if (settings.IsEmpty)
        {
            throw new UserException("Give at least one of `ack:`, `resolve:`, `uptime:`, `credit:` or `fee:`.");
        }

        var changed = await ctx.Get<SlaService>().SetAsync(ctx.Tenant.Id, name, settings, ctx.Cancellation);
        return ChatReply.Private(changed ? $"Service levels of `{name}` set." : $"`{name}` had those service levels already.");
    }

    private static async Task<ChatReply> ShowAsync(CommandContext ctx)
    {
        var name = ctx.Args.Positional.Count > 0 ? ctx.Args.Positional[0].Text : null;
        var sla = ctx.Get<SlaService>();
        var targets = await sla.TargetsAsync(ctx.Tenant.Id, name, ctx.Cancellation);
        var commitments = await sla.CommitmentsAsync(ctx.Tenant.Id, name, ctx.Cancellation);
        var withTargets = targets.Select(t => t.ServiceId).ToHashSet();
        // A CI's commitment is on its target lines; a line of its own says what those don't (a credit rule, a fee, a commitment without targets).
        var others = commitments.Where(c => !withTargets.Contains(c.Id) || c.ServiceCredits is not null || c.MonthlyFee is not null).ToList();
        if (targets.Count == 0 && others.Count == 0)
        {
            return ChatReply.Private("No service levels yet. Set one with `/sla set cookie-shop ack:15m resolve:4h uptime:99.9`.");
        }

        var lines = targets.Select(t => $"{t.Service!.Name} · {(t.Severity is { } s ? $"SEV{s}" : "all severities")} · acknowledge within {Span(t.AcknowledgeSeconds, ctx)} · resolve within {Span(t.ResolveSeconds, ctx)}"
                                         + (t.Service.UptimeCommitment is { } u ? $" · uptime {u.ToString(CultureInfo.InvariantCulture)}%" : ""))
            .Concat(others.Select(c => Commitment(c, withTargets.Contains(c.Id), ctx.Culture)));
        return ChatReply.Private("", new Card("Service levels", CardAccent.Info, [new TextSection(string.Join('\n', lines))], []));
    }

    /// <summary>A CI's commitment, credit rule and fee on one line; the commitment left out when its target lines show it.</summary>
    private static string Commitment(ConfigurationItem ci, bool uptimeShown, CultureInfo culture)
    {
        var parts = new List<string> { ci.Name };
        if (ci.ThirdParty)
        {
            parts.Add(ci.Vendor is { } vendor ? $"third party ({vendor})" : "third party");
        }

        if (ci.UptimeCommitment is { } u && !uptimeShown)
        {
            parts.Add($"uptime {u.ToString(CultureInfo.InvariantCulture)}%");
        }

        if (ci.ServiceCredits is { } credits)
        {
            parts.Add(ServiceCreditRule.TryParse(credits, out var rule) ? $"service credit {rule.Describe()} of the monthly fee" : $"service credit rule unreadable ({credits})");
        }

        if (ci.MonthlyFee is { } fee)
        {
            parts.Add($"monthly fee {MonthlyFee.Format(fee, ci.Currency, culture)}");
        }

        return string.Join(" · ", parts);
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

    private static async Task<ChatReply> ReportAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions();
        var words = ctx.Args.Positional;
        if (words.Count > 1)
        {
            throw new UserException("Give one month, as in `/sla report 2026-10`, `/sla report october` or `/sla report last`.");
        }

        // Months are the tenant's: a contract's month is the same for everyone who asks.
        var period = ReportPeriod.Parse(words.Count == 1 ? words[0].Text : null, ctx.Now, TimeZones.Find(ctx.Tenant.TimeZone));
        var report = await ctx.Get<SlaService>().ReportAsync(ctx.Tenant.Id, period, ctx.Now, ctx.Cancellation);
        return report.Cis.Count == 0
            ? ChatReply.Private("Nothing to report: no service has a commitment or SLA targets, and no third party a commitment. " +
                                "Set them with `/sla set cookie-shop uptime:99.9 ack:15m resolve:4h`.")
            : ChatReply.Private("", SlaReportCard.Build(report, ctx.Culture));
    }

    private static string Service(CommandContext ctx, string usage) =>
        ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text ?? throw new UserException($"Which service? As in `{usage}`.");

    private static string Span(long? seconds, CommandContext ctx) =>
        seconds is { } s ? TimeSpan.FromSeconds(s).Humanize(2, ctx.Culture, minUnit: TimeUnit.Minute) : "no target";

    private static string Percent(double fraction) => (fraction * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";
}
