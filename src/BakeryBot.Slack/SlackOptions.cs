namespace BakeryBot.Slack;

/// <summary>
/// The <c>Slack</c> configuration section. A class rather than a record so that the secrets never show up
/// in a generated <c>ToString()</c> (a record would print them).
/// </summary>
public sealed class SlackOptions
{
    public const string SectionName = "Slack";

    public const string DefaultApiBaseUrl = "https://slack.com/api/";

    /// <summary>Verifies inbound requests; Slack is off while it is empty.</summary>
    public string SigningSecret { get; set; } = "";

    /// <summary>The <c>xoxb-…</c> token for the Web API.</summary>
    public string BotToken { get; set; } = "";

    /// <summary>Web API base; tests point it at a fake.</summary>
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>The <c>xapp-…</c> token for Socket Mode (instead of public HTTP endpoints).</summary>
    public string AppToken { get; set; } = "";

    public bool IsEnabled => !string.IsNullOrEmpty(SigningSecret);

    public override string ToString() =>
        $"SlackOptions {{ ApiBaseUrl = {ApiBaseUrl}, SigningSecret = {Mask(SigningSecret)}, BotToken = {Mask(BotToken)}, AppToken = {Mask(AppToken)} }}";

    private static string Mask(string secret) => secret.Length == 0 ? "(empty)" : "(set)";
}
