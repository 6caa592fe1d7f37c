using BakeryBot.Core.Data;
using BakeryBot.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Changes;

/// <summary>
/// Keeps an approved change's release reminder as a <see cref="Reminder"/> row due
/// <see cref="ReleaseOptions.RemindBefore"/> before its window opens: added when the change is
/// approved (a standard change as it is requested), removed when it is released or withdrawn first.
/// The release-reminders job claims the due rows (<see cref="ReleaseService.RemindAsync"/>).
/// </summary>
public sealed class ReleaseReminderPlan(BakeryDbContext db, IOptions<ReleaseOptions> options)
{
    /// <summary>The change's release reminder; compiled, as every CAB vote looks for it.</summary>
    private static readonly CompiledPerModel<Func<BakeryDbContext, int, CancellationToken, Task<Reminder?>>> ReminderQuery = new(() => EF.CompileAsyncQuery(
        (BakeryDbContext db, int changeId, CancellationToken ct) => db.Reminders.FirstOrDefault(r => r.Kind == ReminderKind.ReleaseWindow && r.RecordId == changeId)));

    /// <summary>Brings the change's reminder in line with it; call with the change saved once (it needs its id), before saving its change of state.</summary>
    public async Task PlanAsync(Change change, CancellationToken ct)
    {
        var row = await ReminderQuery.For(db)(db, change.Id, ct);
        if (change.State != ChangeState.Approved)
        {
            if (row is { HandledAt: null })
            {
                db.Reminders.Remove(row);
            }

            return;
        }

        var due = change.WindowStart - options.Value.RemindBefore;
        if (row is null)
        {
            db.Reminders.Add(new Reminder { TenantId = change.TenantId, Kind = ReminderKind.ReleaseWindow, RecordId = change.Id, DueAt = due });
        }
        else if (row.HandledAt is null)
        {
            row.DueAt = due;
        }
    }
}
