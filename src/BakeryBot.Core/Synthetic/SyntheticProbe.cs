using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Synthetic;

/// <summary>What one probe found: up or down, and in words what it got (<c>HTTP 200</c>, <c>HTTP 503</c>, <c>timed out</c>).</summary>
public sealed record ProbeResult(bool Up, string What);

/// <summary>
/// One HTTP GET of a check's URL through the named client <see cref="HttpClientName"/>, which follows
/// no redirects: any answer 200–399 is up (a redirect is the server answering); another status, no
/// answer within <see cref="SyntheticOptions.Timeout"/>, or a connection that fails is down. Only the
/// status is read, never the body.
/// </summary>
public sealed class SyntheticProbe(IHttpClientFactory clients, IOptions<SyntheticOptions> options)
{
    public const string HttpClientName = "synthetic-checks";

    public async Task<ProbeResult> ProbeAsync(string url, CancellationToken ct)
    {
        // A network timeout: real time, whatever clock the records use.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return new ProbeResult(code is >= 200 and < 400, $"HTTP {code}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ProbeResult(false, "timed out");
        }
        catch (HttpRequestException ex)
        {
            return new ProbeResult(false, Describe(ex));
        }
    }

    private static string Describe(HttpRequestException ex) => ex switch
    {
        { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } => "connection refused",
        { HttpRequestError: HttpRequestError.NameResolutionError } => "host not found",
        { HttpRequestError: HttpRequestError.SecureConnectionError } => "TLS failed",
        { HttpRequestError: HttpRequestError.ConnectionError } => "connection failed",
        { HttpRequestError: HttpRequestError.ResponseEnded } => "connection dropped",
        { HttpRequestError: HttpRequestError.InvalidResponse } => "invalid answer",
        _ => "request failed",
    };
}
