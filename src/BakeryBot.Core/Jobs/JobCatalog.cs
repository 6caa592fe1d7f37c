using System.Runtime.ExceptionServices;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Cmdb.Discovery;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Digests;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Problems;
using BakeryBot.Core.Synthetic;
using BakeryBot.Core.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Jobs;

/// <summary>What a job's run did: in words, and as the counts and record ids its services returned.</summary>
/// <param name="Summary">In words, for the run's record and the CLI.</param>
/// <param name="Did">Each kind of thing done, with the ids (lists of strings) or counts (numbers).</param>
/// <param name="Changed">Whether it did anything at all (a run that found nothing due is logged quietly).</param>
public sealed record JobResult(string Summary, IReadOnlyDictionary<string, object> Did, bool Changed);

/// <summary>A job: its name (as <c>/admin/jobs/{name}/run</c> and <c>bakerybot run-job</c> take it), what it does, how often it runs and its work.</summary>
public sealed record JobDefinition(string Name, string Description, TimeSpan Every, Func<IServiceProvider, CancellationToken, Task<JobResult>> RunAsync);

/// <summary>The job names (product.md §5). Only jobs that have work are listed; the others come with theirs.</summary>
public static class JobNames
{
    public const string SlaClocks = "sla-clocks";
    public const string ReleaseReminders = "release-reminders";
    public const string DrillReminders = "drill-reminders";
    public const string TimerNudges = "timer-nudges";
    public const string ProblemSuggestions = "problem-suggestions";
    public const string StaleAssets = "stale-assets";
    public const string SyntheticChecks = "synthetic-checks";
    public const string Digest = "digest";
    public const string Outbox = "outbox";

    public static IReadOnlyList<string> All { get; } = [SlaClocks, ReleaseReminders, DrillReminders, TimerNudges, ProblemSuggestions, StaleAssets, SyntheticChecks, Digest, Outbox];
}

/// <summary>
/// The jobs the bot runs on a schedule. Every job's work is safe to repeat and to run on several
/// instances at once: what is due is a row with its moment (an SLA clock or release reminder in
/// <see cref="Reminder"/>, a timer's next nudge, a digest subscription's next Monday, a CI's next probe,
/// an asset's last sighting, an outbox message's lease), claimed with a conditional update in the
/// transaction that writes what it sends; drill reminders and problem suggestions post under a lock
/// with their posted card or suggestion row as the mark. So a run started early, twice, or on two
/// instances sends nothing twice, and an in-memory schedule on each instance is enough.
/// </summary>
public sealed class JobCatalog(IOptions<ReleaseOptions> releases, IOptions<SyntheticOptions> synthetic)
{
    /// <summary>How often the outbox job runs: a safety net, since the outbox worker delivers as soon as a row commits.</summary>
    public static readonly TimeSpan OutboxEvery = TimeSpan.FromSeconds(30);

    /// <summary>The most rounds one run of the outbox job delivers; what is left, the outbox worker delivers.</summary>
    private const int OutboxMaxRounds = 20;

    public IReadOnlyList<JobDefinition> Jobs => field ??=
    [
        new(JobNames.SlaClocks, $"Warns in an incident's thread at {Sla.SlaClocks.WarnPercent}% and at the breach of its time to acknowledge and to resolve, against the targets of the services it reaches.", releases.Value.CheckEvery, SlaClocksAsync),
        new(JobNames.ReleaseReminders, "Posts the release reminders that are due (Releases:RemindBefore before a change's window opens) and expires the changes the CAB left undecided past their deadline.", releases.Value.CheckEvery, ReleaseRemindersAsync),
        new(JobNames.DrillReminders, "Posts drill reminders (Drills:RemindBefore before a drill is due) and overdue notices, in the drill's channel and to its owner.", releases.Value.CheckEvery, DrillRemindersAsync),
        new(JobNames.TimerNudges, "Asks the owners of timers that have run a work day (Timers:WorkDay) whether they still run.", releases.Value.CheckEvery, TimerNudgesAsync),
        new(JobNames.ProblemSuggestions, "Suggests a problem for each CI with Problems:SuggestAfter incidents within Problems:SuggestWindow and no open problem, including incidents linked to the CI after they were declared; once per CI per window.", releases.Value.CheckEvery, ProblemSuggestionsAsync),
        new(JobNames.StaleAssets, "Flags the assets no discovery scanner has reported for Discovery:StaleAfterDays, once per staleness: one card per channel of the discovery hook that last reported them.", releases.Value.CheckEvery, StaleAssetsAsync),
        new(JobNames.SyntheticChecks, "Probes the check_url of each CI that has one, every Synthetic:CheckEvery; Synthetic:FailuresToOpen failures in a row open an incident detected by a synthetic check, and the first probe that finds it up again mitigates it.", synthetic.Value.CheckEvery, SyntheticChecksAsync),
        new(JobNames.Digest, "Posts the weekly digest to each subscribed channel whose Monday 09:00 (in the subscription's time zone) has come and that has not had this week's yet.", releases.Value.CheckEvery, DigestAsync),
        new(JobNames.Outbox, "Delivers the messages waiting in the outbox now (the outbox worker delivers them anyway; this is its safety net).", OutboxEvery, OutboxAsync),
    ];

    public JobDefinition? Find(string name) => Jobs.FirstOrDefault(j => j.Name == name);

    private static async Task<JobResult> SlaClocksAsync(IServiceProvider services, CancellationToken ct)
    {
        var clocks = services.GetRequiredService<Sla.SlaClocks>();
        var start = services.GetRequiredService<Sla.SlaClockStart>();
        if (!start.Done)
        {
            // Incidents open from before their clocks were planned with them get theirs on the first run.
            await clocks.PlanUnplannedAsync(ct);
            start.MarkDone();
        }

        var round = await clocks.RunAsync(ct);
        return new($"Warned {List(round.Warned)}; breached {List(round.Breached)}; dropped {List(round.Dropped)}.",
            new Dictionary<string, object> { ["warned"] = round.Warned, ["breached"] = round.Breached, ["dropped"] = round.Dropped },
            round.Warned.Count + round.Breached.Count + round.Dropped.Count > 0);
    }

    private static async Task<JobResult> ReleaseRemindersAsync(IServiceProvider services, CancellationToken ct)
    {
        // Two steps that fail on their own: a fault in the reminders does not stop expiries.
        IReadOnlyList<string> reminded = [], expired = [];
        var remindFailure = await StepAsync(services, async step => reminded = [.. (await step.GetRequiredService<ReleaseService>().RemindAsync(ct)).Select(r => r.ToString())]);
        var expireFailure = await StepAsync(services, async step => expired = [.. (await step.GetRequiredService<ChangeService>().ExpireDueAsync(ct)).Select(r => r.ToString())]);
        (remindFailure ?? expireFailure)?.Throw();
        return new($"Reminded {List(reminded)}; expired {List(expired)}.", new Dictionary<string, object> { ["reminded"] = reminded, ["expired"] = expired }, reminded.Count + expired.Count > 0);
    }

    private static async Task<JobResult> DrillRemindersAsync(IServiceProvider services, CancellationToken ct)
    {
        var round = await services.GetRequiredService<DrillReminders>().RunAsync(ct);
        return new($"Reminded {List(round.Reminded)}; overdue notices for {List(round.Overdue)}.", new Dictionary<string, object> { ["reminded"] = round.Reminded, ["overdue"] = round.Overdue }, round.Reminded.Count + round.Overdue.Count > 0);
    }

    private static async Task<JobResult> TimerNudgesAsync(IServiceProvider services, CancellationToken ct)
    {
        var nudged = await services.GetRequiredService<TimerReminders>().NudgeAsync(ct);
        return new($"Nudged the owners of {nudged.Count} timer{(nudged.Count == 1 ? "" : "s")}{(nudged.Count > 0 ? $" ({string.Join(", ", nudged)})" : "")}.", new Dictionary<string, object> { ["nudged"] = nudged }, nudged.Count > 0);
    }

    private static async Task<JobResult> StaleAssetsAsync(IServiceProvider services, CancellationToken ct)
    {
        var flagged = await services.GetRequiredService<StaleAssetFlags>().FlagAsync(ct);
        return new($"Flagged {flagged.Count} stale asset{(flagged.Count == 1 ? "" : "s")}{(flagged.Count > 0 ? $" ({string.Join(", ", flagged)})" : "")}.", new Dictionary<string, object> { ["flagged"] = flagged }, flagged.Count > 0);
    }

    private static async Task<JobResult> ProblemSuggestionsAsync(IServiceProvider services, CancellationToken ct)
    {
        var suggested = await services.GetRequiredService<ProblemDetector>().SweepAsync(ct);
        return new($"Suggested problems on {List(suggested)}.", new Dictionary<string, object> { ["suggested"] = suggested }, suggested.Count > 0);
    }

    private static async Task<JobResult> SyntheticChecksAsync(IServiceProvider services, CancellationToken ct)
    {
        var round = await services.GetRequiredService<SyntheticCheckService>().RunAsync(ct);
        var probed = round.Up.Count + round.Down.Count;
        return new(
            $"Probed {probed} check{(probed == 1 ? "" : "s")} (down: {List(round.Down)}); opened {List(round.Opened)}; mitigated {List(round.Mitigated)}.",
            new Dictionary<string, object> { ["up"] = round.Up, ["down"] = round.Down, ["opened"] = round.Opened, ["mitigated"] = round.Mitigated },
            round.Opened.Count + round.Mitigated.Count > 0);
    }

    private static async Task<JobResult> DigestAsync(IServiceProvider services, CancellationToken ct)
    {
        var posted = await services.GetRequiredService<DigestReminders>().RunAsync(ct);
        return new($"Posted {posted.Count} digest{(posted.Count == 1 ? "" : "s")}{(posted.Count > 0 ? $" ({string.Join(", ", posted)})" : "")}.", new Dictionary<string, object> { ["posted"] = posted }, posted.Count > 0);
    }

    /// <summary>
    /// Where an outbox worker runs in this process, wakes it (its rounds are paced per channel); where
    /// none does (<c>bakerybot run-job outbox</c>), delivers here, round after round while rounds find
    /// work. Either way a row is claimed with a conditional update, so it is sent once.
    /// </summary>
    private static async Task<JobResult> OutboxAsync(IServiceProvider services, CancellationToken ct)
    {
        var signal = services.GetRequiredService<OutboxSignal>();
        var handled = 0;
        if (signal.WorkerAttached)
        {
            signal.Notify();
        }
        else
        {
            var dispatcher = services.GetRequiredService<OutboxDispatcher>();
            for (var round = 0; round < OutboxMaxRounds; round++)
            {
                var count = await dispatcher.DispatchOnceAsync(ct);
                if (count == 0)
                {
                    break;
                }

                handled += count;
            }
        }

        var db = services.GetRequiredService<BakeryDbContext>();
        var pending = await db.Outbox.CountAsync(m => m.Status == OutboxStatus.Pending, ct);
        // The outbox's depth and age for the metrics (bakerybot.outbox.pending, bakerybot.outbox.oldest_age).
        var oldest = pending == 0 ? null : await db.Outbox.Where(m => m.Status == OutboxStatus.Pending).OrderBy(m => m.Id).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync(ct);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        Telemetry.BakeryTelemetry.ObserveOutbox(pending, oldest is { } first && now > first ? now - first : TimeSpan.Zero);
        var summary = signal.WorkerAttached
            ? $"Woke the outbox worker; {pending} message{(pending == 1 ? "" : "s")} pending."
            : $"Handled {handled} message{(handled == 1 ? "" : "s")}; {pending} pending.";
        return new(summary, new Dictionary<string, object> { ["handled"] = handled, ["pending"] = pending, ["workerWoken"] = signal.WorkerAttached }, handled > 0);
    }

    /// <summary>Runs one step of a job in a unit of work of its own, and hands back its failure instead of throwing it.</summary>
    private static async Task<ExceptionDispatchInfo?> StepAsync(IServiceProvider services, Func<IServiceProvider, Task> step)
    {
        try
        {
            await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            await step(scope.ServiceProvider);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return ExceptionDispatchInfo.Capture(ex);
        }
    }

    private static string List(IReadOnlyList<string> ids) => ids.Count == 0 ? "none" : string.Join(", ", ids);
}
