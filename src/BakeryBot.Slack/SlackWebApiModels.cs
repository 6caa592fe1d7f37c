namespace BakeryBot.Slack;

/// <summary>Where a message was posted: Slack identifies a message by channel and <c>ts</c>.</summary>
public sealed record SlackPostResult(string Channel, string Ts);

/// <summary>The parts of <c>users.info</c> the bot uses.</summary>
/// <param name="Tz">IANA time zone, e.g. <c>Europe/Amsterdam</c>.</param>
/// <param name="TzOffsetSeconds">The zone's current offset from UTC.</param>
public sealed record SlackUser(string Id, string? Name, string? RealName, string? DisplayName, string? Tz, int? TzOffsetSeconds);

/// <summary>Message metadata (Slack: <c>event_type</c> plus an <c>event_payload</c> object); payload values as strings.</summary>
public sealed record SlackMessageMetadata(string EventType, IReadOnlyDictionary<string, string> EventPayload);

/// <summary>A message read back from <c>conversations.history</c> or <c>conversations.replies</c>.</summary>
public sealed record SlackMessage(string Ts, string? Text, string? User, string? BotId, string? ThreadTs, SlackMessageMetadata? Metadata);
