using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Changes;

/// <summary>How a change looks: its card with the CAB's live tally. Pure.</summary>
public static class ChangeCards
{
    public const string ReasonInput = "reason";

    public static Card Card(Change change, IReadOnlyDictionary<int, string> names, int required, IReadOnlyList<ChangeConflict> conflicts, FreezeWindow? freeze, DateTimeOffset now, IReadOnlyList<RecordId>? causedIncidents = null)
    {
        string Name(int id) => names.GetValueOrDefault(id, "someone");
        var approvals = change.Votes.Count(v => v.Kind == VoteKind.Approve);
        var fields = new List<CardField>
        {
            new("Status", Status(change, approvals, required)),
            new("Type", ChangeService.Word(change.Type)),
            new("Risk", ChangeService.Word(change.Risk)),
            new("Window", Times.Span(change.WindowStart, change.WindowEnd)),
            new("CIs", string.Join(", ", change.Cis.Select(c => c.Ci?.Name ?? "?").Order(StringComparer.Ordinal))),
            new("Requested by", Name(change.RequestedById)),
            new("Rollback", change.Rollback ?? "none yet: it can't be approved without"),
        };
        if (change.SchemaChange)
        {
            fields.Add(new CardField("Rollback migration", change.RollbackMigration ?? "none"));
        }

        // The release: who started and who finished it, and the incidents it caused (a change failure).
        if (change.ReleaseStartedAt is { } started)
        {
            fields.Add(new CardField("Release started", $"{Times.At(started)} by {Name(change.ReleaseStartedById ?? 0)}"));
        }

        if (change.ReleasedAt is { } released)
        {
            fields.Add(new CardField(change.Outcome == ReleaseOutcome.RolledBack ? "Rolled back" : "Released", $"{Times.At(released)} by {Name(change.ReleasedById ?? 0)}"));
        }

        if (causedIncidents is { Count: > 0 })
        {
            fields.Add(new CardField("Caused", $"{string.Join(", ", causedIncidents)} (a change failure)"));
        }

        var sections = new List<CardSection> { new FieldsSection(fields) };
        if (change.Votes.Count > 0 || change.Decision is null)
        {
            string Voters(VoteKind kind) => change.Votes.Where(v => v.Kind == kind).Select(v => Name(v.PersonId) + (v.Reason is { } r ? $" (\"{r}\")" : "")) is var who && who.Any() ? string.Join(", ", who) : "nobody";
            sections.Add(new TextSection($"Approve: {Voters(VoteKind.Approve)}\nReject: {Voters(VoteKind.Reject)}\nAbstain: {Voters(VoteKind.Abstain)}"));
        }

        if (conflicts.Count > 0)
        {
            sections.Add(new TextSection("Conflicts:\n" + string.Join('\n', conflicts.Select(c => $"• {c.Other} {c.Title}: {c.Why}"))));
        }

        if (freeze is not null)
        {
            sections.Add(new ContextSection($"In the freeze \"{freeze.Reason}\" ({Times.Span(freeze.From, freeze.To)}): only emergency changes, with one approval more."));
        }

        var buttons = new List<CardButton>();
        var id = change.RecordId.ToString();
        if (AwaitsVotes(change))
        {
            sections.Add(ReasonBox);
            buttons.AddRange(VoteButtons(change));
        }

        // Start release while its state lets it start (ReleasePolicy says whether now is the time); Done and Roll back while in release.
        if (change.State == ChangeState.Approved || (change.State == ChangeState.Pending && change.Type == ChangeType.Emergency))
        {
            buttons.Add(new CardButton("Start release", ReleaseCommands.StartAction, id, change.State == ChangeState.Approved ? ButtonStyle.Primary : ButtonStyle.Default));
        }

        if (change.State == ChangeState.InRelease)
        {
            buttons.Add(new CardButton("Done", ReleaseCommands.DoneAction, id, ButtonStyle.Primary));
            buttons.Add(new CardButton("Roll back", ReleaseCommands.RollbackAction, id, ButtonStyle.Danger));
        }

        if (change.IsOpen)
        {
            buttons.Add(new CardButton("Start timer", TimeTracking.TimerCommands.StartAction, id));
        }

        var context = change.DecisionReason is { } reason ? $"{ChangeService.Word(change.Decision ?? ChangeDecision.Approved)}: {reason}" : $"requested {Times.At(change.RequestedAt)}";
        return new Card($"{id}: {change.Title}", Accent(change), sections, buttons, context);
    }

    /// <summary>Whether the CAB still votes on the change: undecided and not withdrawn.</summary>
    public static bool AwaitsVotes(Change change) => change.Decision is null && change.State != ChangeState.Cancelled;

    /// <summary>The box for a rejection's reason, which the Reject button sends with the click.</summary>
    public static InputSection ReasonBox { get; } = new(ReasonInput, "Reason (needed to reject)", "what must change before it can go ahead");

    /// <summary>The CAB's buttons on a change that awaits votes: Approve, Reject (with the reason box's text) and Abstain.</summary>
    public static IReadOnlyList<CardButton> VoteButtons(Change change)
    {
        var id = change.RecordId.ToString();
        return
        [
            new CardButton("Approve", ChangeCommands.ApproveAction, id, ButtonStyle.Primary),
            new CardButton("Reject", ChangeCommands.RejectAction, id, ButtonStyle.Danger),
            new CardButton("Abstain", ChangeCommands.AbstainAction, id),
        ];
    }

    private static string Status(Change change, int approvals, int required)
    {
        var decision = change.Decision switch
        {
            null => $"awaiting the CAB: {approvals} of {required} approval{(required == 1 ? "" : "s")}",
            ChangeDecision.Approved => "approved",
            ChangeDecision.Rejected => "rejected",
            _ => "expired undecided",
        };
        return change.State switch
        {
            ChangeState.Cancelled => "withdrawn",
            ChangeState.InRelease => $"releasing ({decision})",
            ChangeState.Completed => $"released: {ChangeService.Word(change.Outcome ?? ReleaseOutcome.Succeeded)} ({decision})",
            _ => decision,
        };
    }

    private static CardAccent Accent(Change change) => change.State switch
    {
        ChangeState.Pending => CardAccent.Warning,
        ChangeState.Approved => CardAccent.Success,
        ChangeState.InRelease => CardAccent.Info,
        ChangeState.Completed => change.Outcome == ReleaseOutcome.Succeeded && !change.CausedFailure ? CardAccent.Success : CardAccent.Danger,
        ChangeState.Cancelled => CardAccent.Neutral,
        _ => CardAccent.Danger,
    };
}
