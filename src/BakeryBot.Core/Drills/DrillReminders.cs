using System.Globalization;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using Humanizer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Drills;

/// <summary>Settings of drills (section <c>Drills</c>).</summary>
public sealed class DrillOptions
{
    public const string Section = "Drills";

    /// <summary>How long before a drill is due its reminder is posted; not negative (checked when the bot starts).</summary>
    public TimeSpan RemindBefore { get; set; } = TimeSpan.FromDays(3);
}

/// <summary>What a round of drill reminders posted: the drills reminded, and those found overdue.</summary>
public sealed record DrillReminderRound(IReadOnlyList<string> Reminded, IReadOnlyList<string> Overdue);

/// <summary>
/// Reminds drills before they are due and flags them once overdue, in the channel where each drill
/// was set up, mentioning its owner.
/// </summary>
public sealed class DrillReminders(BakeryDbContext db, DrillService drills, CardPublisher publisher, IOptions<DrillOptions> options, TimeProvider clock)
{
    /// <summary>
    /// The record type of a drill reminder's posted card, keyed by the drill's id and due date
    /// (<see cref="Key"/>). Its row is what says the due date was reminded; its card is the drill's own.
    /// </summary>
    public const string ReminderRecordType = "drill-reminder";

    /// <summary>The record type of a drill's overdue notice, keyed like a reminder.</summary>
    public const string OverdueRecordType = "drill-overdue";

    /// <summary>The advisory lock key of reminder runs ("DRLREMND" in ASCII).</summary>
    private const long ReminderLock = 0x44524C52454D4E44;

    /// <summary>A drill's due date as a posted card's key: <c>DRL-2@2027-02-26T08:00Z</c>.</summary>
    public static string Key(ContinuityDrill drill, DateTimeOffset due) =>
        string.Create(CultureInfo.InvariantCulture, $"{drill.RecordId}@{due.UtcDateTime:yyyy-MM-ddTHH:mm}Z");

    /// <summary>
    /// One round, for every tenant: each active drill without a run under way whose due date is within
    /// <see cref="DrillOptions.RemindBefore"/> from now gets a reminder (its card with the Start drill
    /// button, the owner mentioned) and, once the due date has passed, an overdue notice (the same,
    /// flagged overdue, and its card updated wherever it was posted to show it). Each is posted once
    /// per drill and due date: the post is a card of record type <see cref="ReminderRecordType"/> or
    /// <see cref="OverdueRecordType"/> keyed by <see cref="Key"/>, and a due date that has one is not
    /// posted again, by this round, a later one, another instance or after a restart; the card and
    /// its post commit together. A drill found already overdue gets only the overdue notice (a
    /// reminder would come too late). Run by the drill-reminders job; rounds never overlap.
    /// </summary>
    public async Task<DrillReminderRound> RunAsync(CancellationToken ct)
    {
        // Never negative: the settings are checked when the bot starts.
        var before = options.Value.RemindBefore;

        // One round at a time across instances.
        await using var transaction = await db.BeginExclusiveAsync(ReminderLock, ct);

        // Stored times are UTC: SQLite compares them as encoded integers, and PostgreSQL accepts only UTC offsets.
        var now = clock.GetUtcNow().ToUniversalTime();
        var until = now + before;
        var due = await db.Drills.Include(d => d.Runs)
            .Where(d => d.State == DrillState.Active && d.NextDueAt <= until && !d.Runs.Any(r => r.FinishedAt == null))
            .ToListAsync(ct);
        var reminded = new List<string>();
        var overdue = new List<string>();
        foreach (var drill in due.OrderBy(d => d.NextDueAt).ThenBy(d => d.TenantId).ThenBy(d => d.Number))
        {
            var key = Key(drill, drill.NextDueAt);
            var late = now >= drill.NextDueAt;
            var posted = await db.PostedCards
                .Where(p => p.TenantId == drill.TenantId && p.RecordKey == key && (p.RecordType == OverdueRecordType || p.RecordType == ReminderRecordType))
                .Select(p => p.RecordType).ToListAsync(ct);
            if (posted.Contains(OverdueRecordType) || (!late && posted.Contains(ReminderRecordType)))
            {
                continue;
            }

            var id = drill.RecordId.ToString();
            var zone = await drills.ChannelZoneAsync(drill.TenantId, ct);
            var when = DrillCards.At(drill.NextDueAt, zone, DrillService.Culture);
            var accounts = await OwnerAccountsAsync(drill, ct);
            var owner = accounts.Count > 0 ? $"<@{accounts[0]}>" : await db.People.Where(p => p.Id == drill.OwnerId).Select(p => p.DisplayName).FirstAsync(ct);
            if (late)
            {
                var lead = $"⚠️ {id} {drill.Title} is overdue: it was due {when}. {owner}, start it on the card (or `/drill start {id}`).";
                // The drill's cards show the flag too, wherever they were posted.
                await drills.UpdateCardsAsync(drill, lead, [drill.NextDueAt], ct);
                var card = await drills.ChannelCardAsync(drill, ct);
                publisher.Post(drill.TenantId, drill.Platform, drill.ChannelId, null, OverdueRecordType, key, card, lead);
                TellOwner(drill, accounts, OverdueRecordType, key, card, $"⚠️ {id} {drill.Title}, which you own, is overdue: it was due {when}. Start it on the card (or `/drill start {id}`).");
                overdue.Add(id);
            }
            else
            {
                var lead = $"⏰ {id} {drill.Title} is due {drill.NextDueAt.Humanize(now, DrillService.Culture)} ({when}). " +
                           $"{owner}, start it on the card (or `/drill start {id}`) when you begin.";
                var card = await drills.ChannelCardAsync(drill, ct);
                publisher.Post(drill.TenantId, drill.Platform, drill.ChannelId, null, ReminderRecordType, key, card, lead);
                TellOwner(drill, accounts, ReminderRecordType, key, card,
                    $"⏰ {id} {drill.Title}, which you own, is due {drill.NextDueAt.Humanize(now, DrillService.Culture)} ({when}). Start it on the card (or `/drill start {id}`) when you begin.");
                reminded.Add(id);
            }

            await db.SaveChangesAsync(ct);
        }

        // Through the context, so that the outbox dispatcher is woken for the posts at once.
        await db.CommitAsync(transaction, ct);
        return new DrillReminderRound(reminded, overdue);
    }

    /// <summary>
    /// The same card to the drill's owner in their one-to-one conversation with the bot, so the reminder
    /// reaches them even when they don't watch the channel; it is updated with the drill's other cards.
    /// An owner with no account on the drill's platform has only the channel's mention.
    /// </summary>
    private void TellOwner(ContinuityDrill drill, List<string> accounts, string recordType, string key, Chat.Card card, string lead)
    {
        if (accounts.Count > 0)
        {
            publisher.PostDirect(drill.TenantId, drill.Platform, accounts, recordType, key, card, lead);
        }
    }

    /// <summary>The owner's ids on the drill's platform, the main one (mentioned in the channel) first.</summary>
    private Task<List<string>> OwnerAccountsAsync(ContinuityDrill drill, CancellationToken ct) =>
        db.PersonIdentities
            .Where(i => i.TenantId == drill.TenantId && i.PersonId == drill.OwnerId && i.Platform == drill.Platform)
            .OrderBy(i => i.Id).Select(i => i.ExternalId).ToListAsync(ct);
}
