namespace BakeryBot.Core.Integrations;

/// <summary>The <c>PublicUrl</c> key (product.md §2): where people and platforms reach the bot.</summary>
public sealed class PublicUrlOptions
{
    public const string Default = "http://localhost:5080";

    public string PublicUrl { get; set; } = Default;

    /// <summary>The URL of a webhook: <c>&lt;PublicUrl&gt;/hooks/&lt;kind&gt;/&lt;hookId&gt;</c> (product.md §3).</summary>
    public string HookUrl(string kind, string hookId) => $"{Base}/hooks/{kind}/{hookId}";

    /// <summary>A person's change calendar link: <c>&lt;PublicUrl&gt;/calendar/changes.ics?token=&lt;token&gt;</c>.</summary>
    public string CalendarUrl(string token) => $"{Base}/calendar/changes.ics?token={Uri.EscapeDataString(token)}";

    /// <summary>A time export link: <c>&lt;PublicUrl&gt;/export/time.csv?token=&lt;token&gt;</c>.</summary>
    public string TimeExportUrl(string token) => $"{Base}/export/time.csv?token={Uri.EscapeDataString(token)}";

    private string Base => (string.IsNullOrWhiteSpace(PublicUrl) ? Default : PublicUrl.Trim()).TrimEnd('/');
}

/// <summary>The <c>Alerts</c> section: how Alertmanager alerts become incidents.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>The severity of an alert whose <c>severity</c> label is missing or unknown.</summary>
    public int DefaultSeverity { get; set; } = Chat.Severity.Default;

    /// <summary>
    /// The <c>severity</c> label's values and the incident severities they open (product.md §7:
    /// critical → sev1, warning → sev3). Configured entries add to these or replace them.
    /// </summary>
    public Dictionary<string, int> SeverityMap { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["critical"] = 1,
        ["error"] = 2,
        ["warning"] = 3,
        ["info"] = 4,
    };

    /// <summary>The incident severity for an alert's <c>severity</c> label.</summary>
    public int SeverityFor(string? label)
    {
        var fallback = DefaultSeverity is >= 1 and <= 4 ? DefaultSeverity : Chat.Severity.Default;
        if (string.IsNullOrWhiteSpace(label))
        {
            return fallback;
        }

        var value = label.Trim();
        // The binder may have replaced the dictionary with one that compares case-sensitively.
        foreach (var (key, severity) in SeverityMap)
        {
            if (string.Equals(key, value, StringComparison.OrdinalIgnoreCase) && severity is >= 1 and <= 4)
            {
                return severity;
            }
        }

        // Teams that already label in incident terms (sev1, 2) are understood as written.
        return Chat.Severity.TryParse(value, out var parsed) ? parsed : fallback;
    }
}
