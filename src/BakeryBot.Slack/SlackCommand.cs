using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

/// <summary>A slash command: the neutral request plus what the host needs to answer it later.</summary>
/// <param name="ResponseUrl">Slack: takes up to 5 posts within 30 minutes of the command.</param>
/// <param name="TriggerId">Slack: opens a modal within 3 s, once.</param>
public sealed record SlackCommand(ChatRequest Request, string? ResponseUrl, string? TriggerId);
