namespace BakeryBot.Teams;

/// <summary>
/// The <c>Teams</c> configuration section. A class rather than a record so that the password never
/// shows up in a generated <c>ToString()</c>.
/// </summary>
public sealed class TeamsOptions
{
    public const string SectionName = "Teams";

    public const string DefaultOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>Bot Framework: the issuer of the tokens the Bot Connector sends to bots.</summary>
    public const string BotFrameworkIssuer = "https://api.botframework.com";

    /// <summary>Bot Framework: the scope of the token a bot sends to the Bot Connector.</summary>
    public const string BotConnectorScope = "https://api.botframework.com/.default";

    /// <summary>The bot's Microsoft App ID (a GUID); Teams is off while it is empty.</summary>
    public string AppId { get; set; } = "";

    /// <summary>The bot's client secret.</summary>
    public string AppPassword { get; set; } = "";

    /// <summary>The bot's own Entra tenant (single-tenant bots, which is all new registrations).</summary>
    public string TenantId { get; set; } = "";

    /// <summary>Where the keys that sign inbound activities are published.</summary>
    public string OpenIdMetadataUrl { get; set; } = DefaultOpenIdMetadataUrl;

    /// <summary>The client-credentials token endpoint; empty means derived from <see cref="TenantId"/>.</summary>
    public string TokenEndpoint { get; set; } = "";

    public bool IsEnabled => !string.IsNullOrEmpty(AppId);

    /// <summary>
    /// The token endpoint in use: the configured one, or the bot's tenant's
    /// (<c>botframework.com</c> for legacy multi-tenant bots with no tenant configured).
    /// </summary>
    public string EffectiveTokenEndpoint => !string.IsNullOrEmpty(TokenEndpoint)
        ? TokenEndpoint
        : $"https://login.microsoftonline.com/{(string.IsNullOrEmpty(TenantId) ? "botframework.com" : TenantId)}/oauth2/v2.0/token";

    public override string ToString() =>
        $"TeamsOptions {{ AppId = {AppId}, AppPassword = {(AppPassword.Length == 0 ? "(empty)" : "(set)")}, TenantId = {TenantId}, OpenIdMetadataUrl = {OpenIdMetadataUrl}, TokenEndpoint = {EffectiveTokenEndpoint} }}";
}
