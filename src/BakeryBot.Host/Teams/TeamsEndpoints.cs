using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BakeryBot.Core.Admin;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Teams;
using BakeryBot.Teams.Activities;
using BakeryBot.Teams.Auth;
using BakeryBot.Teams.Cards;
using BakeryBot.Teams.Connector;
using Microsoft.Extensions.Options;

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
    IOptions<TeamsOptions> options,
    IConfiguration configuration,
    ILogger<TeamsEndpoints> logger)
{
    /// <summary>Teams: a message action must be answered within 5 s ("Unable to reach the app" otherwise); Teams:InvokeBudget.</summary>
    private readonly TimeSpan _invokeBudget = string.IsNullOrWhiteSpace(configuration["Teams:InvokeBudget"])
        ? TimeSpan.FromMilliseconds(4500)
        : configuration.GetValue<TimeSpan>("Teams:InvokeBudget");

    private readonly ConcurrentDictionary<(string Tenant, string Member), string> _objectIds = new();

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
            return RawBody.TooLarge();
        }

        if (TeamsActivityParser.Parse(body) is not TeamsParseResult.Valid { Activity: var activity })
        {
            return Results.BadRequest("Not a Bot Framework activity.");
        }

        var check = await validator.ValidateAsync(authorization, activity.ChannelId, activity.ServiceUrl, request.HttpContext.RequestAborted);
        var misplaced = check.IsValid ? Misplaced(activity) : null;
        if (!check.IsValid || misplaced is not null)
        {
            logger.LogWarning("Refused an activity: {Reason}", misplaced ?? check.Reason);
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

        // Stored before the answer; the reply follows through the outbox, in the same thread.
        var enriched = await WithMentionsResolvedAsync(Enrich(chat, activity, sighting), activity);
        var reply = await router.HandleAsync(enriched, CancellationToken.None);
        if (reply.Form is { } form && activity.Id is { } asked
            && await SendOnceAsync(activity, asked, TeamsAdaptiveCardRenderer.RenderFormMessage(form)))
        {
            // A form is for the moment, not a record: sent straight back as a reply, not kept in the outbox.
            return Results.Ok();
        }

        if (reply is { Redraw: not null, Kind: ReplyKind.Private, Cards.Count: > 0 } && activity.Id is { } board
            && await SendOnceAsync(activity, board, TeamsAdaptiveCardRenderer.RenderBoardMessage(reply)))
        {
            // A view of what needs the person (their home) is drawn afresh on request, not kept: one card, sent
            // straight back. Should that fail, it goes through the outbox as a message per card.
            return Results.Ok();
        }

        if (!await router.PostReplyAsync(enriched, reply with { Form = null }, CancellationToken.None) && activity.Id is { } replyTo
            && TeamsAdaptiveCardRenderer.RenderReply(reply) is { } secret)
        {
            // A secret is sent once, straight to the person's chat, and never stored.
            await SendOnceAsync(activity, replyTo, secret);
        }

        return Results.Ok();
    }

    private async Task<IResult> InvokeAsync(TeamsActivity activity, ConversationSighting? sighting)
    {
        switch (activity.Name)
        {
            case TeamsActivityMapper.AdaptiveCardActionInvoke:
                var cardAction = TeamsActivityMapper.MapCardAction(activity);
                if (cardAction is not TeamsInvokeMapping.Mapped { Request: var action } mapped)
                {
                    return Failure(cardAction);
                }

                var reply = await router.HandleAsync(Enrich(action, activity, sighting), CancellationToken.None);
                if (mapped.Redraw is { } redraw && reply.Form is null && await RedrawAsync(action, activity, sighting, redraw, reply) is { } redrawn)
                {
                    // A button on the person's home: the home drawn again, showing what the click did.
                    return Invoke(TeamsAdaptiveCardRenderer.RenderInvokeBoardResponse(redrawn));
                }

                return Invoke(reply switch
                {
                    // A form in place of the card: to fill in, or again with what was wrong (values kept).
                    { Form: { } form } => TeamsAdaptiveCardRenderer.RenderInvokeFormResponse(form),
                    // A submitted form gives way to what came of it.
                    { Kind: ReplyKind.None or ReplyKind.Private } when action.IsFormSubmission => TeamsAdaptiveCardRenderer.RenderInvokeCardResponse(Submitted(reply)),
                    // The clicker sees the card as it is now; everyone else through the outbox's update.
                    { Kind: ReplyKind.None, UpdatedCard: { } card } => TeamsAdaptiveCardRenderer.RenderInvokeCardResponse(card),
                    { Kind: ReplyKind.None } => TeamsAdaptiveCardRenderer.RenderInvokeMessageResponse("Done."),
                    _ => TeamsAdaptiveCardRenderer.RenderInvokeMessageResponse(TextOf(reply)),
                });

            case TeamsActivityMapper.SubmitActionInvoke:
                var messageAction = TeamsActivityMapper.MapMessageAction(activity);
                if (messageAction is not TeamsInvokeMapping.Mapped { Request: var shortcut })
                {
                    return Failure(messageAction);
                }

                var request = Enrich(shortcut, activity, sighting);
                var work = router.HandleAsync(request, CancellationToken.None);
                try
                {
                    return Invoke(TeamsAdaptiveCardRenderer.RenderMessageExtensionResponse(await work.WaitAsync(_invokeBudget)));
                }
                catch (TimeoutException)
                {
                    // The work carries on (it is not cancelled) and its answer follows in the conversation;
                    // Teams gets an answer in time.
                    _ = work.ContinueWith(done => router.PostReplyAsync(request, done.Result, CancellationToken.None), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default).Unwrap();
                    return Invoke(TeamsAdaptiveCardRenderer.RenderMessageExtensionResponse(ChatReply.Private("Working on it; the answer will follow in the conversation.")));
                }

            default:
                // Bot Framework: an invoke the bot does not handle is answered 501.
                return Results.StatusCode(StatusCodes.Status501NotImplemented);
        }
    }

    /// <summary>
    /// Runs the command that draws a board again (only the command word: a board's buttons name nothing else),
    /// for the person who clicked, with what the click answered above it. Null when it is not a board any more.
    /// </summary>
    private async Task<ChatReply?> RedrawAsync(ChatRequest click, TeamsActivity activity, ConversationSighting? sighting, string redraw, ChatReply answer)
    {
        var request = click with { ActionId = null, ActionValue = null, Inputs = null, DeliveryId = null, Command = redraw, Text = "" };
        var board = await router.HandleAsync(Enrich(request, activity, sighting), CancellationToken.None);
        if (board.Redraw is null || board.Kind != ReplyKind.Private)
        {
            return null;
        }

        return answer.Kind == ReplyKind.None || answer.Text.Length == 0 ? board : board with { Text = TextOf(answer) };
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
            UserAlias = activity.From.AadObjectId is not null ? activity.From.Id : null,
            ActionId = BakeryCommands.WelcomeAction,
            DeliveryId = activity.Id is { } id ? $"add:{id}@{Hash(sighting.ConversationId)}" : null,
            Conversation = sighting,
        };
        await router.HandleAsync(welcome, CancellationToken.None);
        return Results.Ok();
    }

    /// <summary>Why an activity with a valid token is still not ours to act on, or null.</summary>
    private string? Misplaced(TeamsActivity activity)
    {
        // Keys are endorsed for other channels too (Web Chat, Direct Line), where a client can say
        // anything about tenants and people: only Teams' own activities are taken.
        if (activity.ChannelId != TeamsPlatform.ChannelId)
        {
            return $"channel '{activity.ChannelId}' is not Teams";
        }

        var tenant = activity.Conversation.TenantId;
        var dataTenant = activity.ChannelData.TenantId;
        if (tenant is not null && dataTenant is not null && !string.Equals(tenant, dataTenant, StringComparison.OrdinalIgnoreCase))
        {
            return "the activity names two tenants";
        }

        var own = options.Value.TenantId;
        return own.Length > 0 && (tenant ?? dataTenant) is { } actual && !string.Equals(actual, own, StringComparison.OrdinalIgnoreCase)
            ? "the activity comes from another tenant than the bot's"
            : null;
    }

    private async Task<bool> SendOnceAsync(TeamsActivity activity, string replyTo, JsonObject message)
    {
        try
        {
            await connector.ReplyToActivityAsync(activity.ServiceUrl, activity.Conversation.Id, replyTo, message, CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is BotConnectorException or BotConnectorTokenException or HttpRequestException or TaskCanceledException or ArgumentException)
        {
            logger.LogWarning("A reply that is not kept could not be sent: {Error}", ex is BotConnectorException bc ? bc.ErrorCode : ex.GetType().Name);
            return false;
        }
    }

    /// <summary>The card that takes a submitted form's place: its answer, and any card the answer carries.</summary>
    private static Card Submitted(ChatReply reply) =>
        reply.Cards is [var card, ..] && reply.Text.Length == 0
            ? card
            : new Card("", CardAccent.Success, [new TextSection(TextOf(reply))], []);

    private ChatRequest Enrich(ChatRequest chat, TeamsActivity activity, ConversationSighting? sighting) => chat with
    {
        // Teams answers in front of everyone except in a personal chat.
        PrivateReplies = activity.Conversation.ConversationType == "personal",
        Conversation = sighting,
        UserAlias = activity.From.AadObjectId is not null ? activity.From.Id : null,
        SourceLink = chat.SourceLink ?? LinkToMessage(activity),
        // Teams message ids are times in milliseconds: unique within a conversation, not across them.
        DeliveryId = chat.DeliveryId is { } id ? $"{id}@{Hash(chat.TenantId + "/" + activity.Conversation.Id)}" : null,
    };

    /// <summary>
    /// Teams mentions name people by their 29: id; the bot knows them by their Entra object id. The
    /// connector tells one from the other (remembered; on failure the 29: id stays, an alias of theirs).
    /// </summary>
    private async Task<ChatRequest> WithMentionsResolvedAsync(ChatRequest chat, TeamsActivity activity)
    {
        if (chat.MentionIds is not { Count: > 0 } mentions || mentions.Values.All(id => !id.StartsWith("29:", StringComparison.Ordinal)))
        {
            return chat;
        }

        var resolved = new Dictionary<string, string>(mentions.Count, StringComparer.Ordinal);
        foreach (var (name, id) in mentions)
        {
            resolved[name] = id.StartsWith("29:", StringComparison.Ordinal) ? await ObjectIdAsync(chat.TenantId, activity, id) : id;
        }

        return chat with { MentionIds = resolved };
    }

    private async Task<string> ObjectIdAsync(string tenant, TeamsActivity activity, string memberId)
    {
        if (_objectIds.TryGetValue((tenant, memberId), out var known))
        {
            return known;
        }

        try
        {
            var objectId = await connector.GetMemberObjectIdAsync(activity.ServiceUrl, activity.Conversation.Id, memberId, CancellationToken.None);
            if (objectId is { Length: > 0 })
            {
                _objectIds[(tenant, memberId)] = objectId;
                return objectId;
            }
        }
        catch (Exception ex) when (ex is BotConnectorException or BotConnectorTokenException or HttpRequestException or TaskCanceledException or ArgumentException)
        {
            logger.LogWarning("Could not look up a mentioned member: {Error}", ex is BotConnectorException bc ? bc.ErrorCode : ex.GetType().Name);
        }

        return memberId;
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static IResult Failure(TeamsInvokeMapping mapping) =>
        mapping is TeamsInvokeMapping.Failed failed
            ? Invoke(TeamsAdaptiveCardRenderer.RenderInvokeError(failed.StatusCode, failed.Code, failed.Message))
            : Invoke(TeamsAdaptiveCardRenderer.RenderInvokeError(400, "BadRequest", "Not an action the bot takes."));

    private ConversationSighting? Sighting(TeamsActivity activity)
    {
        if (TeamsActivityMapper.ConversationOf(activity) is not { } reference)
        {
            return null;
        }

        conversations.Remember(reference.TenantId, reference.ConversationId, reference.ServiceUrl);
        // A personal chat is the person's: direct messages to them go there.
        var person = reference.ConversationType == ConversationDirectory.PersonalKind ? activity.From.AadObjectId ?? activity.From.Id : null;
        return new ConversationSighting(TeamsPlatform.Platform, reference.TenantId, reference.ConversationId, reference.ServiceUrl, reference.ConversationType, reference.Name, reference.TeamId, person);
    }

    private static string? LinkToMessage(TeamsActivity activity) =>
        activity.Value is { ValueKind: System.Text.Json.JsonValueKind.Object } value
        && value.TryGetProperty("messagePayload", out var payload) && payload.ValueKind == System.Text.Json.JsonValueKind.Object
        && payload.TryGetProperty("linkToMessage", out var link) && link.ValueKind == System.Text.Json.JsonValueKind.String
            ? link.GetString()
            : null;

    private static string TextOf(ChatReply reply) => reply.Kind switch
    {
        ReplyKind.Warning => "⚠️ " + reply.Text,
        ReplyKind.Error => "❌ " + reply.Text,
        _ => reply.Text.Length > 0 ? reply.Text : "Done.",
    };

    private static IResult Invoke(JsonObject body) => Results.Json(body, statusCode: StatusCodes.Status200OK);
}
