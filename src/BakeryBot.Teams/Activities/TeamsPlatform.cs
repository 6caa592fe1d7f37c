namespace BakeryBot.Teams.Activities;

/// <summary>Constants of the Teams adapter.</summary>
public static class TeamsPlatform
{
    /// <summary>The adapter key stored with tenants, identities and posted cards.</summary>
    public const string Platform = "teams";

    /// <summary>Bot Framework: the <c>channelId</c> of activities that come from Teams.</summary>
    public const string ChannelId = "msteams";

    /// <summary>Teams: "The bot's id is formatted as 28:&lt;MicrosoftAppId&gt;" (protocols.md §11).</summary>
    public const string BotIdPrefix = "28:";
}
