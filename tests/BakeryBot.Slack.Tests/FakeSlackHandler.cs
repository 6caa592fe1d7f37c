using System.Net;
using System.Text;

namespace BakeryBot.Slack.Tests;

/// <summary>Answers HTTP calls in process (no network) and records what was asked.</summary>
internal sealed class FakeSlackHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    public const string Token = "xoxb-test-token-4f2a";

    public List<RecordedRequest> Requests { get; } = [];

    public RecordedRequest Last => Requests[^1];

    public static FakeSlackHandler Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new((_, _) => Task.FromResult(Response(json, status)));

    public static HttpResponseMessage Response(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    public (HttpClient Http, SlackWebApiClient Client) Create(string baseAddress = "https://slack.test/api/")
    {
        var http = new HttpClient(this) { BaseAddress = new Uri(baseAddress) };
        return (http, new SlackWebApiClient(http, Token));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization?.ToString(),
            request.Content?.Headers.ContentType?.ToString(),
            body));
        return await respond(request, cancellationToken);
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, string? Body);
