using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BakeryBot.Teams.Activities;

/// <summary>What an inbound body turned out to be.</summary>
public abstract record TeamsParseResult
{
    /// <summary>A well-formed activity with the members every activity has.</summary>
    public sealed record Valid(TeamsActivity Activity) : TeamsParseResult;

    /// <summary>Not an activity the Bot Connector would send: answer 400. The message never quotes the body.</summary>
    public sealed record Invalid(string Message) : TeamsParseResult;
}

/// <summary>
/// Reads an inbound activity body (call it after the JWT was validated). Never throws for content: bad JSON,
/// nesting deeper than <see cref="MaxDepth"/> and missing members are <see cref="TeamsParseResult.Invalid"/>.
/// </summary>
public static class TeamsActivityParser
{
    /// <summary>Activities are a few levels deep; deeper input is refused before it is walked.</summary>
    public const int MaxDepth = 64;

    public static TeamsParseResult Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    public static TeamsParseResult Parse(ReadOnlySpan<byte> utf8Json)
    {
        // Utf8JsonReader, unlike JsonDocument.Parse, does not skip a byte order mark itself.
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new TeamsParseResult.Invalid("The body is empty.");
        }

        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth });
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                return new TeamsParseResult.Invalid("The body holds more than one JSON value.");
            }

            return document.RootElement.ValueKind == JsonValueKind.Object
                ? FromRoot(document.RootElement)
                : new TeamsParseResult.Invalid("The body is not a JSON object.");
        }
        catch (JsonException e)
        {
            // The message names the position and the problem (including the depth limit), never the content.
            return new TeamsParseResult.Invalid($"The body is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // An escaped lone surrogate ("\ud800") or invalid UTF-8 inside a string value.
            return new TeamsParseResult.Invalid("The body contains invalid text.");
        }
    }

    private static TeamsParseResult FromRoot(JsonElement root)
    {
        var type = root.NonEmpty("type");
        var serviceUrl = root.NonEmpty("serviceUrl");
        var from = Account(root.Object("from"));
        var recipient = Account(root.Object("recipient"));
        var conversation = root.Object("conversation");
        var conversationId = conversation.NonEmpty("id");
        if (type is null || serviceUrl is null || from is null || recipient is null || conversationId is null)
        {
            // Bot Framework: every activity carries these (protocols.md §11, common fields).
            return new TeamsParseResult.Invalid("An activity needs type, serviceUrl, from.id, recipient.id and conversation.id.");
        }

        var activity = new TeamsActivity
        {
            Type = type,
            Id = root.NonEmpty("id"),
            Timestamp = DateTimeOffset.TryParse(root.String("timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null,
            ServiceUrl = serviceUrl,
            ChannelId = root.NonEmpty("channelId"),
            From = from,
            Conversation = new TeamsConversation(
                conversationId,
                conversation.NonEmpty("conversationType"),
                conversation.IsTrue("isGroup"),
                conversation.NonEmpty("tenantId"),
                conversation.NonEmpty("name")),
            Recipient = recipient,
            Text = root.String("text"),
            Locale = root.NonEmpty("locale"),
            ReplyToId = root.NonEmpty("replyToId"),
            Name = root.NonEmpty("name"),
            Value = root.TryGetProperty("value", out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? value.Clone() : null,
            Mentions = Mentions(root.Array("entities")),
            ChannelData = ChannelData(root.Object("channelData")),
            MembersAdded = MemberIds(root.Array("membersAdded")),
        };
        return new TeamsParseResult.Valid(activity);
    }

    private static TeamsAccount? Account(JsonElement? account) =>
        account.NonEmpty("id") is { } id ? new TeamsAccount(id, account.NonEmpty("name"), account.NonEmpty("aadObjectId")) : null;

    private static List<TeamsMention> Mentions(JsonElement? entities)
    {
        var mentions = new List<TeamsMention>();
        if (entities is not { } array)
        {
            return mentions;
        }

        foreach (var entity in array.EnumerateArray())
        {
            var mentioned = entity.Object("mentioned");
            if (entity.String("type") == "mention" && mentioned.NonEmpty("id") is { } id)
            {
                mentions.Add(new TeamsMention(id, mentioned.NonEmpty("name"), mentioned.NonEmpty("aadObjectId"), entity.NonEmpty("text")));
            }
        }

        return mentions;
    }

    private static TeamsChannelData ChannelData(JsonElement? data)
    {
        if (data is null)
        {
            return TeamsChannelData.Empty;
        }

        var team = data.Object("team");
        var channel = data.Object("channel");
        // Teams: teamsTeamId/teamsChannelId are older flat copies of team.id/channel.id; read them only as a fallback.
        return new TeamsChannelData(
            data.Object("tenant").NonEmpty("id"),
            team.NonEmpty("id") ?? data.NonEmpty("teamsTeamId"),
            team.NonEmpty("name"),
            channel.NonEmpty("id") ?? data.NonEmpty("teamsChannelId"),
            channel.NonEmpty("name"),
            data.NonEmpty("eventType"));
    }

    private static List<string> MemberIds(JsonElement? members)
    {
        var ids = new List<string>();
        if (members is { } array)
        {
            foreach (var member in array.EnumerateArray())
            {
                if (member.NonEmpty("id") is { } id)
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }
}
