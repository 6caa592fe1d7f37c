using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Drills;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Problems;

namespace BakeryBot.Core.TimeTracking;

/// <summary>The records time can be tracked on, and the check that one exists before time goes on it.</summary>
public static class TrackedRecords
{
    /// <summary>The prefixes of record ids time can be put on, in the order a command looks for them.</summary>
    public static readonly string[] Prefixes = [RecordId.Incident, RecordId.Problem, RecordId.Change, RecordId.Drill];

    /// <summary>The first incident, problem, change or drill id in the arguments, taken from them; null when none.</summary>
    public static RecordId? Take(CommandArgs args) => Prefixes.Select(args.TakeRecordId).FirstOrDefault(id => id is not null);

    /// <summary>
    /// Throws the record service's "There is no …" when <paramref name="record"/> names nothing in this
    /// tenant: a typo in an id must not collect time against nothing.
    /// </summary>
    public static async Task EnsureExistsAsync(CommandContext ctx, RecordId record)
    {
        switch (record.Prefix)
        {
            case RecordId.Incident:
                await ctx.Get<IncidentService>().GetAsync(ctx.Tenant.Id, record, ctx.Cancellation);
                break;
            case RecordId.Problem:
                await ctx.Get<ProblemService>().GetAsync(ctx.Tenant.Id, record, ctx.Cancellation);
                break;
            case RecordId.Change:
                await ctx.Get<ChangeService>().GetAsync(ctx.Tenant.Id, record, ctx.Cancellation);
                break;
            case RecordId.Drill:
                await ctx.Get<DrillService>().GetAsync(ctx.Tenant.Id, record, ctx.Cancellation);
                break;
            default:
                throw new UserException($"Time can't be tracked on {record}: give an incident, problem, change or drill id.");
        }
    }
}
