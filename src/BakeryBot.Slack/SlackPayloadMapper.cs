using BakeryBot.Core.Chat;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace BakeryBot.Slack;

/// <summary>
/// Maps Slack's inbound payloads to the neutral <see cref="ChatRequest"/>. Call it only after the signature
/// has been verified. Never throws for content: a bad payload maps to null or <see cref="SlackInteraction.Invalid"/>.
/// </summary>
public static partial class SlackPayloadMapper
{
    /// <summary>The adapter key stored with tenants, identities and posted cards.</summary>
    public const string Platform = "slack";

    /// <summary>A slash command form; null (answer 400) when team, channel, user or command is missing.</summary>
    public static SlackCommand? FromSlashCommand(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return FromSlashCommand(name => form.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null);
    }

    /// <inheritdoc cref="FromSlashCommand(IFormCollection)"/>
    public static SlackCommand? FromSlashCommand(IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return FromSlashCommand(name => form.GetValueOrDefault(name));
    }

    /// <summary>
    /// Slack: with public distribution on, Slack posts <c>ssl_check=1</c> to the command URL now and then; answer
    /// 200 and do nothing else with the request.
    /// </summary>
    public static bool IsSslCheck(IReadOnlyDictionary<string, string> form) =>
        form is not null && form.TryGetValue("ssl_check", out var value) && value == "1";

    /// <inheritdoc cref="IsSslCheck(IReadOnlyDictionary{string, string})"/>
    public static bool IsSslCheck(IFormCollection form) =>
        form is not null && form.TryGetValue("ssl_check", out var values) && values.Count > 0 && values[0] == "1";

    /// <summary>Reads an <c>application/x-www-form-urlencoded</c> body; the first value wins for a repeated name.</summary>
    public static IReadOnlyDictionary<string, string> ParseForm(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(body))
        {
            return fields;
        }

        foreach (var (name, values) in QueryHelpers.ParseQuery(body))
        {
            if (values.Count > 0 && values[0] is { } first)
            {
                fields.TryAdd(name, first);
            }
        }

        return fields;
    }

    private static SlackCommand? FromSlashCommand(Func<string, string?> field)
    {
        var teamId = NonEmpty(field("team_id"));
        var channelId = NonEmpty(field("channel_id"));
        var userId = NonEmpty(field("user_id"));
        var command = CommandWord(field("command"));
        if (teamId is null || channelId is null || userId is null || command is null)
        {
            return null;
        }

        var triggerId = NonEmpty(field("trigger_id"));
        var request = new ChatRequest
        {
            Platform = Platform,
            TenantId = teamId,
            TenantName = NonEmpty(field("team_domain")),
            ChannelId = channelId,
            ChannelName = NonEmpty(field("channel_name")),
            UserId = userId,
            // Slack: user_name is deprecated but still sent; it is only a display hint.
            UserName = NonEmpty(field("user_name")),
            Command = command,
            Text = field("text") ?? "",
            // Slack: trigger_id is unique per invocation, so a retried delivery of one command keeps it.
            DeliveryId = triggerId is null ? null : "cmd:" + triggerId,
            CanOpenDialog = triggerId is not null,
        };
        return new SlackCommand(request, NonEmpty(field("response_url")), triggerId);
    }

    /// <summary><c>/Incident</c> → <c>incident</c>; null when nothing is left.</summary>
    private static string? CommandWord(string? command)
    {
        if (command is null)
        {
            return null;
        }

        var word = command.AsSpan().Trim();
        if (word.StartsWith('/'))
        {
            word = word[1..];
        }

        return word.IsEmpty ? null : word.ToString().ToLowerInvariant();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
