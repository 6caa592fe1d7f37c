using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;

namespace BakeryBot.Teams.Cards;

public static partial class TeamsAdaptiveCardRenderer
{
    /// <summary>Universal Action Model: the invoke response type for a plain message (shown briefly to the clicker).</summary>
    public const string InvokeMessageType = "application/vnd.microsoft.activity.message";

    /// <summary>Universal Action Model: the invoke response type for an error <c>{code, message}</c>.</summary>
    public const string InvokeErrorType = "application/vnd.microsoft.error";

    /// <summary>Longer message text is cut; a reply that long belongs in a card or a file.</summary>
    public const int MaxMessageTextLength = 20_000;

    /// <summary>Cards in one message; Teams shows at most 10 in a carousel, and a list of more is unreadable.</summary>
    public const int MaxCards = 10;

    /// <summary>
    /// A message activity for the Connector (<c>POST v3/conversations/{id}/activities</c>): the text as Teams
    /// markdown, and the card, if any, as an Adaptive Card attachment sized to fit with the text.
    /// </summary>
    public static JsonObject RenderMessageActivity(string text, Card? card, Func<string, string?>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Message("", text, card is null ? [] : [card], nameOf);
    }

    /// <summary>
    /// A reply to the person who asked, as a message activity: warnings start with ⚠️ and errors with ❌.
    /// Null for <see cref="ReplyKind.None"/>: there is nothing to post.
    /// </summary>
    public static JsonObject? RenderReply(ChatReply reply, Func<string, string?>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Kind == ReplyKind.None)
        {
            return null;
        }

        return Message(Prefix(reply.Kind), reply.Text ?? "", reply.Cards ?? [], nameOf);
    }

    /// <summary>
    /// The answer to <c>composeExtension/submitAction</c>: <c>{"task": {"type": "message", "value": text}}</c>, which
    /// Teams shows in a small dialog (protocols.md §11; botbuilder <c>TaskModuleMessageResponse</c>). The value is
    /// plain text. <see cref="ReplyKind.None"/> gives <c>{}</c>, which just closes the dialog.
    /// </summary>
    public static JsonObject RenderMessageExtensionResponse(ChatReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.Kind == ReplyKind.None)
        {
            return [];
        }

        var text = string.IsNullOrEmpty(reply.Text) && reply.Cards is [var first, ..] ? first.Fallback : reply.Text ?? "";
        return new JsonObject
        {
            ["task"] = new JsonObject
            {
                ["type"] = "message",
                ["value"] = Prefix(reply.Kind) + Cut(text, MaxMessageTextLength),
            },
        };
    }

    /// <summary>
    /// The invoke response to an <c>Action.Execute</c> that replaces the clicked card for the clicker:
    /// <c>{"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": card}</c>.
    /// </summary>
    public static JsonObject RenderInvokeCardResponse(Card card, Func<string, string?>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        return Invoke(200, ContentType, RenderCard(card, nameOf));
    }

    /// <summary><c>{"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}</c>; plain text.</summary>
    public static JsonObject RenderInvokeMessageResponse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Invoke(200, InvokeMessageType, Cut(text, MaxMessageTextLength));
    }

    /// <summary>
    /// <c>{"statusCode": status, "type": "application/vnd.microsoft.error", "value": {"code", "message"}}</c>; e.g.
    /// 400 <c>BadRequest</c> or <c>NotSupported</c> as botbuilder answers (protocols.md §11).
    /// </summary>
    public static JsonObject RenderInvokeError(int status, string code, string message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(message);
        return Invoke(status, InvokeErrorType, new JsonObject { ["code"] = code, ["message"] = message });
    }

    private static JsonObject Invoke(int status, string type, JsonNode value) => new()
    {
        ["statusCode"] = status,
        ["type"] = type,
        ["value"] = value,
    };

    private static string Prefix(ReplyKind kind) => kind switch
    {
        ReplyKind.Warning => "\u26A0\uFE0F ",
        ReplyKind.Error => "\u274C ",
        _ => "",
    };

    /// <summary>
    /// The message with its cards: the text takes at most half of the size limit when there are cards, and each
    /// card an equal share of what the text leaves.
    /// </summary>
    private static JsonObject Message(string prefix, string text, IReadOnlyList<Card> cards, Func<string, string?>? nameOf)
    {
        var drawn = cards.Where(c => c is not null).Take(MaxCards).ToList();
        var limit = MaxMessageBytes - EnvelopeReserveBytes;
        var markdown = prefix + FitText(text, nameOf, drawn.Count == 0 ? limit - 256 : limit / 2);
        var message = new JsonObject
        {
            ["type"] = "message",
            ["textFormat"] = "markdown",
            ["text"] = markdown,
        };
        if (text.Length == 0 && drawn.Count > 0)
        {
            // Bot Framework: summary stands in for the cards where they cannot be shown (notifications).
            message["summary"] = drawn[0].Fallback;
        }

        var attachments = new JsonArray();
        message["attachments"] = attachments;
        if (drawn.Count > 0)
        {
            // Each attachment also brings its contentType wrapper and a comma.
            var budget = ((limit - SizeOf(message)) / drawn.Count) - 256;
            foreach (var card in drawn)
            {
                attachments.Add(Attachment(RenderCard(card, nameOf, null, budget)));
            }
        }

        return message;
    }

    /// <summary>The text as markdown, cut (as plain text, so no escape is split) until it fits <paramref name="budgetBytes"/>.</summary>
    private static string FitText(string text, Func<string, string?>? nameOf, int budgetBytes)
    {
        var plain = Cut(text, MaxMessageTextLength);
        var markdown = TeamsMarkdown.Escape(plain, nameOf);
        int size;
        while ((size = SizeOf(JsonValue.Create(markdown))) > budgetBytes && plain.Length > 1)
        {
            var length = (int)(plain.Length * 0.95 * budgetBytes / size);
            plain = Cut(text, Math.Clamp(length, 1, plain.Length - 1));
            markdown = TeamsMarkdown.Escape(plain, nameOf);
        }

        return markdown;
    }
}
