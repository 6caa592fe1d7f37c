using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BakeryBot.Load.Running;

namespace BakeryBot.Load.Workload;

/// <summary>Slack deliveries in the shapes of ../shared/fixtures/slack, signed as Slack signs them (protocols.md §1).</summary>
public sealed class SlackPayloads(string signingSecret, string responseUrl)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(signingSecret);

    /// <summary>A slash command's form body. <paramref name="trigger"/> must be unique: it is the delivery's id.</summary>
    public static string Command(string team, string channel, string user, string command, string text, string trigger, string responseUrl) =>
        Form(
            ("token", "deprecated"),
            ("team_id", team),
            ("team_domain", "bakery"),
            ("channel_id", channel),
            ("channel_name", "incidents"),
            ("user_id", user),
            ("user_name", user.ToLowerInvariant()),
            ("command", command),
            ("text", text),
            ("api_app_id", "A0BAKERY"),
            ("response_url", responseUrl),
            ("trigger_id", trigger));

    public string Command(string team, string channel, string user, string command, string text, string trigger) =>
        Command(team, channel, user, command, text, trigger, responseUrl);

    /// <summary>A block_actions click on a card's button (Slack: one form field, <c>payload</c>, holding JSON).</summary>
    public string ButtonClick(string team, string channel, string user, string actionId, string value, string messageTs, string actionTs, string trigger)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user, ["username"] = user.ToLowerInvariant(), ["team_id"] = team },
            ["api_app_id"] = "A0BAKERY",
            ["token"] = "deprecated",
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = messageTs, ["channel_id"] = channel, ["is_ephemeral"] = false },
            ["trigger_id"] = trigger,
            ["team"] = new JsonObject { ["id"] = team, ["domain"] = "bakery" },
            ["channel"] = new JsonObject { ["id"] = channel, ["name"] = "changes" },
            ["response_url"] = responseUrl,
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = actionId,
                ["block_id"] = "actions-0",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Approve" },
                ["value"] = value,
                ["type"] = "button",
                ["action_ts"] = actionTs,
            }),
        };
        return Form(("payload", payload.ToJsonString()));
    }

    /// <summary>The request Slack would send: the body, its timestamp and its v0 signature.</summary>
    public LoadRequest Signed(string path, string body, long timestamp)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var stamp = timestamp.ToString(CultureInfo.InvariantCulture);
        return new LoadRequest(path, bytes, "application/x-www-form-urlencoded", [
            new("X-Slack-Request-Timestamp", stamp),
            new("X-Slack-Signature", Signature(stamp, bytes)),
        ]);
    }

    /// <summary><c>v0=</c> and the hex HMAC-SHA256 of <c>v0:&lt;timestamp&gt;:&lt;body&gt;</c>.</summary>
    public string Signature(string timestamp, byte[] body)
    {
        var basestring = new byte[3 + timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes("v0:" + timestamp + ":").CopyTo(basestring, 0);
        body.CopyTo(basestring, 3 + timestamp.Length + 1);
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(_key, basestring));
    }

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string Form(params (string Key, string Value)[] fields) =>
        string.Join('&', fields.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));
}
