using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

/// <summary>What one Events API delivery (the JSON body of <c>POST /slack/events</c>) turned out to be.</summary>
public abstract record SlackEvent
{
    /// <summary>The Request URL handshake: answer with the challenge.</summary>
    public sealed record UrlVerification(string Challenge) : SlackEvent;

    /// <summary>An <c>app_mention</c>: someone wrote to the bot in a channel; the text after the mention is a command.</summary>
    public sealed record Mention(string EventId, ChatRequest Request) : SlackEvent;

    /// <summary>Someone opened the bot's Home tab (<c>app_home_opened</c> with <c>tab: "home"</c>).</summary>
    public sealed record HomeOpened(string EventId, string TeamId, string UserId) : SlackEvent;

    /// <summary>A well-formed event the bot does nothing with (answer 200 so Slack does not retry it).</summary>
    public sealed record Ignored(string? EventId, string Type) : SlackEvent;

    /// <summary>Not a body Slack would send: bad JSON, or required fields missing.</summary>
    public sealed record Invalid(string Message) : SlackEvent;
}
