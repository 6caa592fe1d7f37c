using System.Text.Json.Nodes;
using BakeryBot.Core.Admin;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Teams.Activities;
using BakeryBot.Teams.Auth;
using BakeryBot.Teams.Cards;
using BakeryBot.Teams.Connector;

namespace BakeryBot.Host.Teams;

/// <summary>
/// <c>POST /api/messages</c>: checks the Bot Framework token against the activity, maps the activity to
/// the neutral request, runs it through the router, and answers the way Bot Framework expects: invoke
/// answers in the HTTP response, message replies as separate activities.
/// </summary>
public sealed class TeamsEndpoints(
    CommandRouter router,
    BotFrameworkTokenValidator validator,
    BotConnectorClient connector,
    TeamsConversationDirectory conversations,
    IHostApplicationLifetime lifetime,
    ILogger<TeamsEndpoints> logger)
{
    /// <summary>Teams: a message action must be answered within 5 s ("Unable to reach the app" otherwise).</summary>
    private static readonly TimeSpan InvokeBudget = TimeSpan.FromMilliseconds(4500);

    public async Task<IResult> MessagesAsync(HttpRequest request)
    {
        string? authorization = request.Headers.Authorization;
        if (string.IsNullOrEmpty(authorization))
        {
            return Results.Unauthorized();
        }

        var body = await RawBody.ReadAsync(request, request.HttpContext.RequestAborted);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (TeamsActivityParser.Parse(body) is not TeamsParseResult.Valid { Activity: var activity })
        {
            return Results.BadRequest("Not a Bot Framework activity.");
        }

        var check = await validator.ValidateAsync(authorization, activity.ChannelId, activity.ServiceUrl, request.HttpContext.RequestAborted);
        if (!check.IsValid)
        {
            logger.LogWarning("Refused an activity: {Reason}", check.Reason);
            return Results.Unauthorized();
        }

        var sighting = Sighting(activity);
        return activity.Type switch
        {
            "message" => await MessageAsync(activity, sighting),
            "invoke" => await InvokeAsync(activity, sighting),
            "conversationUpdate" => await ConversationUpdateAsync(activity, sighting),
            _ => Results.Ok(),
        };
    }

    private async Task<IResult> MessageAsync(TeamsActivity activity, ConversationSighting? sighting)
    {
        if (TeamsActivityMapper.FromMessage(activity) is not { } chat)
        {
            return Results.Ok();
        }

        // Stored before the answer; the reply follows as its own activity in the same thread.
        var reply = await router.HandleAsync(Enrich(chat, activity, sighting), CancellationToken.None);
        if (TeamsAdaptiveCardRenderer.RenderReply(reply) is { } message && activity.Id is { } replyTo)
        {
            _ = ReplyAsync(activity, replyTo, message);
        }

        return Results.Ok();
    }

    private async Task<IResult> InvokeAsync(TeamsActivity activity, ConversationSighting? sighting)
    {
        switch (activity.Name)
        {
            case TeamsActivityMapper.AdaptiveCardActionInvoke:
                if (TeamsActivityMapper.MapCardAction(activity) is TeamsInvokeMapping.Failed failed)
                {
                    return Invoke(TeamsAdaptiveCardRenderer.RenderInvokeError(failed.StatusCode, failed.Code, failed.Message));
                }

                var action = ((TeamsInvokeMapping.Mapped)TeamsActivityMapper.MapCardAction(activity)).Request;
                var reply = await router.HandleAsync(Enrich(action, activity, sighting), CancellationToken.None);
                return Invoke(reply switch
                {
                    // The clicker sees the card as it is now; everyone else through the outbox's update.
                    { Kind: ReplyKind.None, UpdatedCard: { } card } => TeamsAdaptiveCardRenderer.RenderInvokeCardResponse(card),
                    { Kind: ReplyKind.None } => TeamsAdaptiveCardRenderer.RenderInvokeMessageResponse("Done."),
                    _ => TeamsAdaptiveCardRenderer.RenderInvokeMessageResponse(TextOf(reply)),
                });

            case TeamsActivityMapper.SubmitActionInvoke:
                if (TeamsActivityMapper.MapMessageAction(activity) is not TeamsInvokeMapping.Mapped { Request: var shortcut })
                {
                    var problem = (TeamsInvokeMapping.Failed)TeamsActivityMapper.MapMessageAction(activity);
                    return Invoke(TeamsAdaptiveCardRenderer.RenderInvokeError(problem.StatusCode, problem.Code, problem.Message));
                }

                var work = router.HandleAsync(Enrich(shortcut, activity, sighting), CancellationToken.None);
                try
                {
                    return Invoke(TeamsAdaptiveCardRenderer.RenderMessageExtensionResponse(await work.WaitAsync(InvokeBudget)));
                }
                catch (TimeoutException)
                {
                    // The work carries on (it is not cancelled); Teams gets its answer in time.
                    return Invoke(TeamsAdaptiveCardRenderer.RenderMessageExtensionResponse(ChatReply.Private("Working on it; the result will appear in the conversation.")));
                }

            default:
                // Bot Framework: an invoke the bot does not handle is answered 501.
                return Results.StatusCode(StatusCodes.Status501NotImplemented);
        }
    }

    private async Task<IResult> ConversationUpdateAsync(TeamsActivity activity, ConversationSighting? sighting)
    {
        if (!TeamsActivityMapper.IsBotAdded(activity) || sighting is null)
        {
            return Results.Ok();
        }

        // Added to a team, channel or chat: remember where it is and introduce ourselves there.
        var welcome = new ChatRequest
        {
            Platform = TeamsPlatform.Platform,
            TenantId = sighting.TenantExternalId,
            ChannelId = sighting.ConversationId,
            UserId = activity.From.AadObjectId ?? activity.From.Id,
            UserName = activity.From.Name,
            ActionId = BakeryCommands.WelcomeAction,
            DeliveryId = activity.Id is { } id ? $"add:{id}" : null,
            Conversation = sighting,
        };
        await router.HandleAsync(welcome, CancellationToken.None);
        return Results.Ok();
    }

    private ChatRequest Enrich(ChatRequest chat, TeamsActivity activity, ConversationSighting? sighting) => chat with
    {
        Conversation = sighting,
        UserAliases = activity.From.AadObjectId is not null ? [activity.From.Id] : null,
        SourceLink = chat.SourceLink ?? LinkToMessage(activity),
    };

    private ConversationSighting? Sighting(TeamsActivity activity)
    {
        if (TeamsActivityMapper.ConversationOf(activity) is not { } reference)
        {
            return null;
        }

        conversations.Remember(reference.TenantId, reference.ConversationId, reference.ServiceUrl);
        return new ConversationSighting(TeamsPlatform.Platform, reference.TenantId, reference.ConversationId, reference.ServiceUrl, reference.ConversationType, reference.Name, reference.TeamId);
    }

    private static string? LinkToMessage(TeamsActivity activity) =>
        activity.Value is { ValueKind: System.Text.Json.JsonValueKind.Object } value
        && value.TryGetProperty("messagePayload", out var payload) && payload.ValueKind == System.Text.Json.JsonValueKind.Object
        && payload.TryGetProperty("linkToMessage", out var link) && link.ValueKind == System.Text.Json.JsonValueKind.String
            ? link.GetString()
            : null;

    private async Task ReplyAsync(TeamsActivity activity, string replyTo, JsonObject message)
    {
        try
        {
            await connector.ReplyToActivityAsync(activity.ServiceUrl, activity.Conversation.Id, replyTo, message, lifetime.ApplicationStopping);
        }
        catch (Exception ex) when (ex is BotConnectorException or BotConnectorTokenException or HttpRequestException or TaskCanceledException or ArgumentException)
        {
            logger.LogWarning("Replying in the conversation failed: {Error}", ex is BotConnectorException bc ? bc.ErrorCode : ex.GetType().Name);
        }
    }

    private static string TextOf(ChatReply reply) => reply.Kind switch
    {
        ReplyKind.Warning => "⚠️ " + reply.Text,
        ReplyKind.Error => "❌ " + reply.Text,
        _ => reply.Text.Length > 0 ? reply.Text : "Done.",
    };

    private static IResult Invoke(JsonObject body) => Results.Json(body, statusCode: StatusCodes.Status200OK);
}
