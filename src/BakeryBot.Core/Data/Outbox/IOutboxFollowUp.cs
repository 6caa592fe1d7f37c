namespace BakeryBot.Core.Data.Outbox;

/// <summary>
/// What an area does when one of its outbox rows went through with a result it needs (the id of a
/// channel it asked for). Runs in the unit of work that records the delivery, so both commit together.
/// </summary>
public interface IOutboxFollowUp
{
    /// <summary>Handles the delivered row when its subject is this area's; does nothing otherwise.</summary>
    Task DeliveredAsync(OutboxMessage row, string? result, CancellationToken ct);
}
