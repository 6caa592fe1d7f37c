using System.Text.Json.Nodes;

namespace BakeryBot.Host.Tests.Infrastructure;

/// <summary>Slack payloads in the shapes of ../shared/fixtures/slack.</summary>
public static class Payloads
{
    /// <summary>A block_actions form body for a button click on a card.</summary>
    public static string ButtonClick(FakeSlack slack, string actionId, string value, string messageTs, string user = "U0ALICE", string channel = "C0INCIDENTS", IReadOnlyDictionary<string, string>? inputs = null)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["team_id"] = BotFactory.Team },
            ["api_app_id"] = "A0BAKERY",
            ["token"] = "deprecated",
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = messageTs, ["channel_id"] = channel, ["is_ephemeral"] = false },
            ["trigger_id"] = $"{Random.Shared.NextInt64()}.1.abc",
            ["team"] = new JsonObject { ["id"] = BotFactory.Team, ["domain"] = "bakery" },
            ["channel"] = new JsonObject { ["id"] = channel, ["name"] = "incidents" },
            ["response_url"] = slack.ResponseUrl("click"),
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = actionId,
                ["block_id"] = "actions-0",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Acknowledge" },
                ["value"] = value,
                ["type"] = "button",
                ["action_ts"] = $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0:F6}{Random.Shared.Next(1000)}",
            }),
        };
        if (inputs is not null)
        {
            // Slack: what was typed into the message's input blocks, by block id and action id.
            var values = new JsonObject();
            foreach (var (id, text) in inputs)
            {
                values[id] = new JsonObject { [id] = new JsonObject { ["type"] = "plain_text_input", ["value"] = text } };
            }

            payload["state"] = new JsonObject { ["values"] = values };
        }

        return BotFactory.Form(new() { ["payload"] = payload.ToJsonString() });
    }

    /// <summary>An Events API <c>app_mention</c> delivery from Alice in #incidents, addressed to <paramref name="bot"/>.</summary>
    public static JsonObject Mention(string eventId, string text, string bot, string? thread = null, string? botId = null)
    {
        var e = new JsonObject
        {
            ["type"] = "app_mention",
            ["user"] = "U0ALICE",
            ["text"] = text,
            ["ts"] = "1767226200.002300",
            ["channel"] = "C0INCIDENTS",
            ["event_ts"] = "1767226200.002300",
        };
        if (thread is not null)
        {
            e["thread_ts"] = thread;
        }

        if (botId is not null)
        {
            e["bot_id"] = botId;
        }

        return new JsonObject
        {
            ["token"] = "deprecated",
            ["team_id"] = BotFactory.Team,
            ["api_app_id"] = "A0BAKERY",
            ["event"] = e,
            ["type"] = "event_callback",
            ["event_id"] = eventId,
            ["event_time"] = 1767226200,
            ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = BotFactory.Team, ["user_id"] = bot, ["is_bot"] = true }),
        };
    }
}

/// <summary>Clicks in the app's Home tab, as Slack sends them.</summary>
public static class SlackHome
{
    /// <summary>
    /// A block_actions form body for a click on the button <paramref name="actionId"/> with <paramref name="value"/>
    /// in a published Home tab <paramref name="view"/> (as the fake recorded it): a view container, the view
    /// with what was typed into its inputs by block id, no channel and no response URL.
    /// </summary>
    public static string Click(JsonObject view, string actionId, string value, string user = "U0ALICE", IReadOnlyDictionary<string, string>? typed = null)
    {
        var block = view["blocks"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "actions"
            && b["elements"]!.AsArray().Any(e => e!["action_id"]!.GetValue<string>() == actionId && e["value"]?.GetValue<string>() == value))!;
        var state = new JsonObject();
        foreach (var input in view["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "input"))
        {
            var blockId = input!["block_id"]!.GetValue<string>();
            var text = typed?.GetValueOrDefault(blockId);
            state[blockId] = new JsonObject { [input["element"]!["action_id"]!.GetValue<string>()] = new JsonObject { ["type"] = "plain_text_input", ["value"] = text } };
        }

        var shown = view.DeepClone().AsObject();
        shown["id"] ??= "VHOME" + user;
        shown["state"] = new JsonObject { ["values"] = state };
        shown["hash"] = "1767226100.aB3dE5fG";
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["name"] = user.ToLowerInvariant(), ["team_id"] = BotFactory.Team },
            ["api_app_id"] = "A0BAKERY",
            ["token"] = "deprecated",
            ["container"] = new JsonObject { ["type"] = "view", ["view_id"] = shown["id"]!.GetValue<string>() },
            ["trigger_id"] = $"{Random.Shared.NextInt64()}.1.abc",
            ["team"] = new JsonObject { ["id"] = BotFactory.Team, ["domain"] = "bakery" },
            ["view"] = shown,
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = block["elements"]!.AsArray().First(e => e!["action_id"]!.GetValue<string>() == actionId && e["value"]?.GetValue<string>() == value)!["action_id"]!.GetValue<string>(),
                ["block_id"] = block["block_id"]!.GetValue<string>(),
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = actionId },
                ["value"] = value,
                ["type"] = "button",
                ["action_ts"] = $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0:F6}{Random.Shared.Next(1000)}",
            }),
        };
        return BotFactory.Form(new() { ["payload"] = payload.ToJsonString() });
    }
}

public static class SlackForms
{
    /// <summary>
    /// A view_submission form body for a modal the bot opened (as the fake recorded it): the view's own
    /// callback_id and private_metadata, with <paramref name="values"/> typed or chosen into its inputs by
    /// block id (a null value is an input left empty).
    /// </summary>
    public static string Submit(JsonObject view, IReadOnlyDictionary<string, string?> values, string user = "U0ALICE")
    {
        var submitted = view.DeepClone().AsObject();
        var state = new JsonObject();
        foreach (var block in view["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "input"))
        {
            var blockId = block!["block_id"]!.GetValue<string>();
            var element = block["element"]!;
            var actionId = element["action_id"]!.GetValue<string>();
            var type = element["type"]!.GetValue<string>();
            var value = values.TryGetValue(blockId, out var given) ? given : element["initial_value"]?.GetValue<string>() ?? element["initial_option"]?["value"]?.GetValue<string>();
            state[blockId] = new JsonObject
            {
                [actionId] = type == "static_select"
                    ? new JsonObject { ["type"] = type, ["selected_option"] = value is null ? null : new JsonObject { ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = value }, ["value"] = value } }
                    : new JsonObject { ["type"] = type, ["value"] = value },
            };
        }

        submitted["id"] ??= "V0FORM0001";
        submitted["state"] = new JsonObject { ["values"] = state };
        submitted["hash"] = "1767226100.aB3dE5fG";
        var payload = new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = BotFactory.Team, ["domain"] = "bakery" },
            ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["name"] = user.ToLowerInvariant(), ["team_id"] = BotFactory.Team },
            ["api_app_id"] = "A0BAKERY",
            ["token"] = "deprecated",
            ["trigger_id"] = $"{Random.Shared.NextInt64()}.1.abc",
            ["view"] = submitted,
            ["response_urls"] = new JsonArray(),
        };
        return BotFactory.Form(new() { ["payload"] = payload.ToJsonString() });
    }
}

/// <summary>Polls for something a background task does.</summary>
public static class Eventually
{
    public static async Task<T> SingleAsync<T>(Func<IEnumerable<T>> source, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var items = source().ToList();
            if (items.Count > 0 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(items);
            }

            await Task.Delay(25);
        }
    }
}
