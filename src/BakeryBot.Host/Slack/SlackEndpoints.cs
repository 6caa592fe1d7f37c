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
    SlackHomeTab homeTab,
    IHostApplicationLifetime lifetime,
    ILogger<SlackEndpoints> logger)
{
    private const string Json = "application/json; charset=utf-8";

    /// <summary>How long views.open may take: the interaction is still to be answered within Slack's 3 s.</summary>
    private static readonly TimeSpan OpenFormTimeout = TimeSpan.FromSeconds(2);

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
        if (reply?.Form is { } modal && command.TriggerId is { } trigger)
        {
            if (await OpenFormAsync(trigger, modal, new SlackFormOrigin(command.Request.ChannelId, command.Request.ThreadId)))
            {
                // Slack: an empty 200 acknowledges the command and shows nothing; the modal is the answer.
                return Results.Ok();
            }

            reply = ChatReply.Warning($"The form could not be opened here. {reply.Text}");
        }

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
                await RunAndReplyPrivatelyAsync(action.Request, action.ResponseUrl, action.TriggerId);
                return Results.Ok();
            case SlackInteraction.HomeAction home:
                // A button in the Home tab: no channel or response URL; the tab is published again instead.
                await homeTab.ClickAsync(home.Request);
                return Results.Ok();
            case SlackInteraction.MessageShortcut shortcut:
                await RunAndReplyPrivatelyAsync(shortcut.Request, shortcut.ResponseUrl, shortcut.TriggerId);
                return Results.Ok();
            case SlackInteraction.ViewSubmission submission:
                return await SubmitFormAsync(submission);
            case SlackInteraction.Invalid invalid:
                return Results.BadRequest(invalid.Message);
            default:
                // Slack: every payload is acknowledged with 200, even those we do nothing with.
                return Results.Ok();
        }
    }

    /// <summary>
    /// A button's answer to its clicker (a warning, or a second click's "already done") goes to the response URL;
    /// a form it answers with opens as a modal.
    /// </summary>
    private async Task RunAndReplyPrivatelyAsync(ChatRequest request, string? responseUrl, string? triggerId)
    {
        var reply = await AnswerInTimeAsync(request, responseUrl);
        if (reply?.Form is { } form && triggerId is not null)
        {
            if (await OpenFormAsync(triggerId, form, new SlackFormOrigin(request.ChannelId, request.ThreadId)))
            {
                return;
            }

            reply = ChatReply.Warning($"The form could not be opened here. {reply.Text}");
        }

        if (reply is { Kind: not ReplyKind.None } && responseUrl is not null)
        {
            _ = PostToResponseUrlAsync(responseUrl, reply);
        }
    }

    /// <summary>
    /// A submitted modal: refused values go back into the modal under their fields (nothing was changed);
    /// otherwise the modal closes and the answer follows as a message only its author sees, since a
    /// submission has no response URL.
    /// </summary>
    private async Task<IResult> SubmitFormAsync(SlackInteraction.ViewSubmission submission)
    {
        if (SlackPayloadMapper.FromViewSubmission(submission) is not var (request, origin))
        {
            logger.LogWarning("Refused a view submission whose private_metadata names no channel");
            return Results.BadRequest("Not a form of this bot: its private_metadata names no channel.");
        }

        var work = router.HandleAsync(request, CancellationToken.None);
        ChatReply reply;
        try
        {
            reply = await work.WaitAsync(budget.Value);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("The form {Form} took longer than {Budget}; closing it and answering in the conversation", request.FormId, budget.Value);
            _ = work.ContinueWith(t => TellPrivatelyAsync(request, t.Result with { Form = null }), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default).Unwrap();
            return Results.Ok();
        }

        var body = SlackBlockKitRenderer.RenderViewSubmissionResponse(reply, origin);
        if (body.Length > 0)
        {
            return Results.Text(body, Json);
        }

        await TellPrivatelyAsync(request, reply);
        return Results.Ok();
    }

    /// <summary>
    /// Opens a form as a modal with the interaction's trigger id. Slack: the id is good for 3 s after the
    /// interaction, so this runs while answering it, and gives up soon enough to still answer in time.
    /// </summary>
    private async Task<bool> OpenFormAsync(string triggerId, Form form, SlackFormOrigin origin)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
            timeout.CancelAfter(OpenFormTimeout);
            await slackApi.OpenViewAsync(triggerId, SlackBlockKitRenderer.RenderModal(form, origin), timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SlackApiException or HttpRequestException or OperationCanceledException or ArgumentException)
        {
            logger.LogWarning("Opening the form {Form} failed: {Error}", form.CallbackId, ex is SlackApiException api ? api.Error : ex.GetType().Name);
            return false;
        }
    }

    /// <summary>An answer only its author sees, in the conversation the form was opened from (through the outbox).</summary>
    private async Task TellPrivatelyAsync(ChatRequest request, ChatReply reply)
    {
        try
        {
            if (!await router.PostPrivateAsync(request, reply, CancellationToken.None))
            {
                // A secret is sent once and never stored.
                var attachments = reply.Cards.Count == 0 ? null : SlackBlockKitRenderer.RenderAttachments(reply.Cards);
                await slackApi.PostEphemeralAsync(request.ChannelId, request.UserId, SlackBlockKitRenderer.ReplyText(reply), attachments, lifetime.ApplicationStopping);
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning("The answer to a submitted form could not be sent: {Error}", ex is SlackApiException api ? api.Error : ex.GetType().Name);
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
