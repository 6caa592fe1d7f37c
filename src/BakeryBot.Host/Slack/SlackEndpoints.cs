using System.Text;
using BakeryBot.Core.Chat;
using BakeryBot.Slack;

namespace BakeryBot.Host.Slack;

/// <summary>
/// <c>POST /slack/commands</c> and <c>POST /slack/interactions</c>: verify the signature over the raw
/// bytes, map to the neutral request, run it through the router, answer within Slack's 3 seconds.
/// </summary>
public sealed class SlackEndpoints(
    CommandRouter router,
    SlackSignatureVerifier verifier,
    SlackReplayGuard replays,
    SlackAnswerBudget budget,
    SlackWebApiClient slackApi,
    IHostApplicationLifetime lifetime,
    ILogger<SlackEndpoints> logger)
{
    private const string Json = "application/json; charset=utf-8";

    public async Task<IResult> CommandAsync(HttpRequest request)
    {
        var (body, refusal) = await VerifiedBodyAsync(request);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = SlackPayloadMapper.ParseForm(Encoding.UTF8.GetString(body!));
        if (SlackPayloadMapper.IsSslCheck(form))
        {
            return Results.Ok();
        }

        if (SlackPayloadMapper.FromSlashCommand(form) is not { } command)
        {
            return Results.BadRequest("Not a slash command: team_id, channel_id, user_id and command are required.");
        }

        var reply = await AnswerInTimeAsync(command.Request, command.ResponseUrl);
        return reply is null
            ? Results.Text("""{"response_type":"ephemeral","text":"Working on it…"}""", Json)
            : Results.Text(SlackBlockKitRenderer.RenderCommandResponse(reply), Json);
    }

    public async Task<IResult> InteractionAsync(HttpRequest request)
    {
        var (body, refusal) = await VerifiedBodyAsync(request);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = SlackPayloadMapper.ParseForm(Encoding.UTF8.GetString(body!));
        var interaction = SlackPayloadMapper.FromInteraction(form.GetValueOrDefault("payload"));
        switch (interaction)
        {
            case SlackInteraction.BlockAction action:
                await RunAndReplyPrivatelyAsync(action.Request, action.ResponseUrl);
                return Results.Ok();
            case SlackInteraction.MessageShortcut shortcut:
                await RunAndReplyPrivatelyAsync(shortcut.Request, shortcut.ResponseUrl);
                return Results.Ok();
            case SlackInteraction.Invalid invalid:
                return Results.BadRequest(invalid.Message);
            default:
                // Slack: every payload is acknowledged with 200, even those we do nothing with.
                return Results.Ok();
        }
    }

    /// <summary>A button's answer to its clicker (a warning, or a second click's "already done") goes to the response URL.</summary>
    private async Task RunAndReplyPrivatelyAsync(ChatRequest request, string? responseUrl)
    {
        var reply = await AnswerInTimeAsync(request, responseUrl);
        if (reply is { Kind: not ReplyKind.None } && responseUrl is not null)
        {
            _ = PostToResponseUrlAsync(responseUrl, reply);
        }
    }

    /// <summary>
    /// Runs the request; when it takes longer than the answer budget the HTTP answer goes without it
    /// and the reply follows through the response URL. The work itself is never abandoned.
    /// </summary>
    private async Task<ChatReply?> AnswerInTimeAsync(ChatRequest request, string? responseUrl)
    {
        // Not cancelled by shutdown: what was accepted completes (the host waits for it).
        var work = router.HandleAsync(request, CancellationToken.None);
        try
        {
            return await work.WaitAsync(budget.Value);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("{Command} {Action} took longer than {Budget}; answering through the response URL", request.Command, request.ActionId, budget.Value);
            if (responseUrl is not null)
            {
                _ = work.ContinueWith(t => PostToResponseUrlAsync(responseUrl, t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default).Unwrap();
            }

            return null;
        }
    }

    private async Task PostToResponseUrlAsync(string responseUrl, ChatReply reply)
    {
        if (reply.Kind == ReplyKind.None)
        {
            return;
        }

        try
        {
            await slackApi.PostToResponseUrlAsync(responseUrl, SlackBlockKitRenderer.RenderResponseUrlBody(reply), lifetime.ApplicationStopping);
        }
        catch (Exception ex) when (ex is SlackApiException or HttpRequestException or TaskCanceledException or ArgumentException)
        {
            // The URL itself is a credential: it is not logged.
            logger.LogWarning("Posting a reply to the response URL failed: {Error}", ex is SlackApiException api ? api.Error : ex.GetType().Name);
        }
    }

    /// <summary>The raw body when the request is signed by Slack; otherwise the refusal to send.</summary>
    private async Task<(byte[]? Body, IResult? Refusal)> VerifiedBodyAsync(HttpRequest request)
    {
        var body = await RawBody.ReadAsync(request, request.HttpContext.RequestAborted);
        if (body is null)
        {
            return (null, Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
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
        app.MapPost("/slack/commands", slack.CommandAsync);
        app.MapPost("/slack/interactions", slack.InteractionAsync);
    }
}
