using System.Text.Json;
using BakeryBot.Core.Chat;
using BakeryBot.Slack;

namespace BakeryBot.Host.Slack;

/// <summary>
/// What answers a Slack delivery: the HTTP status and, where there is one, the JSON body. Over HTTP it is
/// the response; in Socket Mode the JSON goes back as the envelope's acknowledgement payload.
/// </summary>
/// <param name="NoRetry">Slack: a deliberate non-2xx to an event carries <c>X-Slack-No-Retry: 1</c>.</param>
public sealed record SlackAck(int StatusCode, string? Json = null, string? Message = null, bool NoRetry = false)
{
    public static readonly SlackAck Empty = new(StatusCodes.Status200OK);

    public static SlackAck Body(string json) => new(StatusCodes.Status200OK, json);

    public static SlackAck Refused(string message, bool noRetry = false) => new(StatusCodes.Status400BadRequest, Message: message, NoRetry: noRetry);
}

/// <summary>
/// Handles Slack's slash commands, interactions and events once they are known to come from Slack (a verified
/// signature over HTTP, or the app's own Socket Mode connection): maps them to the neutral request, runs it
/// through the router, and answers within Slack's 3 seconds. The same code serves both transports.
/// </summary>
public sealed class SlackInbound(
    CommandRouter router,
    SlackAnswerBudget budget,
    SlackWebApiClient slackApi,
    SlackEventGuard events,
    SlackHomeTab homeTab,
    IHostApplicationLifetime lifetime,
    ILogger<SlackInbound> logger)
{
    /// <summary>How long views.open may take: the interaction is still to be answered within Slack's 3 s.</summary>
    private static readonly TimeSpan OpenFormTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A slash command's form fields.</summary>
    public async Task<SlackAck> CommandAsync(IReadOnlyDictionary<string, string> form)
    {
        if (SlackPayloadMapper.IsSslCheck(form))
        {
            return SlackAck.Empty;
        }

        if (SlackPayloadMapper.FromSlashCommand(form) is not { } command)
        {
            return SlackAck.Refused("Not a slash command: team_id, channel_id, user_id and command are required.");
        }

        var reply = await AnswerInTimeAsync(command.Request, command.ResponseUrl);
        if (reply?.Form is { } modal && command.TriggerId is { } trigger)
        {
            if (await OpenFormAsync(trigger, modal, new SlackFormOrigin(command.Request.ChannelId, command.Request.ThreadId)))
            {
                // Slack: an empty 200 acknowledges the command and shows nothing; the modal is the answer.
                return SlackAck.Empty;
            }

            reply = ChatReply.Warning($"The form could not be opened here. {reply.Text}");
        }

        return SlackAck.Body(reply is null
            ? """{"response_type":"ephemeral","text":"Working on it…"}"""
            : SlackBlockKitRenderer.RenderCommandResponse(reply));
    }

    /// <summary>An interactivity payload's JSON (over HTTP, the form field <c>payload</c>).</summary>
    public async Task<SlackAck> InteractionAsync(string? payloadJson)
    {
        var interaction = SlackPayloadMapper.FromInteraction(payloadJson);
        switch (interaction)
        {
            case SlackInteraction.BlockAction action:
                await RunAndReplyPrivatelyAsync(action.Request, action.ResponseUrl, action.TriggerId);
                return SlackAck.Empty;
            case SlackInteraction.HomeAction home:
                // A button in the Home tab: no channel or response URL; the tab is published again instead.
                await homeTab.ClickAsync(home.Request);
                return SlackAck.Empty;
            case SlackInteraction.MessageShortcut shortcut:
                await RunAndReplyPrivatelyAsync(shortcut.Request, shortcut.ResponseUrl, shortcut.TriggerId);
                return SlackAck.Empty;
            case SlackInteraction.ViewSubmission submission:
                return await SubmitFormAsync(submission);
            case SlackInteraction.Invalid invalid:
                return SlackAck.Refused(invalid.Message);
            default:
                // Slack: every payload is acknowledged with 200, even those we do nothing with.
                return SlackAck.Empty;
        }
    }

    /// <summary>
    /// An Events API body. The handshake is answered with its challenge. An event is handled once per instance
    /// however often Slack retries it (a retry keeps its <c>event_id</c>), and what it changes is recorded
    /// under that id, so a retry reaching another instance changes nothing again. The answer to a mention is
    /// posted to its author when it is ready; the acknowledgement never waits longer than the answer budget.
    /// </summary>
    /// <param name="retry">Slack's <c>X-Slack-Retry-Num</c> and <c>X-Slack-Retry-Reason</c>, when this is a retry.</param>
    public async Task<SlackAck> EventAsync(string json, string? retry = null)
    {
        var delivery = SlackPayloadMapper.FromEvent(json);
        switch (delivery)
        {
            case SlackEvent.UrlVerification handshake:
                return SlackAck.Body(JsonSerializer.Serialize(new Dictionary<string, string> { ["challenge"] = handshake.Challenge }));
            case SlackEvent.Invalid invalid:
                logger.LogWarning("Refused an event: {Reason}", invalid.Message);
                return SlackAck.Refused(invalid.Message, noRetry: true);
            case SlackEvent.Ignored:
                return SlackAck.Empty;
        }

        var eventId = delivery switch
        {
            SlackEvent.Mention m => m.EventId,
            SlackEvent.HomeOpened h => h.EventId,
            _ => throw new InvalidOperationException($"Unexpected event {delivery.GetType().Name}"),
        };
        if (!events.FirstSight(eventId))
        {
            logger.LogInformation("Event {EventId} was handled already (retry {Retry})", eventId, retry ?? "none");
            return SlackAck.Empty;
        }

        if (delivery is SlackEvent.HomeOpened opened)
        {
            // Acknowledged at once; the tab is published when its query is done.
            _ = PublishHomeAsync(opened);
        }

        if (delivery is SlackEvent.Mention mention)
        {
            var work = AnswerMentionAsync(mention.Request);
            try
            {
                await work.WaitAsync(budget.Value);
            }
            catch (TimeoutException)
            {
                logger.LogWarning("{Command} from a mention took longer than {Budget}; acknowledging and answering when it is done", mention.Request.Command, budget.Value);
            }
        }

        return SlackAck.Empty;
    }

    private async Task PublishHomeAsync(SlackEvent.HomeOpened opened)
    {
        try
        {
            await homeTab.PublishAsync(opened.TeamId, opened.UserId, lifetime.ApplicationStopping);
        }
        catch (Exception ex) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            logger.LogError(ex, "Publishing the Home tab failed");
        }
        catch (OperationCanceledException)
        {
            // Stopping: the next opening publishes it.
        }
    }

    /// <summary>Runs a mention's command and tells its author the answer (cards the command posts go to the channel as usual).</summary>
    private async Task AnswerMentionAsync(ChatRequest request)
    {
        try
        {
            if (request.Command == Core.Home.HomeCommands.Command && request.Text.Length == 0)
            {
                // Slack's place for a person's home is the app's Home tab (a message would hold only part of it).
                await homeTab.PublishAsync(request.TenantId, request.UserId, lifetime.ApplicationStopping);
                await TellPrivatelyAsync(request, ChatReply.Private("Your home is up to date in my Home tab: click BakeryBot under Apps in the sidebar, then Home."));
                return;
            }

            // Not cancelled by shutdown: what was accepted completes (the host waits for it).
            var reply = await router.HandleAsync(request, CancellationToken.None);
            await TellPrivatelyAsync(request, reply with { Form = null });
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Answering a mention failed");
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
    private async Task<SlackAck> SubmitFormAsync(SlackInteraction.ViewSubmission submission)
    {
        if (SlackPayloadMapper.FromViewSubmission(submission) is not var (request, origin))
        {
            logger.LogWarning("Refused a view submission whose private_metadata names no channel");
            return SlackAck.Refused("Not a form of this bot: its private_metadata names no channel.");
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
            return SlackAck.Empty;
        }

        var body = SlackBlockKitRenderer.RenderViewSubmissionResponse(reply, origin);
        if (body.Length > 0)
        {
            return SlackAck.Body(body);
        }

        await TellPrivatelyAsync(request, reply);
        return SlackAck.Empty;
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
}
