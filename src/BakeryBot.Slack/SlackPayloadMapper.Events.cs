using System.Text.Json;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

public static partial class SlackPayloadMapper
{
    /// <summary>
    /// Maps an Events API body: <c>url_verification</c>, and inside <c>event_callback</c> the <c>app_mention</c>
    /// and <c>app_home_opened</c> events. Messages written by bots (the bot's own included) are ignored, so the
    /// bot never answers itself.
    /// </summary>
    public static SlackEvent FromEvent(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new SlackEvent.Invalid("The body is empty.");
        }

        try
        {
            using var document = JsonDocument.Parse(json, SlackJsonReader.DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new SlackEvent.Invalid("The body is not a JSON object.");
            }

            return root.String("type") switch
            {
                "url_verification" => root.Required("challenge") is { } challenge
                    ? new SlackEvent.UrlVerification(challenge)
                    : new SlackEvent.Invalid("The url_verification has no challenge."),
                "event_callback" => EventCallback(root),
                { Length: > 0 } type => new SlackEvent.Ignored(null, type),
                _ => new SlackEvent.Invalid("The body has no type."),
            };
        }
        catch (JsonException e)
        {
            return new SlackEvent.Invalid($"The body is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return new SlackEvent.Invalid("The body contains invalid text.");
        }
    }

    private static SlackEvent EventCallback(JsonElement root)
    {
        var eventId = root.Required("event_id");
        var teamId = root.Required("team_id");
        var inner = root.Object("event");
        var type = inner.Required("type");
        if (eventId is null || teamId is null || inner is not { } e || type is null)
        {
            return new SlackEvent.Invalid("An event_callback needs event_id, team_id and an event with a type.");
        }

        if (e.String("bot_id") is { Length: > 0 } || e.String("subtype") == "bot_message")
        {
            return new SlackEvent.Ignored(eventId, type);
        }

        return type switch
        {
            "app_mention" => Mention(root, e, eventId, teamId),
            "app_home_opened" when e.String("tab") == "home" && e.Required("user") is { } user => new SlackEvent.HomeOpened(eventId, teamId, user),
            _ => new SlackEvent.Ignored(eventId, type),
        };
    }

    /// <summary>
    /// <c>&lt;@UBOT&gt; incident oven cold</c> in a channel → the command <c>incident</c> with <c>oven cold</c>, from
    /// that channel (and thread). The bot's own mention is the one <c>authorizations[0].user_id</c> names, else the
    /// first mention in the text; other people's mentions stay for the command to read.
    /// </summary>
    private static SlackEvent Mention(JsonElement root, JsonElement e, string eventId, string teamId)
    {
        var user = e.Required("user");
        var channel = e.Required("channel");
        var text = e.String("text");
        if (user is null || channel is null || text is null)
        {
            return new SlackEvent.Invalid("An app_mention needs user, channel and text.");
        }

        var botId = root.Array("authorizations") is { } authorizations && authorizations.GetArrayLength() > 0
            ? authorizations[0].Required("user_id")
            : null;
        if (MessageCommand.Split(WithoutBotMention(text, botId)) is not var (command, rest))
        {
            // Only the mention: what the bot can do is the useful answer.
            (command, rest) = MessageCommand.Split("help")!.Value;
        }

        var request = new ChatRequest
        {
            Platform = Platform,
            TenantId = teamId,
            ChannelId = channel,
            // A mention inside a thread is answered in that thread; one in the channel stays in the channel.
            ThreadId = e.Required("thread_ts"),
            UserId = user,
            Command = command,
            Text = rest,
            // Slack: a retried delivery keeps its event_id ("globally unique across all workspaces").
            DeliveryId = "ev:" + eventId,
        };
        return new SlackEvent.Mention(eventId, request);
    }

    /// <summary>The text with the bot's mention (<c>&lt;@UBOT&gt;</c> or <c>&lt;@UBOT|name&gt;</c>) taken out.</summary>
    internal static string WithoutBotMention(string text, string? botId)
    {
        var start = botId is null ? text.IndexOf("<@", StringComparison.Ordinal) : FindMention(text, botId);
        if (start < 0)
        {
            return text;
        }

        var end = text.IndexOf('>', start);
        return end < 0 ? text : string.Concat(text.AsSpan(0, start).TrimEnd(), " ", text.AsSpan(end + 1).TrimStart()).Trim();
    }

    private static int FindMention(string text, string botId)
    {
        var at = text.IndexOf("<@" + botId + ">", StringComparison.Ordinal);
        return at >= 0 ? at : text.IndexOf("<@" + botId + "|", StringComparison.Ordinal);
    }
}
