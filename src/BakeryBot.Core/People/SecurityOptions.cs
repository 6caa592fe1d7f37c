namespace BakeryBot.Core.People;

/// <summary>The <c>Security</c> section.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Platform user ids that are admins from the start: <c>platform:tenant/user</c>.</summary>
    public List<string> Admins { get; set; } = [];

    public bool IsConfiguredAdmin(string platform, string tenantId, string userId) =>
        Admins.Any(a => string.Equals(a.Trim(), $"{platform}:{tenantId}/{userId}", StringComparison.OrdinalIgnoreCase));
}
