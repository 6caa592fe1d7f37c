using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.People;

namespace BakeryBot.Core.Drills;

/// <summary>The <c>/drill</c> command, the drill card's Start drill button and the run card's Make a problem buttons.</summary>
public sealed class DrillCommands : IChatModule
{
    /// <summary>"Start drill" on a drill's card and its reminders; the value is the drill's id.</summary>
    public const string StartAction = "drill.start";

    /// <summary>"Make a problem" on a finished run's card; the value is <c>DRL-2/3</c> (finding 3 of DRL-2).</summary>
    public const string MakeProblemAction = "drill.make_problem";

    private const string NewUsage = "/drill new <title> scenario:<kind> every:<schedule> rto:<dur> rpo:<dur> [owner:@u] [ci:<name>]";
    private const string FinishUsage = "/drill finish DRL-2 pass|fail rto-achieved:<dur> rpo-achieved:<dur> [findings, separated by ; or new lines]";

    public void Map(CommandMap map)
    {
        map.Command("drill", "continuity drills: practise recovering from what could go wrong")
            .Verb("new", NewUsage, $"set up a drill (scenarios: {Scenarios.Names}; schedules: quarter, month, week, year, \"6 months\", \"90 days\" or a cron expression); the owner is you unless named", NewAsync)
            .Verb("list", "/drill list [all]", "drills by when they are due, overdue ones flagged (`all`: retired ones too)", ListAsync)
            .Verb("show", "/drill show DRL-2", "a drill: scenario, owner, schedule, next due, RTO and RPO targets, last result and runs", ShowAsync)
            .Verb("start", "/drill start DRL-2", "start a run (anyone; one at a time); its card is posted in the drill's channel", StartAsync)
            .Verb("note", "/drill note DRL-2 <what happened>", "add to the timeline of the run under way (anyone)", NoteAsync)
            .Verb("finish", FinishUsage, "(owner, managers, admins) finish the run: its result against the RTO and RPO, and its findings", FinishAsync)
            .Verb("problem", "/drill problem DRL-2 <finding number>", "make a problem of a finding (as its Make a problem button does)", ProblemAsync)
            .Verb("owner", "/drill owner DRL-2 @person", "(owner, managers, admins) give the drill another owner", OwnerAsync)
            .Verb("retire", "/drill retire DRL-2", "(owner, managers, admins) stop practising the drill; its history stays", RetireAsync);
        map.Action(StartAction, "Start drill", StartAsync);
        map.Action(MakeProblemAction, "Make a problem", MakeProblemAsync);
    }

    private static async Task<ChatReply> NewAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions("scenario", "every", "rto", "rpo", "owner", "ci");
        string Need(string key, string example) =>
            ctx.Args.Option(key) ?? throw new UserException($"Add `{key}:`, as in `{example}`.");
        var scenario = Scenarios.Parse(Need("scenario", "scenario:site-down"));
        var schedule = DrillSchedule.Parse(Need("every", "every:quarter"));
        var rto = DurationParser.Parse(Need("rto", "rto:4h"), "duration for the RTO");
        var rpo = DurationParser.Parse(Need("rpo", "rpo:1h"), "duration for the RPO");
        var ci = ctx.Args.Option("ci") is { } name && name.Trim().Length > 0 ? name.Trim() : null;
        var title = ctx.Args.RestAsText();
        if (title.Trim().Length == 0)
        {
            throw new UserException($"Give the drill a title, as in `/drill new Bakery 2 can't open scenario:site-down every:quarter rto:4h rpo:1h`.");
        }

        var owner = ctx.Args.Option("owner")?.Trim().TrimStart('@') is { Length: > 0 } mention ? mention : null;
        var service = ctx.Get<DrillService>();
        var drill = await service.CreateAsync(ctx.Tenant, ctx.Actor, new DrillRequest(title, scenario, schedule, rto, rpo, owner, ci), ctx.Request.Platform, ctx.Request.ChannelId, ctx.Cancellation);
        var view = await service.ViewAsync(drill, ctx.Cancellation);
        var due = DrillCards.Due(drill, ctx.Now, ctx.TimeZone, ctx.Culture);
        return ChatReply.Private($"{drill.RecordId} is set up, owned by {view.Name(drill.OwnerId)}: {schedule.Describe()}, first due {due}. Start a run with `/drill start {drill.RecordId}` or the card's Start drill button.");
    }

    private static async Task<ChatReply> ListAsync(CommandContext ctx)
    {
        var all = ctx.Args.Take(t => t.Kind == TokenKind.Word && t.Text.Equals("all", StringComparison.OrdinalIgnoreCase)) is not null;
        RejectLeftovers(ctx, "/drill list [all]");
        var drills = await ctx.Get<DrillService>().ListAsync(ctx.Tenant.Id, all, ctx.Cancellation);
        if (drills.Count == 0)
        {
            return ChatReply.Private(all ? "No drills yet. Set one up with `/drill new`." : "No active drills. Set one up with `/drill new`.");
        }

        var overdue = drills.Count(v => v.Drill.IsOverdue(ctx.Now));
        var lines = drills.Select(v => DrillCards.Line(v, ctx.Now, ctx.TimeZone, ctx.Culture));
        var title = $"{(all ? "Drills" : "Active drills")} ({drills.Count}{(overdue > 0 ? $", {overdue} overdue" : "")})";
        return ChatReply.Private("", new Card(title, overdue > 0 ? CardAccent.Danger : CardAccent.Info, [new TextSection(string.Join('\n', lines))], []));
    }

    private static async Task<ChatReply> ShowAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Drill, "/drill show DRL-2");
        RejectLeftovers(ctx, "/drill show DRL-2");
        var service = ctx.Get<DrillService>();
        var drill = await service.GetAsync(ctx.Tenant.Id, id, ctx.Cancellation);
        return ChatReply.Private("", await service.CardAsync(drill, ctx.TimeZone, withTimeline: true, ctx.Cancellation));
    }

    /// <summary>The command and the Start drill button: a click's effect is the drill's card, updated.</summary>
    private static async Task<ChatReply> StartAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Drill, "/drill start DRL-2");
        RejectLeftovers(ctx, "/drill start DRL-2");
        var service = ctx.Get<DrillService>();
        var outcome = await service.StartAsync(ctx.Tenant, ctx.Actor, id, ctx.TimeZone, ctx.Cancellation);
        var card = await service.ChannelCardAsync(outcome.Drill, ctx.Cancellation);
        var elsewhere = outcome.Drill.Platform != ctx.Request.Platform || outcome.Drill.ChannelId != ctx.Request.ChannelId;
        var message = outcome.Changed && elsewhere ? $"{outcome.Message}\nIts card is posted in the channel where {id} was set up." : outcome.Message;
        return (outcome.Changed && ctx.Request.IsAction ? ChatReply.None : ChatReply.Private(message)) with { UpdatedCard = card };
    }

    private static async Task<ChatReply> NoteAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Drill, "/drill note DRL-2 <what happened>");
        var outcome = await ctx.Get<DrillService>().NoteAsync(ctx.Tenant, ctx.Actor, id, ctx.Args.RestAsTextKeeping(), ctx.Cancellation);
        return ChatReply.Private(outcome.Message);
    }

    private static async Task<ChatReply> FinishAsync(CommandContext ctx)
    {
        var (args, lines) = ByLine(ctx);
        var id = args.RequireRecordId(RecordId.Drill, FinishUsage);
        var first = args.Positional.Count > 0 ? args.Positional[0] : null;
        var result = first is { Kind: TokenKind.Word } word ? word.Text.ToLowerInvariant() switch
        {
            "pass" or "passed" => DrillResult.Pass,
            "fail" or "failed" => (DrillResult?)DrillResult.Fail,
            _ => null,
        } : null;
        if (result is null)
        {
            throw new UserException($"Did it pass or fail? Say so after the id, as in `/drill finish {id} pass rto-achieved:3h10m rpo-achieved:20m`.");
        }

        args.Take(t => ReferenceEquals(t, first));
        var rto = Achieved(args.Option("rto-achieved"), "duration for `rto-achieved:`");
        var rpo = Achieved(args.Option("rpo-achieved"), "duration for `rpo-achieved:`");
        var findings = Findings(args, lines, "rto-achieved", "rpo-achieved");
        var outcome = await ctx.Get<DrillService>().FinishAsync(ctx.Tenant, ctx.Actor, IsManager(ctx), id, new DrillFinish(result.Value, rto, rpo, findings), ctx.Cancellation);
        return ChatReply.Private($"{outcome.Message}\nNext due: {DrillCards.Due(outcome.Drill, ctx.Now, ctx.TimeZone, ctx.Culture)}.");
    }

    private static async Task<ChatReply> ProblemAsync(CommandContext ctx)
    {
        const string usage = "/drill problem DRL-2 <finding number>";
        var id = ctx.Args.RequireRecordId(RecordId.Drill, usage);
        var number = ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text.TrimStart('#');
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var finding))
        {
            throw new UserException($"Which finding? Give its number from the run's card, as in `/drill problem {id} 1`.");
        }

        RejectLeftovers(ctx, usage);
        var outcome = await ctx.Get<DrillService>().MakeProblemAsync(ctx.Tenant, ctx.Actor, id, finding, ctx.Request.Platform, ctx.Request.ChannelId, ctx.Cancellation);
        return ChatReply.Private(outcome.Message);
    }

    /// <summary>The run card's button: the effect is the run's card, updated; a second click says which problem it is.</summary>
    private static async Task<ChatReply> MakeProblemAsync(CommandContext ctx)
    {
        var value = ctx.Request.ActionValue ?? "";
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !int.TryParse(value[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var finding))
        {
            throw new UserException("That button names no finding. Use `/drill problem DRL-2 <finding number>`.");
        }

        var id = RecordId.Parse(value[..slash], RecordId.Drill);
        var service = ctx.Get<DrillService>();
        var outcome = await service.MakeProblemAsync(ctx.Tenant, ctx.Actor, id, finding, ctx.Request.Platform, ctx.Request.ChannelId, ctx.Cancellation);
        var card = await service.RunCardAsync(outcome.Drill, outcome.Run!, ctx.Cancellation);
        return (outcome.Changed ? ChatReply.None : ChatReply.Private(outcome.Message)) with { UpdatedCard = card };
    }

    private static async Task<ChatReply> OwnerAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Drill, "/drill owner DRL-2 @person");
        var mention = ctx.Args.TakeMention() ?? throw new UserException($"Who? Mention them, as in `/drill owner {id} @dana`.");
        RejectLeftovers(ctx, "/drill owner DRL-2 @person");
        var outcome = await ctx.Get<DrillService>().SetOwnerAsync(ctx.Tenant, ctx.Actor, IsManager(ctx), id, mention.Text, ctx.Cancellation);
        return ChatReply.Private(outcome.Message);
    }

    private static async Task<ChatReply> RetireAsync(CommandContext ctx)
    {
        var id = ctx.Args.RequireRecordId(RecordId.Drill, "/drill retire DRL-2");
        RejectLeftovers(ctx, "/drill retire DRL-2");
        var outcome = await ctx.Get<DrillService>().RetireAsync(ctx.Tenant, ctx.Actor, IsManager(ctx), id, ctx.Cancellation);
        return ChatReply.Private(outcome.Message);
    }

    private static bool IsManager(CommandContext ctx) => ctx.HasRole(Roles.Manager) || ctx.HasRole(Roles.Admin);

    /// <summary>An achieved time or data loss: a duration, or nothing (<c>0</c>, <c>none</c>, or a zero duration such as <c>0m</c>) when nothing was lost.</summary>
    private static TimeSpan? Achieved(string? text, string what) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "0" or "none" or "nothing" => TimeSpan.Zero,
        var s when IsZero(s) => TimeSpan.Zero,
        _ => DurationParser.Parse(text, what),
    };

    /// <summary>
    /// A duration written as zero (<c>0m</c>, <c>0h</c>, <c>0s</c>, <c>0:00</c>, <c>0h 0m</c>), which the duration parser
    /// refuses as no duration at all: every digit is 0, and with 1 in their place it reads as a duration.
    /// </summary>
    private static bool IsZero(string text) =>
        text.Any(char.IsAsciiDigit) && text.All(c => !char.IsAsciiDigit(c) || c == '0')
        && DurationParser.TryParse(text.Replace('0', '1'), out _);

    /// <summary>
    /// The command's arguments read line by line, so that findings may be given one per line: each
    /// token with the line it is on. A quote running over several lines is read as one line.
    /// </summary>
    private static (CommandArgs Args, IReadOnlyList<(CommandToken Token, int Line)> Lines) ByLine(CommandContext ctx)
    {
        var tokens = new List<(CommandToken Token, int Line)>();
        try
        {
            var texts = (ctx.Request.Text ?? "").Split('\n');
            for (var i = 0; i < texts.Length; i++)
            {
                tokens.AddRange(CommandTokenizer.Tokenize(texts[i], ctx.Request.MentionIds).Select(t => (t, i)));
            }
        }
        catch (UserException)
        {
            tokens.Clear();
        }

        // The first token is the verb itself, as the router found it.
        return tokens.Count > 0 && tokens[0].Token.Text.Equals("finish", StringComparison.OrdinalIgnoreCase)
            ? (new CommandArgs(tokens.Skip(1).Select(t => t.Token)), tokens.Skip(1).ToList())
            : (ctx.Args, ctx.Args.Positional.Select(t => (t, 0)).ToList());
    }

    /// <summary>The findings: what is left of the text (other options kept as written), split at <c>;</c> and at line ends.</summary>
    private static List<string> Findings(CommandArgs args, IReadOnlyList<(CommandToken Token, int Line)> tokens, params string[] known)
    {
        var left = new HashSet<CommandToken>(args.Positional, ReferenceEqualityComparer.Instance);
        var text = new System.Text.StringBuilder();
        var line = -1;
        foreach (var (token, tokenLine) in tokens)
        {
            if (token.Kind == TokenKind.Option ? Array.IndexOf(known, token.Key) >= 0 : !left.Contains(token))
            {
                continue;
            }

            text.Append(line < 0 ? "" : tokenLine != line ? ";" : " ");
            line = tokenLine;
            text.Append(token.Kind switch
            {
                TokenKind.Mention => $"<@{token.Text}>",
                TokenKind.Channel => $"<#{token.Text}>",
                TokenKind.Option when token.Text.Contains(' ', StringComparison.Ordinal) => $"{token.Key}:\"{token.Text}\"",
                TokenKind.Option => $"{token.Key}:{token.Text}",
                _ => token.Text,
            });
        }

        return text.ToString().Split(';').Select(f => f.Trim()).Where(f => f.Length > 0).ToList();
    }

    private static void RejectLeftovers(CommandContext ctx, string usage, params string[] options)
    {
        ctx.Args.RejectUnknownOptions(options);
        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException($"`{ctx.Args.Positional[0]}` is not something `{usage}` takes.");
        }
    }
}
