using System.Net;
using System.Text;
using BakeryBot.Core.Data;
using BakeryBot.Teams.Connector;

namespace BakeryBot.Teams.Tests.Connector;

/// <summary>Answers Bot Connector calls in process (no network) and records what was asked.</summary>
internal sealed class FakeConnectorHandler(Func<int, HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public const string ServiceUrl = "http://127.0.0.1:5005/emea/";

    public List<RecordedRequest> Requests { get; } = [];

    public RecordedRequest Last => Requests[^1];

    /// <summary>Every call answered the same way.</summary>
    public static FakeConnectorHandler Answer(HttpStatusCode status, string body = "", Action<HttpResponseMessage>? headers = null) =>
        new((_, _) => Response(status, body, headers));

    public static HttpResponseMessage Response(HttpStatusCode status, string body = "", Action<HttpResponseMessage>? headers = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        headers?.Invoke(response);
        return response;
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
        return respond(Requests.Count, request);
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? ContentType, string? Body);

/// <summary>Hands out <c>token-1</c>, then <c>token-2</c> after an <see cref="Invalidate"/>, and so on.</summary>
internal sealed class FakeTokenSource(Exception? failure = null) : IBotConnectorTokenSource
{
    public int Issued { get; private set; }

    public int Invalidated { get; private set; }

    public Task<string> GetTokenAsync(CancellationToken ct)
    {
        if (failure is not null)
        {
            return Task.FromException<string>(failure);
        }

        Issued++;
        return Task.FromResult("token-" + (Invalidated + 1));
    }

    public void Invalidate() => Invalidated++;
}

/// <summary>
/// Conversations the bot has heard from: channels (tenant, conversation, service URL), and personal chats, which also
/// name their person. Personal chats the poster opens are remembered here.
/// </summary>
internal sealed class FakeDirectory(params (string Tenant, string Conversation, string ServiceUrl)[] known) : ITeamsConversationDirectory
{
    public List<(string Tenant, string User, string Conversation, string ServiceUrl)> Personal { get; } = [];

    public Task<string?> ServiceUrlAsync(string tenantId, string conversationId, CancellationToken ct) =>
        Task.FromResult<string?>(known.FirstOrDefault(k => k.Tenant == tenantId && k.Conversation == conversationId).ServiceUrl
            ?? Personal.LastOrDefault(p => p.Tenant == tenantId && p.Conversation == conversationId).ServiceUrl);

    public Task<PersonalConversation?> PersonalConversationAsync(string tenantId, IReadOnlyList<string> userIds, CancellationToken ct) =>
        Task.FromResult(Personal.Where(p => p.Tenant == tenantId && userIds.Contains(p.User)).Select(p => new PersonalConversation(p.Conversation, p.ServiceUrl)).LastOrDefault());

    public Task<string?> AnyServiceUrlAsync(string tenantId, CancellationToken ct) =>
        Task.FromResult<string?>(known.FirstOrDefault(k => k.Tenant == tenantId).ServiceUrl);

    public Task RememberPersonalConversationAsync(string tenantId, string userId, string conversationId, string serviceUrl, CancellationToken ct)
    {
        Personal.Add((tenantId, userId, conversationId, serviceUrl));
        return Task.CompletedTask;
    }
}
