using System.Net;

namespace BakeryBot.Slack;

/// <summary>
/// A Web API call that Slack refused (<c>ok:false</c>) or answered with an unexpected status. The message names
/// the method and Slack's error code only: never the token, the body or a response URL.
/// </summary>
public class SlackApiException : Exception
{
    /// <summary>The response could not be read as Slack's JSON envelope.</summary>
    public const string InvalidResponse = "invalid_response";

    public SlackApiException(string method, string error)
        : base($"Slack {method} failed: {error}")
    {
        Method = method;
        Error = error;
    }

    /// <summary>The Web API method, e.g. <c>chat.postMessage</c>, or <c>response_url</c>.</summary>
    public string Method { get; }

    /// <summary>Slack's error code (<c>channel_not_found</c>), or <c>http_&lt;status&gt;</c>.</summary>
    public string Error { get; }
}

/// <summary>Slack: HTTP 429 (or <c>ok:false, error:"ratelimited"</c>); not acted on, try again after <see cref="RetryAfter"/>.</summary>
public sealed class SlackRateLimitedException(string method, TimeSpan retryAfter) : SlackApiException(method, "ratelimited")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>An HTTP 5xx from Slack: it may or may not have acted on the call.</summary>
public sealed class SlackServerException(string method, HttpStatusCode statusCode)
    : SlackApiException(method, "http_" + ((int)statusCode).ToString(System.Globalization.CultureInfo.InvariantCulture))
{
    public HttpStatusCode StatusCode { get; } = statusCode;
}
