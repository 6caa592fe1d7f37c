using System.Net;

namespace BakeryBot.Teams.Auth;

/// <summary>
/// Which URLs may receive a secret or serve signing keys: HTTPS anywhere, plain HTTP only on loopback
/// (the local fakes in tests). Bot Framework: metadata and the token endpoint are HTTPS-only in production.
/// </summary>
internal static class TrustedEndpoint
{
    /// <summary>127.0.0.0/8, ::1 or <c>localhost</c>.</summary>
    public static bool IsLoopback(Uri uri) =>
        string.Equals(uri.DnsSafeHost, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Parses <paramref name="url"/>; null problem means it is usable.</summary>
    public static Uri? Parse(string? url, out string? problem)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            problem = "not an absolute http(s) URL";
            return null;
        }

        problem = uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri) ? "plain http is only allowed on loopback" : null;
        return problem is null ? uri : null;
    }
}
