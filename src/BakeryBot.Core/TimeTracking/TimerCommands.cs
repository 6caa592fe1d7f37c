using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Problems;
using Humanizer;

namespace BakeryBot.Core.TimeTracking;

/// <summary>The <c>/timer</c> command, the card's Start timer button and the "Start timer on this" message action.</summary>
public sealed class TimerCommands : IChatModule
{
    /// <summary>A card's "Start timer" button; its value is the record id.</summary>
    public const string StartAction = "timer.start";

    /// <summary>"Start timer on this" on any message; the value is the message's text.</summary>
    public const string FromMessageAction = "timer.from_message";

    /// <summary>A nudge's Stop button (<see cref="TimerReminders"/>); the value is the timer's id.</summary>
    public const string StopAction = "timer.stop";

    /// <summary>A nudge's Keep button; the value is the timer's id.</summary>
    public const string KeepAction = "timer.keep";


    public void Map(CommandMap map)
    {
        map.Command("timer", "track time with a running timer (one per person)")
            .Verb("start", "/timer start [INC-42|PRB-3|CHG-7|DRL-2|what you are doing]", "start a timer; a running one is stopped first", StartAsync)
            .Verb("stop", "/timer stop [note]", "stop the timer and keep the time", StopAsync)
            .Verb("status", "/timer status", "what your timer is running on, and for how long", StatusAsync);
        map.Action(StartAction, "Start timer", StartAsync);
        map.Action(FromMessageAction, "Start timer on this", StartFromMessageAsync);
        map.Action(StopAction, "Stop", StopFromNudgeAsync);
        map.Action(KeepAction, "Keep", KeepFromNudgeAsync);
    }

    private static async Task<ChatReply> StopFromNudgeAsync(CommandContext ctx)
    {
        var answer = await ctx.Get<TimerReminders>().StopAsync(ctx.Tenant, ctx.Actor, ctx.Request.ActionValue ?? "", ctx.TimeZone, ctx.Cancellation);
        return Answer(answer);
    }

    private static async Task<ChatReply> KeepFromNudgeAsync(CommandContext ctx)
    {
        var answer = await ctx.Get<TimerReminders>().KeepAsync(ctx.Tenant, ctx.Actor, ctx.Request.ActionValue ?? "", ctx.TimeZone, ctx.Cancellation);
        return Answer(answer);
    }

    /// <summary>A click that changed the timer answers with its card; one that changed nothing says why.</summary>
    private static ChatReply Answer(NudgeAnswer answer) =>
        (answer.Changed ? ChatReply.None : ChatReply.Private(answer.Message)) with { UpdatedCard = answer.Card };

    private static async Task<ChatReply> StartAsync(CommandContext ctx)
    {
        var record = TrackedRecords.Take(ctx.Args);
        var text = ctx.Args.RestAsText();
        return await StartAsync(ctx, record, text, null);
    }

    private static Task<ChatReply> StartFromMessageAsync(CommandContext ctx)
    {
        var message = ctx.Request.ActionValue ?? "";
        // The message's first record id, if it names one, is what the time is for.
        var record = message.Split([' ', '\n', '\t', ',', '.', ';', ':', '(', ')'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => RecordId.TryParse(w, out var id) ? id : (RecordId?)null)
            .FirstOrDefault(id => id is not null);
        var firstLine = message.Split('\n', 2)[0].Trim();
        // A note given in the action's form says better what the time is for than the message does.
        var note = ctx.Request.Inputs?.GetValueOrDefault("note")?.Trim();
        return StartAsync(ctx, record, note is { Length: > 0 } ? note : firstLine.Length == 0 ? "a message" : firstLine, ctx.Request.SourceLink);
    }

    private static async Task<ChatReply> StartAsync(CommandContext ctx, RecordId? record, string? text, string? link)
    {
        if (record is { } id)
        {
            await TrackedRecords.EnsureExistsAsync(ctx, id);
        }

        var result = await ctx.Get<TimerService>().StartAsync(ctx.Tenant, ctx.Actor, record, text, link, ctx.Cancellation);
        var started = $"Timer started on {TimerService.Subject(result.Started.RecordKey, result.Started.Text)}.";
        if (result.Stopped is { } stopped)
        {
            started += $" Your previous timer ({TimerService.Subject(stopped.RecordKey, stopped.Note)}) was stopped at {Humanize(stopped.Duration, ctx)}.";
        }

        return ChatReply.Private(started);
    }

    private static async Task<ChatReply> StopAsync(CommandContext ctx)
    {
        var note = ctx.Args.RestAsText();
        var entry = await ctx.Get<TimerService>().StopAsync(ctx.Tenant, ctx.Actor, note, ctx.Cancellation);
        return entry is null
            ? ChatReply.Private("No timer is running. Start one with `/timer start INC-42`.")
            : ChatReply.Private($"Logged {Humanize(entry.Duration, ctx)} on {TimerService.Subject(entry.RecordKey, entry.Note)}.");
    }

    private static async Task<ChatReply> StatusAsync(CommandContext ctx)
    {
        var running = await ctx.Get<TimerService>().RunningAsync(ctx.Actor, ctx.Cancellation);
        if (running is null)
        {
            return ChatReply.Private("No timer is running. Start one with `/timer start INC-42`.");
        }

        var since = TimeZoneInfo.ConvertTime(running.StartedAt, ctx.TimeZone).ToString("HH:mm", ctx.Culture);
        return ChatReply.Private($"Your timer has run for {Humanize(ctx.Now - running.StartedAt, ctx)} on {TimerService.Subject(running.RecordKey, running.Text)} (since {since}).");
    }

    private static string Humanize(TimeSpan span, CommandContext ctx) => Durations.Humanize(span, ctx.Culture);
}
