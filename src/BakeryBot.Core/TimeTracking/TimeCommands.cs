using System.Globalization;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.People;
using BakeryBot.Core.Problems;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.TimeTracking;

/// <summary>
/// The <c>/time</c> command: time entries logged by hand, changed and deleted by their owner, read
/// back as timesheets and record reports, and exported as CSV.
/// </summary>
public sealed class TimeCommands : IChatModule
{
    public const string LogUsage = "/time log <dur> [INC-42|PRB-3|CHG-7|DRL-2] [note] [on:yesterday|mon|2026-11-20]";
    public const string WeekUsage = "/time week [@person] [last|<a date in the week>]";
    public const string ReportUsage = "/time report <INC-42|PRB-3|CHG-7|DRL-2>";
    public const string EditUsage = "/time edit <entry id> [dur] [INC-42|PRB-3|CHG-7|DRL-2] [note] [on:<day>]";
    public const string DeleteUsage = "/time delete <entry id>";
    public const string ExportUsage = "/time export [from:<date>] [to:<date>]";

    /// <summary>How many entries <c>/time list</c> shows.</summary>
    public const int ListCount = 15;


    public void Map(CommandMap map) =>
        map.Command("time", "time entries, timesheets and reports")
            .Verb("log", LogUsage, "log time you spent: today, or a past day with `on:`", LogAsync)
            .Verb("week", WeekUsage, "a Monday–Sunday timesheet in the person's time zone (someone else's: managers and admins)", WeekAsync)
            .Verb("report", ReportUsage, "who spent how long on a record", ReportAsync)
            .Verb("list", "/time list", "your latest time entries, with their ids", ListAsync)
            .Verb("edit", EditUsage, "change one of your entries: its duration, record, note or day", EditAsync)
            .Verb("delete", DeleteUsage, "delete one of your entries", DeleteAsync)
            .Verb("export", ExportUsage, "a private link, for an hour, to download time entries as CSV (yours; managers and admins: everyone's)", ExportAsync);

    private static async Task<ChatReply> LogAsync(CommandContext ctx)
    {
        RejectOptionsBut(ctx.Args, "on");
        var duration = TakeDuration(ctx.Args) ?? throw new UserException("How long? Start with the time spent, as in `/time log 1h30m INC-42 replaced the thermostat`.");
        var record = await TakeRecordAsync(ctx);
        var note = ctx.Args.RestAsText();
        var day = ctx.Args.Option("on") is { } on ? WhenParser.ParseDay(on, ctx.Now, ctx.TimeZone, past: true) : TimeDays.Today(ctx.Now, ctx.TimeZone);

        var logged = await ctx.Get<TimeEntryService>().LogAsync(ctx.Actor, ctx.TimeZone, duration, record, note, day, ctx.Cancellation);
        var entry = logged.Entry;
        return ChatReply.Private(
            $"Logged {TimeCards.Hours(entry.Duration, ctx.Culture)} on {TimerService.Subject(entry.RecordKey, entry.Note)} for {DayName(logged.Day, ctx)} " +
            $"(entry {Id(entry)}). Your total that day: {TimeCards.Hours(logged.DayTotal, ctx.Culture)}.");
    }

    private static async Task<ChatReply> WeekAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions();
        var person = ctx.Actor;
        if (ctx.Args.TakeMention() is { } mention)
        {
            var service = ctx.Get<TimeEntryService>();
            var named = await service.FindPersonAsync(ctx.Tenant.Id, mention.Text, ctx.Cancellation);
            if (named?.Id != ctx.Actor.Id)
            {
                if (!ctx.HasRole(Roles.Manager) && !ctx.HasRole(Roles.Admin))
                {
                    throw new UserException("Only managers and admins see someone else's timesheet. Yours is `/time week`.");
                }

                person = named ?? throw new UserException($"<@{mention.Text}> has not used the bot here, so they have no time entries.");
            }
        }

        var zone = TimeZones.Find(person.TimeZone);
        var when = ctx.Args.Take(t => t.Kind is TokenKind.Word or TokenKind.Quoted)?.Text;
        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException($"`{ctx.Args.Positional[0]}` is not needed: name at most one person and one week.");
        }

        var today = TimeDays.Today(ctx.Now, zone);
        var day = when?.ToLowerInvariant() switch
        {
            null or "this" => today,
            "last" => today.AddDays(-7),
            _ => WhenParser.ParseDay(when, ctx.Now, zone, past: true, what: "week (`last`, or a date in it)"),
        };
        var sheet = await ctx.Get<TimeEntryService>().WeekAsync(person, zone, TimeDays.MondayOf(day), ctx.Cancellation);
        return ChatReply.Private("", TimeCards.Week(sheet, person.DisplayName, ctx.Culture));
    }

    private static async Task<ChatReply> ReportAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions();
        var record = await TakeRecordAsync(ctx) ?? throw new UserException(ctx.Args.Positional.Count == 0
            ? "Which record? Give its id, as in `/time report INC-42`."
            : $"`{ctx.Args.Positional[0]}` is not a record id. Write it like `INC-42`, `PRB-3`, `CHG-7` or `DRL-2`.");
        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException($"`{ctx.Args.Positional[0]}` is not needed: one record at a time.");
        }

        var report = await ctx.Get<TimeEntryService>().ReportAsync(ctx.Tenant.Id, record, ctx.Cancellation);
        return ChatReply.Private("", TimeCards.Report(report, ctx.Culture));
    }

    private static async Task<ChatReply> ListAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions();
        var entries = await ctx.Get<TimeEntryService>().RecentAsync(ctx.Actor, ListCount, ctx.Cancellation);
        return entries.Count == 0
            ? ChatReply.Private("You have no time entries yet. Log some with `/time log 1h INC-42`, or run a timer with `/timer start INC-42`.")
            : ChatReply.Private("", TimeCards.List(entries, ctx.TimeZone, ctx.Culture));
    }

    private static async Task<ChatReply> EditAsync(CommandContext ctx)
    {
        RejectOptionsBut(ctx.Args, "on");
        var id = TakeEntryId(ctx.Args, EditUsage);
        var duration = TakeDuration(ctx.Args);
        var record = await TakeRecordAsync(ctx);
        var note = ctx.Args.RestAsText();
        var day = ctx.Args.Option("on") is { } on ? WhenParser.ParseDay(on, ctx.Now, ctx.TimeZone, past: true) : (DateOnly?)null;
        var edit = new TimeEntryEdit(duration, record, note.Length == 0 ? null : note, day);
        if (edit.IsEmpty)
        {
            throw new UserException($"What should change? Give a duration, a record, a note or `on:<day>`, as in `/time edit {id} 45m`.");
        }

        var (entry, changed) = await ctx.Get<TimeEntryService>().EditAsync(ctx.Actor, ctx.TimeZone, id, edit, ctx.Cancellation);
        var now = $"{TimeCards.Hours(entry.Duration, ctx.Culture)} on {TimerService.Subject(entry.RecordKey, entry.Note)} for {DayName(TimeDays.DayOf(entry.StartedAt, ctx.TimeZone), ctx)}";
        return ChatReply.Private(changed ? $"Entry {Id(entry)} is now {now}." : $"Entry {Id(entry)} already was {now}; nothing changed.");
    }

    private static async Task<ChatReply> DeleteAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions();
        var id = TakeEntryId(ctx.Args, DeleteUsage);
        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException($"`{ctx.Args.Positional[0]}` is not needed: delete one entry at a time.");
        }

        var entry = await ctx.Get<TimeEntryService>().DeleteAsync(ctx.Actor, id, ctx.Cancellation);
        return ChatReply.Private(
            $"Deleted entry {Id(entry)}: {TimeCards.Hours(entry.Duration, ctx.Culture)} on {TimerService.Subject(entry.RecordKey, entry.Note)} " +
            $"for {DayName(TimeDays.DayOf(entry.StartedAt, ctx.TimeZone), ctx)}.");
    }

    private static async Task<ChatReply> ExportAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions("from", "to");
        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException($"`{ctx.Args.Positional[0]}` is not needed: say the days with `from:` and `to:`, as in `/time export from:2026-11-01 to:2026-11-30`.");
        }

        if (!ctx.Request.PrivateReplies)
        {
            throw new UserException("Answers here are seen by everyone in the conversation, so an export link can't be shown here. " +
                                    "Ask for it where the bot's answers are private to you.");
        }

        var to = ctx.Args.Option("to") is { } toText ? WhenParser.ParseDay(toText, ctx.Now, ctx.TimeZone, past: true, what: "date") : TimeDays.Today(ctx.Now, ctx.TimeZone);
        var from = ctx.Args.Option("from") is { } fromText ? WhenParser.ParseDay(fromText, ctx.Now, ctx.TimeZone, past: true, what: "date") : new DateOnly(to.Year, to.Month, 1);
        var everyone = ctx.HasRole(Roles.Manager) || ctx.HasRole(Roles.Admin);
        var link = await ctx.Get<TimeExportService>().CreateLinkAsync(ctx.Actor, everyone, from, to, ctx.Cancellation);
        var url = ctx.Get<IOptions<PublicUrlOptions>>().Value.TimeExportUrl(link.Token);
        var until = TimeZoneInfo.ConvertTime(link.ExpiresAt, ctx.TimeZone).ToString("HH:mm", ctx.Culture);
        var whose = everyone ? "everyone's time entries" : "your time entries";
        var text = $"""
            Your time export: {whose} from {TimeDays.Long(from, ctx.Culture)} to {TimeDays.Long(to, ctx.Culture)}, as CSV (each entry on the day it began, in its person's time zone).
            {url}
            The link works for an hour (until {until} your time) and is shown only here; whoever has it can download the file, so don't share it.
            """;
        return ChatReply.Private(text) with { Sensitive = true };
    }

    /// <summary>A record id anywhere in the arguments; INC, PRB and CHG ids must name a record of the workspace.</summary>
    private static async Task<RecordId?> TakeRecordAsync(CommandContext ctx)
    {
        var record = TrackedRecords.Take(ctx.Args);
        if (record is { } id)
        {
            await TrackedRecords.EnsureExistsAsync(ctx, id);
        }

        return record;
    }

    /// <summary>
    /// The duration the arguments start with: one token (<c>1h30m</c>) or several (<c>1h 30m</c>);
    /// null when they start with something else. No time, or less than none, is refused.
    /// </summary>
    private static TimeSpan? TakeDuration(CommandArgs args)
    {
        var words = args.Positional.TakeWhile(t => t.Kind is TokenKind.Word or TokenKind.Quoted).ToList();
        if (words.Count == 0 || words[0].Text.Length == 0 || !(char.IsAsciiDigit(words[0].Text[0]) || words[0].Text[0] is '-' or '+'))
        {
            return null;
        }

        var first = words[0].Text;
        if (first.StartsWith('-'))
        {
            throw new UserException($"`{first}` is less than no time: log how long you spent, like `45m` (`/time edit` corrects an entry, `/time delete` removes one).");
        }

        if (first.Any(char.IsAsciiDigit) && first.Where(char.IsAsciiDigit).All(c => c == '0'))
        {
            throw new UserException($"`{first}` is no time at all: log how long you spent, like `45m` or `1h30m`.");
        }

        var taken = 1;
        var duration = DurationParser.Parse(first);
        // "1h 30m": more of the same duration, as long as it still reads as one.
        while (taken < words.Count && DurationParser.TryParse(string.Join(' ', words.Take(taken + 1).Select(w => w.Text)), out var longer))
        {
            duration = longer;
            taken++;
        }

        foreach (var word in words.Take(taken))
        {
            args.Take(t => ReferenceEquals(t, word));
        }

        return duration;
    }

    private static long TakeEntryId(CommandArgs args, string usage)
    {
        var token = args.Positional.Count > 0 ? args.Positional[0] : throw new UserException($"Which entry? Give its id (`/time list` shows them), as in `{usage}`.");
        var text = token.Text.TrimStart('#');
        if (token.Kind != TokenKind.Word || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            throw new UserException($"`{token}` is not an entry id: `/time list` shows yours, each with its number first.");
        }

        args.Take(t => ReferenceEquals(t, token));
        return id;
    }

    /// <summary>Only the options a verb knows; a note with a colon in it goes in quotes.</summary>
    private static void RejectOptionsBut(CommandArgs args, string known)
    {
        foreach (var key in args.Options.Keys)
        {
            if (!string.Equals(key, known, StringComparison.OrdinalIgnoreCase))
            {
                throw new UserException($"`{key}:` is not an option here (the option is `{known}:`). A note with a colon in it goes in quotes: `\"{key}: ...\"`.");
            }
        }
    }

    private static string DayName(DateOnly day, CommandContext ctx)
    {
        var today = TimeDays.Today(ctx.Now, ctx.TimeZone);
        var name = TimeDays.Long(day, ctx.Culture);
        return day == today ? $"today, {name}" : day == today.AddDays(-1) ? $"yesterday, {name}" : name;
    }

    private static string Id(TimeEntry entry) => entry.Id.ToString(CultureInfo.InvariantCulture);
}
