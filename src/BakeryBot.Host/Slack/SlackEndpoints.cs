using System.Text;
using BakeryBot.Core.Chat;
using BakeryBot.Slack;

namespace BakeryBot.Host.Slack;

/// <summary>
/// <c>POST /slack/commands</c>, <c>POST /slack/interactions</c> and <c>POST /slack/events</c>: verify the
/// signature over the raw bytes, then hand the body to <see cref="SlackInbound"/> (which Socket Mode shares)
/// and turn its acknowledgement into the HTTP answer.
/// </summary>
public sealed class SlackEndpoints(
    SlackInbound inbound,
    SlackSignatureVerifier verifier,
    SlackReplayGuard replays,
    ILogger<SlackEndpoints> logger)
{
    private const string Json = "application/json; charset=utf-8";

    public async Task<IResult> CommandAsync(HttpRequest request)
    {
        var (body, refusal) = await VerifiedBodyAsync(request);
        return refusal ?? ToResult(await inbound.CommandAsync(SlackPayloadMapper.ParseForm(Encoding.UTF8.GetString(body!))), request);
    }

    public async Task<IResult> InteractionAsync(HttpRequest request)
    {
        var (body, refusal) = await VerifiedBodyAsync(request);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = SlackPayloadMapper.ParseForm(Encoding.UTF8.GetString(body!));
        return ToResult(await inbound.InteractionAsync(form.GetValueOrDefault("payload")), request);
    }

    public async Task<IResult> EventAsync(HttpRequest request)
    {
        var (body, refusal) = await VerifiedBodyAsync(request);
        if (refusal is not null)
        {
            return refusal;
        }

        string? retry = request.Headers["X-Slack-Retry-Num"];
        if (retry is not null)
        {
            retry = $"{retry} ({request.Headers["X-Slack-Retry-Reason"]})";
        }

        return ToResult(await inbound.EventAsync(Encoding.UTF8.GetString(body!), retry), request);
    }

    private static IResult ToResult(SlackAck ack, HttpRequest request)
    {
        if (ack.NoRetry)
        {
            request.HttpContext.Response.Headers["X-Slack-No-Retry"] = "1";
        }

        return ack switch
        {
            { StatusCode: StatusCodes.Status200OK, Json: { } json } => Results.Text(json, Json),
            { StatusCode: StatusCodes.Status200OK } => Results.Ok(),
            { Message: { } message } => Results.Text(message, "text/plain; charset=utf-8", statusCode: ack.StatusCode),
            _ => Results.StatusCode(ack.StatusCode),
        };
    }

    /// <summary>The raw body when the request is signed by Slack; otherwise the refusal to send.</summary>
    private async Task<(byte[]? Body, IResult? Refusal)> VerifiedBodyAsync(HttpRequest request)
    {
        var body = await RawBody.ReadAsync(request, request.HttpContext.RequestAborted);
        if (body is null)
        {
            return (null, RawBody.TooLarge());
        }

        string? timestamp = request.Headers["X-Slack-Request-Timestamp"];
        string? signature = request.Headers["X-Slack-Signature"];
        var result = verifier.Verify(timestamp, signature, body);
        if (result.Status != SlackSignatureStatus.Valid)
        {
            logger.LogWarning("Refused a request to {Path}: {Reason}", request.Path, result.Reason);
            return (null, Results.Unauthorized());
        }

        if (!replays.FirstSight(timestamp!, signature!))
        {
            logger.LogWarning("Refused a replayed request to {Path}", request.Path);
            return (null, Results.Unauthorized());
        }

        return (body, null);
    }
}

/// <summary>Maps the Slack routes.</summary>
public static class SlackRoutes
{
    public static void MapSlack(this WebApplication app)
    {
        var slack = app.Services.GetRequiredService<SlackEndpoints>();
        app.MapPost("/slack/commands", slack.CommandAsync).RequireRateLimiting(Admission.Policy);
        app.MapPost("/slack/interactions", slack.InteractionAsync).RequireRateLimiting(Admission.Policy);
        app.MapPost("/slack/events", slack.EventAsync).RequireRateLimiting(Admission.Policy);
    }
}
