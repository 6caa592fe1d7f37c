using System.Net;

namespace BakeryBot.Teams.Auth;

/// <summary>
/// The bot could not get a token for the Bot Connector. The message names the token endpoint and what went wrong
/// (HTTP status, the OAuth <c>error</c> code): never the client secret, a token or the response body.
/// </summary>
public sealed class BotConnectorAuthException : Exception
{
    public BotConnectorAuthException(string endpoint, string problem, HttpStatusCode? statusCode = null, string? error = null, Exception? innerException = null)
        : base($"Bot Connector token request to {endpoint} failed: {problem}", innerException)
    {
        Endpoint = endpoint;
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>The token endpoint that was called (or would have been).</summary>
    public string Endpoint { get; }

    /// <summary>The HTTP status of the answer, if there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The OAuth 2.0 <c>error</c> code from the answer, e.g. <c>invalid_client</c>.</summary>
    public string? Error { get; }
}
