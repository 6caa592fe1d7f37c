namespace BakeryBot.Core.Data;

/// <summary>The last number handed out per tenant and record kind: numbers are never reused.</summary>
public sealed class RecordCounter
{
    public int TenantId { get; set; }

    public required string Kind { get; set; }

    public int Last { get; set; }
}

/// <summary>A platform delivery already handled, so that a retry of it has no second effect.</summary>
public sealed class InboundDelivery
{
    public required string Platform { get; set; }

    public required string DeliveryId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
