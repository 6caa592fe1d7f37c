using System.Globalization;
using BakeryBot.Core.Chat;

namespace BakeryBot.Core.TimeTracking;

/// <summary>The card a long-running timer's owner gets, and what it becomes after Stop or Keep. Pure.</summary>
public static class TimerCards
{
    /// <summary>Asks whether the timer still runs, with Stop and Keep.</summary>
    public static Card Nudge(Timer timer, DateTimeOffset now, TimeSpan workDay, TimeZoneInfo zone, CultureInfo culture)
    {
        var subject = TimerService.Subject(timer.RecordKey, timer.Text);
        var key = Key(timer);
        return new Card(
            $"⏱ Still on {subject}?",
            CardAccent.Warning,
            [
                new TextSection($"Your timer on {subject} has run {Durations.Humanize(now - timer.StartedAt, culture)}, since {Local(timer.StartedAt, zone, culture)}."),
                new ContextSection($"Stop logs the time as a time entry. Keep leaves it running; you'll be asked again after another work day ({Durations.Humanize(workDay, culture)})."),
            ],
            [StopButton(timer), new CardButton("Keep", TimerCommands.KeepAction, key)]);
    }

    /// <summary>The timer kept running: when it was kept and when it will be asked about again; Stop stays.</summary>
    public static Card Kept(Timer timer, DateTimeOffset keptAt, TimeSpan workDay, TimeZoneInfo zone, CultureInfo culture)
    {
        var subject = TimerService.Subject(timer.RecordKey, timer.Text);
        return new Card(
            $"⏱ Still on {subject}",
            CardAccent.Info,
            [
                new TextSection($"Your timer on {subject} keeps running ({Durations.Humanize(keptAt - timer.StartedAt, culture)} when you kept it, since {Local(timer.StartedAt, zone, culture)})."),
                new ContextSection($"Kept at {Local(keptAt, zone, culture)}; you'll be asked again after another work day, around {Local(keptAt + workDay, zone, culture)}."),
            ],
            [StopButton(timer)]);
    }

    /// <summary>The timer stopped: what was logged.</summary>
    public static Card Stopped(TimeEntry entry, DateTimeOffset stoppedAt, TimeZoneInfo zone, CultureInfo culture)
    {
        var subject = TimerService.Subject(entry.RecordKey, entry.Note);
        return new Card(
            $"⏱ Timer stopped: {subject}",
            CardAccent.Success,
            [
                new TextSection($"Logged {Durations.Humanize(entry.Duration, culture)} on {subject}."),
                new ContextSection($"From {Local(entry.StartedAt, zone, culture)} to {Local(stoppedAt, zone, culture)}."),
            ],
            []);
    }

    /// <summary>Stop: stops this timer (not one that replaced it) into a time entry. The nudge and the home show it.</summary>
    public static CardButton StopButton(Timer timer) => new("Stop", TimerCommands.StopAction, Key(timer), ButtonStyle.Primary);

    /// <summary>The value of a nudge card's buttons, and the posted card's record key: the timer's id.</summary>
    public static string Key(Timer timer) => timer.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A time in the person's own time zone: <c>Thu 26 Nov 09:00</c>.</summary>
    public static string Local(DateTimeOffset at, TimeZoneInfo zone, CultureInfo culture) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM HH:mm", culture);
}
