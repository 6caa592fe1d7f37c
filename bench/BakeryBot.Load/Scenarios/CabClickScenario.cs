using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BakeryBot.Load.Running;

namespace BakeryBot.Load.Scenarios;

/// <summary>
/// CAB Approve clicks that each do real work: the vote recorded, the decision taken when it is the last one
/// needed, the card re-rendered and its update queued in the outbox. Set up before each phase, untimed:
/// workspaces (tenants) of <see cref="Members"/> CAB members (granted by an admin from <c>Security:Admins</c>)
/// with a quorum of <see cref="Members"/> for medium-risk changes, and <see cref="LoadOptions.OpenChanges"/>
/// pending changes each (requested in a channel of their own, windows on separate days so none conflict).
/// Every member then approves every change once: at most one click per change is in flight at a time, as
/// the clicks go change by change and member by member.
/// </summary>
public abstract partial class CabClickScenario : Scenario
{
    /// <summary>CAB members per workspace, and the quorum: the most approvals a change can take (a quorum is at most 20).</summary>
    public const int Members = 20;

    public const string ApproveAction = "change.approve";

    private int _tenantsUsed;

    public override string WorkName => "votes";

    // Each closed-loop second needs this many clicks set up beforehand: at most this many (workspaces get their
    // admins when the bot starts), and in a run twice what the bot managed with incidents (the setup takes long).
    public override int ClosedLoopPerSecond => 3_000;

    public override int ClosedLoopBudget(LoadContext ctx) =>
        ctx.BotClosedLoopThroughput is { } measured ? (int)Math.Clamp(2 * measured, 300, ClosedLoopPerSecond) : 1_000;

    /// <summary>Workspaces the scenario may use in a run (each needs its admin configured before the bot starts).</summary>
    public static int TenantsNeeded(LoadOptions options, int closedLoopPerSecond)
    {
        var clicks = (options.WarmupSeconds + options.Seconds) * closedLoopPerSecond + (int)Math.Ceiling(options.Rate * options.Seconds);
        return (int)Math.Ceiling((double)clicks / (Members * options.OpenChanges)) + 3;
    }

    /// <summary>The admin entries (<c>Security:Admins</c>) for the workspaces this scenario may use.</summary>
    public abstract IEnumerable<string> Admins(int tenants);

    public override async Task<IReadOnlyList<LoadRequest>> RequestsAsync(LoadContext ctx, string phase, int count)
    {
        var perTenant = ctx.Options.OpenChanges;
        var tenants = (int)Math.Ceiling((double)count / (Members * perTenant));
        var first = _tenantsUsed;
        _tenantsUsed += tenants;
        if (_tenantsUsed > TenantsNeeded(ctx.Options, ClosedLoopPerSecond))
        {
            throw new InvalidOperationException("More workspaces needed than were configured with an admin.");
        }

        var changesBefore = await ctx.Database.CountAsync("Changes");
        var rolesBefore = await ctx.Database.CountAsync("RoleAssignments", "\"Role\" = 'cab'");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await Parallel.ForEachAsync(Enumerable.Range(first, tenants), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (tenant, _) =>
        {
            for (var m = 0; m < Members; m++)
            {
                await SetUpAsync(ctx, http, tenant, Admin: true, AdminChannel(tenant), RoleAdd(m), Mention(m));
            }

            await SetUpAsync(ctx, http, tenant, Admin: true, AdminChannel(tenant), $"change cab quorum medium {Members}", null);
            await SetUpAsync(ctx, http, tenant, Admin: false, AdminChannel(tenant), "cmdb add asset oven-2", null);
            var today = DateTime.UtcNow.Date;
            for (var c = 1; c <= perTenant; c++)
            {
                var day = today.AddDays(2 + c).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                await SetUpAsync(ctx, http, tenant, Admin: false, ChangeChannel(tenant, c), $"change request replace thermostat {c} ci:oven-2 window:\"{day}T22:00+2h\" risk:medium rollback:\"refit the old one\"", null);
            }
        });

        var changes = await ctx.Database.CountAsync("Changes") - changesBefore;
        var roles = await ctx.Database.CountAsync("RoleAssignments", "\"Role\" = 'cab'") - rolesBefore;
        if (changes != tenants * perTenant || roles != tenants * Members)
        {
            throw new InvalidOperationException($"Setting up {Name} made {changes} changes and {roles} CAB members; {tenants * perTenant} and {tenants * Members} were asked for.");
        }

        // The cards are posted before the clicks begin, so that each click's card update can go out.
        await ctx.DrainOutboxAsync(TimeSpan.FromMinutes(2));
        var requests = new List<LoadRequest>(count);
        for (var m = 0; m < Members && requests.Count < count; m++)
        {
            for (var tenant = first; tenant < first + tenants && requests.Count < count; tenant++)
            {
                for (var c = 1; c <= perTenant && requests.Count < count; c++)
                {
                    requests.Add(Click(ctx, tenant, c, m));
                }
            }
        }

        return requests;
    }

    public override Task<long> LandedAsync(LoadContext ctx) => ctx.Database.CountAsync("ChangeVotes");

    /// <summary>A channel id of its own per workspace and change (the platforms' ids are unique; the outbox paces each channel).</summary>
    protected static string ChannelSuffix(int tenant, int change) => string.Create(CultureInfo.InvariantCulture, $"{tenant:D4}X{change:D4}");

    protected abstract string ChangeChannel(int tenant, int change);

    private string AdminChannel(int tenant) => ChangeChannel(tenant, 0);

    /// <summary>The text that grants member <paramref name="member"/> the cab role, with the mention as the platform writes it.</summary>
    protected abstract string RoleAdd(int member);

    /// <summary>The mention entity behind <see cref="RoleAdd"/> where the platform has them (Teams), else null.</summary>
    protected abstract KeyValuePair<string, string>? Mention(int member);

    /// <summary>Sends one set-up command in workspace <paramref name="tenant"/>, by its admin or its requester, and fails loudly if it was refused.</summary>
    protected abstract Task SetUpAsync(LoadContext ctx, HttpClient http, int tenant, bool Admin, string channel, string text, KeyValuePair<string, string>? mention);

    protected abstract LoadRequest Click(LoadContext ctx, int tenant, int change, int member);

    protected static string Shape(string text)
    {
        var shape = Numbers().Replace(text, "#");
        return shape.Length > 70 ? shape[..70] + "…" : shape;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();
}

/// <summary><c>slack-cab-click</c>: block_actions Approve clicks on change cards, signed, through <c>/slack/interactions</c>.</summary>
public sealed class SlackCabClickScenario : CabClickScenario
{
    public override string Name => "slack-cab-click";

    public override string Description => "signed /slack/interactions block_actions CAB Approve: vote recorded, decision when quorate, card re-rendered and its update queued";

    public static string Team(int tenant) => $"T0CAB{tenant:D4}";

    public override IEnumerable<string> Admins(int tenants) => Enumerable.Range(0, tenants).Select(t => $"slack:{Team(t)}/U0ADMIN");

    protected override string ChangeChannel(int tenant, int change) => $"C0CHG{ChannelSuffix(tenant, change)}";

    protected override string RoleAdd(int member) => $"bakery role add <@U0CAB{member:D2}> cab";

    protected override KeyValuePair<string, string>? Mention(int member) => null;

    protected override async Task SetUpAsync(LoadContext ctx, HttpClient http, int tenant, bool Admin, string channel, string text, KeyValuePair<string, string>? mention)
    {
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var body = ctx.Slack.Command(Team(tenant), channel, Admin ? "U0ADMIN" : "U0REQUESTER", "/" + text[..space], text[(space + 1)..], $"{ctx.Unique()}.setup.load");
        var (status, answer) = await ctx.SendAsync(http, ctx.Slack.Signed("slack/commands", body, Workload.SlackPayloads.Now()));
        if (status != 200 || SlackIncidentScenario.SlackAnswer(Encoding.UTF8.GetBytes(answer)) is not null)
        {
            throw new InvalidOperationException($"Setting up {Name}: `/{text}` was answered {status}: {answer}");
        }
    }

    protected override LoadRequest Click(LoadContext ctx, int tenant, int change, int member)
    {
        var n = ctx.Unique();
        var body = ctx.Slack.ButtonClick(
            Team(tenant),
            ChangeChannel(tenant, change),
            $"U0CAB{member:D2}",
            ApproveAction,
            $"CHG-{change}",
            "1767225600.000100",
            $"1767225600.{n % 1_000_000:D6}{n / 1_000_000 % 1000:D3}",
            $"{n}.click.load");
        return ctx.Slack.Signed("slack/interactions", body, Workload.SlackPayloads.Now());
    }

    // Slack: a click is acknowledged with an empty 200; what the bot tells the clicker goes to the response URL.
    public override string? Check(int status, byte[] body) => null;
}

/// <summary><c>teams-cab-click</c>: Action.Execute Approve clicks (invoke <c>adaptiveCard/action</c>), answered with the refreshed card.</summary>
public sealed class TeamsCabClickScenario : CabClickScenario
{
    public override string Name => "teams-cab-click";

    public override string Description => "Teams Action.Execute CAB Approve with a valid JWT: vote recorded, decision when quorate, refreshed card in the answer";

    public static string Tenant(int tenant) => $"00000000-0000-4000-8000-{tenant:D12}";

    public override IEnumerable<string> Admins(int tenants) => Enumerable.Range(0, tenants).Select(t => $"teams:{Tenant(t)}/aad-admin");

    protected override string ChangeChannel(int tenant, int change) => $"19:chg{ChannelSuffix(tenant, change)}@thread.tacv2";

    protected override string RoleAdd(int member) => $"bakery role add <at>Cab {member:D2}</at> cab";

    protected override KeyValuePair<string, string>? Mention(int member) => new($"Cab {member:D2}", $"29:aad-cab{member:D2}");

    protected override async Task SetUpAsync(LoadContext ctx, HttpClient http, int tenant, bool Admin, string channel, string text, KeyValuePair<string, string>? mention)
    {
        var request = ctx.Teams.Message(
            Tenant(tenant),
            LoadContext.TeamsTeam,
            channel,
            Admin ? "aad-admin" : "aad-requester",
            Admin ? "Ada Admin" : "Rey Requester",
            ctx.Unique().ToString(CultureInfo.InvariantCulture),
            text,
            mention is { } m ? new Dictionary<string, string> { [m.Key] = m.Value } : null);
        var (status, answer) = await ctx.SendAsync(http, request);
        if (status != 200)
        {
            throw new InvalidOperationException($"Setting up {Name}: `{text}` was answered {status}: {answer}");
        }
    }

    protected override LoadRequest Click(LoadContext ctx, int tenant, int change, int member) =>
        ctx.Teams.CardAction(
            Tenant(tenant),
            LoadContext.TeamsTeam,
            ChangeChannel(tenant, change),
            $"aad-cab{member:D2}",
            $"Cab {member:D2}",
            ctx.Unique().ToString(CultureInfo.InvariantCulture),
            ApproveAction,
            $"CHG-{change}");

    // Bot Framework: an invoke is answered in the HTTP response; a counted vote answers with the refreshed card.
    public override string? Check(int status, byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Contains("\"application/vnd.microsoft.card.adaptive\"", StringComparison.Ordinal) ? null : "200 without the card: " + Shape(text);
    }
}
