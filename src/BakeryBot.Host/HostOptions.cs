namespace BakeryBot.Host;

/// <summary>The <c>Playground</c> section.</summary>
public sealed class PlaygroundOptions
{
    public const string Section = "Playground";

    /// <summary>Serves the playground page; unset means "when no platform is configured".</summary>
    public bool? Enabled { get; set; }
}

/// <summary>The <c>Admin</c> section.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Bearer token for <c>/admin</c>; those endpoints answer 404 while it is unset.</summary>
    public string Token { get; set; } = "";
}
