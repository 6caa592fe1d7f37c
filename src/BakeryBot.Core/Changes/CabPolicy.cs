namespace BakeryBot.Core.Changes;

/// <summary>
/// The CAB's rules, pure: how many approvals a change needs (the quorum of its risk, one more for an
/// emergency inside a freeze), and what the votes decide: any rejection rejects (a veto), the quorum
/// of approvals approves, abstentions count toward neither.
/// </summary>
public static class CabPolicy
{
    public static int Required(CabSettings settings, ChangeRisk risk, ChangeType type, bool inFreeze) =>
        Math.Max(1, settings.Quorum(risk)) + (type == ChangeType.Emergency && inFreeze ? 1 : 0);

    /// <summary>The decision the votes make, or null while they make none.</summary>
    public static ChangeDecision? Decide(IEnumerable<VoteKind> votes, int required)
    {
        var list = votes.ToList();
        if (list.Contains(VoteKind.Reject))
        {
            return ChangeDecision.Rejected;
        }

        return list.Count(v => v == VoteKind.Approve) >= required ? ChangeDecision.Approved : null;
    }
}
