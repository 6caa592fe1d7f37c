using System.Globalization;
using System.Net;

namespace BakeryBot.Teams.Connector;

/// <summary>
/// A Bot Connector call answered with a status that no retry will fix (400, 403, 404, 413 <c>MessageSizeTooBig</c>...).
/// The message carries the status and the connector's error code only: never a token, a URL or a body.
/// </summary>
public class BotConnectorException(HttpStatusCode statusCode, string errorCode, string? detail = null)
    : Exception($"The Bot Connector answered HTTP {(int)statusCode} ({errorCode}).")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>The connector's <c>error.code</c> (<c>ConversationNotFound</c>, <c>MessageSizeTooBig</c>), or <c>http_&lt;status&gt;</c>.</summary>
    public string ErrorCode { get; } = errorCode;

    /// <summary>The connector's <c>error.message</c>, shortened; kept out of <see cref="Exception.Message"/> because it is the server's text.</summary>
    public string? Detail { get; } = detail;

    internal static string HttpCode(HttpStatusCode statusCode) =>
        "http_" + ((int)statusCode).ToString(CultureInfo.InvariantCulture);
}

/// <summary>Bot Framework: HTTP 429, the call was not acted on; try again after <see cref="RetryAfter"/>.</summary>
public sealed class BotConnectorRateLimitedException(TimeSpan retryAfter)
    : BotConnectorException(HttpStatusCode.TooManyRequests, "TooManyRequests")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Teams rate-limit guidance: 412, 502, 504 (and other 5xx) are worth retrying. The connector may have acted on the
/// call before failing.
/// </summary>
public sealed class BotConnectorTransientException(HttpStatusCode statusCode)
    : BotConnectorException(statusCode, HttpCode(statusCode));

/// <summary>
/// No token could be had for the call, so nothing was sent. The inner exception is the token source's; the message
/// names only its type, as token endpoints' errors can echo request details.
/// </summary>
public sealed class BotConnectorTokenException(Exception inner)
    : Exception($"Could not get a Bot Connector token ({inner?.GetType().Name}).", inner);
