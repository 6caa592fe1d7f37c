using System.Text.Json;
using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

public static partial class SlackPayloadMapper
{
    /// <summary>
    /// Maps the JSON of an interactivity payload (the form field <c>payload</c>): <c>block_actions</c>,
    /// <c>message_action</c> and <c>view_submission</c>; other types are <see cref="SlackInteraction.Unsupported"/>.
    /// </summary>
    public static SlackInteraction FromInteraction(string? payloadJson)
    {
        if (string.IsNullOrWhiteSpace(payloadJson))
        {
            return new SlackInteraction.Invalid("The payload is empty.");
        }

        try
        {
            using var document = JsonDocument.Parse(payloadJson, SlackJsonReader.DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new SlackInteraction.Invalid("The payload is not a JSON object.");
            }

            return root.String("type") switch
            {
                "block_actions" => BlockActions(root),
                "message_action" => MessageAction(root),
                "view_submission" => ViewSubmission(root),
                { Length: > 0 } type => new SlackInteraction.Unsupported(type),
                _ => new SlackInteraction.Invalid("The payload has no type."),
            };
        }
        catch (JsonException e)
        {
            // The message names the position and what was wrong; it never quotes the payload.
            return new SlackInteraction.Invalid($"The payload is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // Invalid UTF-16 in the input or in an escaped string value.
            return new SlackInteraction.Invalid("The payload contains invalid text.");
        }
    }

    /// <summary>
    /// The renderer makes action ids unique within a block by appending <c>#2</c>, <c>#3</c>…; this takes the
    /// suffix off again so the registered action id comes back.
    /// </summary>
    public static string StripActionSuffix(string actionId)
    {
        var hash = actionId.LastIndexOf('#');
        if (hash <= 0 || hash == actionId.Length - 1)
        {
            return actionId;
        }

        for (var i = hash + 1; i < actionId.Length; i++)
        {
            if (!char.IsAsciiDigit(actionId[i]))
            {
                return actionId;
            }
        }

        return actionId[..hash];
    }

    private static SlackInteraction BlockActions(JsonElement root)
    {
        var user = root.Object("user");
        var container = root.Object("container");
        var message = root.Object("message");
        var action = root.Array("actions") is { } actions && actions.GetArrayLength() > 0 ? actions[0] : default;

        var userId = user.Required("id");
        var teamId = root.Object("team").Required("id") ?? user.Required("team_id");
        var channelId = root.Object("channel").Required("id") ?? container.Required("channel_id");
        var actionId = action.Required("action_id");
        if (userId is null || teamId is null || actionId is null)
        {
            return new SlackInteraction.Invalid("block_actions needs user.id, a team id and actions[0].action_id.");
        }

        if (channelId is null)
        {
            if (container.String("type") is "view" && root.Object("view").String("type") is "home")
            {
                return FromHomeTab(root, user, teamId, userId, action, actionId);
            }

            // A button in a modal: no channel to answer in, and no such buttons.
            return container.String("type") is "view"
                ? new SlackInteraction.Unsupported("block_actions in a view")
                : new SlackInteraction.Invalid("block_actions needs a channel.");
        }

        var actionTs = action.Required("action_ts");
        var triggerId = root.Required("trigger_id");
        var request = ActionRequest(root, user, message, teamId, channelId, userId, actionTs) with
        {
            ActionId = StripActionSuffix(actionId),
            ActionValue = action.String("value") ?? action.Object("selected_option").String("value"),
            Inputs = MessageInputs(root),
            CanOpenDialog = triggerId is not null,
        };
        return new SlackInteraction.BlockAction(
            request,
            root.Required("response_url"),
            container.Required("message_ts") ?? message.Required("ts"),
            request.ThreadId,
            container?.Bool("is_ephemeral") ?? false,
            triggerId);
    }

    /// <summary>
    /// A button on the Home tab: Slack sends no channel and no response URL. The person's id stands for the
    /// channel (Slack posts a message to a user id in the app's direct messages with them), and the click
    /// takes the inputs of its own card (<see cref="HomeScopeOf"/>). The home's inputs are beside its
    /// buttons, so a click that needs one says so rather than opening a dialog.
    /// </summary>
    private static SlackInteraction.HomeAction FromHomeTab(JsonElement root, JsonElement? user, string teamId, string userId, JsonElement action, string actionId)
    {
        var view = root.Object("view");
        var request = ActionRequest(root, user, null, teamId, userId, userId, action.Required("action_ts")) with
        {
            ActionId = StripActionSuffix(actionId),
            ActionValue = action.String("value") ?? action.Object("selected_option").String("value"),
            Inputs = StateInputs(view.Object("state").Object("values"), HomeScopeOf(action.String("block_id"))),
            CanOpenDialog = false,
        };
        return new SlackInteraction.HomeAction(request, view.Required("id"));
    }

    /// <summary>
    /// The card a block of a Home tab view belongs to: the part of its id before the first <c>/</c>, as
    /// <see cref="SlackBlockKitRenderer.RenderHomeView(ChatReply)"/> writes them; null for any other id.
    /// </summary>
    public static string? HomeScopeOf(string? blockId)
    {
        var slash = blockId?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        return slash > 0 ? blockId![..slash] : null;
    }

    /// <summary>The app manifest's message shortcut callback ids, and the actions they run.</summary>
    public static readonly IReadOnlyDictionary<string, string> MessageShortcuts = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["declare_incident"] = "incident.from_message",
        ["start_timer"] = "timer.from_message",
    };

    /// <summary>
    /// The card's text inputs as they stood at the click: Slack sends them in
    /// <c>state.values[block_id][action_id].value</c>; the renderer uses the input's id for both.
    /// </summary>
    private static Dictionary<string, string>? MessageInputs(JsonElement root) => StateInputs(root.Object("state").Object("values"), null);

    /// <summary>
    /// Input values from <c>state.values[block_id][action_id].value</c>, by action id; with <paramref name="scope"/>,
    /// only those of the blocks whose ids start with <c>scope/</c> (one card of several in a view).
    /// </summary>
    private static Dictionary<string, string>? StateInputs(JsonElement? state, string? scope)
    {
        if (state is not { ValueKind: JsonValueKind.Object } values)
        {
            return null;
        }

        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var block in values.EnumerateObject())
            {
                if (block.Value.ValueKind != JsonValueKind.Object || (scope is not null && !block.Name.StartsWith(scope + "/", StringComparison.Ordinal)))
                {
                    continue;
                }

                foreach (var element in block.Value.EnumerateObject())
                {
                    if (element.Value.ValueKind == JsonValueKind.Object && element.Value.String("value") is { } value)
                    {
                        inputs[element.Name] = value;
                    }
                }
            }
        }
        catch (InvalidOperationException)
        {
            // A name or value that is not valid UTF-8: no inputs rather than a failed click.
            return null;
        }

        return inputs.Count == 0 ? null : inputs;
    }

    /// <summary>What a button click and a message shortcut have in common: who, where, and the delivery.</summary>
    private static ChatRequest ActionRequest(JsonElement root, JsonElement? user, JsonElement? message, string teamId, string channelId, string userId, string? actionTs) => new()
    {
        Platform = Platform,
        TenantId = teamId,
        TenantName = root.Object("team").String("domain"),
        ChannelId = channelId,
        ChannelName = root.Object("channel").String("name"),
        ThreadId = message.Required("thread_ts"),
        UserId = userId,
        UserName = user.Required("username") ?? user.Required("name"),
        // Two clicks are two deliveries (each has its own action_ts); a retried payload is the same one.
        DeliveryId = actionTs is null ? null : $"act:{actionTs}:{userId}",
    };

    private static SlackInteraction MessageAction(JsonElement root)
    {
        var user = root.Object("user");
        var message = root.Object("message");
        var userId = user.Required("id");
        var teamId = root.Object("team").Required("id") ?? user.Required("team_id");
        var channelId = root.Object("channel").Required("id");
        var callbackId = root.Required("callback_id");
        var messageTs = root.Required("message_ts") ?? message.Required("ts");
        if (userId is null || teamId is null || channelId is null || callbackId is null || messageTs is null)
        {
            return new SlackInteraction.Invalid("message_action needs user.id, a team id, channel.id, callback_id and the message ts.");
        }

        var actionTs = root.Required("action_ts");
        var request = ActionRequest(root, user, message, teamId, channelId, userId, actionTs) with
        {
            ActionId = MessageShortcuts.GetValueOrDefault(callbackId, callbackId),
            ActionValue = message.String("text") ?? "",
            SourceLink = Permalink(root.Object("team").String("domain"), channelId, messageTs, message.Required("thread_ts")),
        };
        return new SlackInteraction.MessageShortcut(
            request,
            root.Required("response_url"),
            messageTs,
            request.ThreadId,
            root.Required("trigger_id"));
    }

    /// <summary>
    /// A link to a message, in the form <c>chat.getPermalink</c> answers with
    /// (<c>https://&lt;domain&gt;.slack.com/archives/&lt;channel&gt;/p&lt;ts without its dot&gt;</c>, and for a reply in a
    /// thread <c>?thread_ts=&lt;thread ts&gt;&amp;cid=&lt;channel&gt;</c>): built from the payload, so the 3 seconds to answer
    /// are not spent on a Web API call. Null without the workspace's domain, or with ids that are not Slack's.
    /// </summary>
    public static string? Permalink(string? domain, string channelId, string messageTs, string? threadTs)
    {
        if (string.IsNullOrEmpty(domain) || !domain.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            || !channelId.All(char.IsAsciiLetterOrDigit) || !IsTs(messageTs) || (threadTs is not null && !IsTs(threadTs)))
        {
            return null;
        }

        var link = $"https://{domain.ToLowerInvariant()}.slack.com/archives/{channelId}/p{messageTs.Replace(".", "", StringComparison.Ordinal)}";
        return threadTs is null || threadTs == messageTs ? link : $"{link}?thread_ts={threadTs}&cid={channelId}";

        static bool IsTs(string ts) => ts.Length is > 2 and < 32 && ts.Count(c => c == '.') == 1 && ts.All(c => char.IsAsciiDigit(c) || c == '.');
    }

    private static SlackInteraction ViewSubmission(JsonElement root)
    {
        var user = root.Object("user");
        var view = root.Object("view");
        var userId = user.Required("id");
        var teamId = root.Object("team").Required("id") ?? user.Required("team_id");
        var callbackId = view.Required("callback_id");
        if (userId is null || teamId is null || callbackId is null)
        {
            return new SlackInteraction.Invalid("view_submission needs user.id, a team id and view.callback_id.");
        }

        var values = new Dictionary<string, IReadOnlyDictionary<string, string?>>(StringComparer.Ordinal);
        if (view.Object("state").Object("values") is { } blocks)
        {
            foreach (var block in blocks.EnumerateObject())
            {
                if (block.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var inputs = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var input in block.Value.EnumerateObject())
                {
                    inputs[input.Name] = InputValue(input.Value);
                }

                values[block.Name] = inputs;
            }
        }

        return new SlackInteraction.ViewSubmission(
            callbackId,
            view.String("private_metadata"),
            teamId,
            userId,
            user.Required("username") ?? user.Required("name"),
            view.Required("id"),
            values,
            root.Required("trigger_id"));
    }

    /// <summary>The one value of an input element, whatever its type; null when it was left empty.</summary>
    private static string? InputValue(JsonElement input) =>
        input.String("value")
        ?? input.Object("selected_option").String("value")
        ?? input.String("selected_user")
        ?? input.String("selected_channel")
        ?? input.String("selected_conversation")
        ?? input.String("selected_date")
        ?? input.String("selected_time");
}
