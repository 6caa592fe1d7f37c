using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

/// <summary>What one interactivity payload (the form field <c>payload</c>) turned out to be.</summary>
public abstract record SlackInteraction
{
    /// <summary>A button (or select) in a message: <c>block_actions</c>.</summary>
    /// <param name="MessageTs">The ts of the message that holds the card (<c>container.message_ts</c>).</param>
    /// <param name="ThreadTs">The thread the card sits in, if any.</param>
    /// <param name="IsEphemeral">The card was an ephemeral message: update it through the response URL, not chat.update.</param>
    public sealed record BlockAction(
        ChatRequest Request,
        string? ResponseUrl,
        string? MessageTs,
        string? ThreadTs,
        bool IsEphemeral,
        string? TriggerId) : SlackInteraction;

    /// <summary>
    /// A button on the app's Home tab (<c>block_actions</c> from a view of type <c>home</c>): no channel and no
    /// response URL, so the request's channel is the person's own id. <paramref name="ViewId"/> is the view's.
    /// </summary>
    public sealed record HomeAction(ChatRequest Request, string? ViewId) : SlackInteraction;

    /// <summary>A message shortcut (<c>message_action</c>) run on <paramref name="MessageTs"/>.</summary>
    public sealed record MessageShortcut(
        ChatRequest Request,
        string? ResponseUrl,
        string MessageTs,
        string? ThreadTs,
        string? TriggerId) : SlackInteraction;

    /// <summary>A submitted modal (<c>view_submission</c>).</summary>
    /// <param name="Values">Input values by <c>block_id</c>, then <c>action_id</c>; null where nothing was given.</param>
    public sealed record ViewSubmission(
        string CallbackId,
        string? PrivateMetadata,
        string TenantId,
        string UserId,
        string? UserName,
        string? ViewId,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> Values,
        string? TriggerId) : SlackInteraction;

    /// <summary>A well-formed payload of a type (or shape) the bot does not handle; answer 200 and ignore it.</summary>
    public sealed record Unsupported(string Type) : SlackInteraction;

    /// <summary>Not a payload Slack would send: bad JSON, too deep, required fields missing.</summary>
    public sealed record Invalid(string Message) : SlackInteraction;
}
