using BakeryBot.Core.Chat;
using BakeryBot.Core.Home;
using BakeryBot.Slack;

namespace BakeryBot.Host.Slack;

/// <summary>
/// The app's Home tab on Slack: a person's <c>/home</c>, published with <c>views.publish</c>. The events
/// endpoint calls <see cref="PublishAsync"/> when someone opens the tab (<c>app_home_opened</c>); a click on
/// one of its buttons runs like a click on the record's own card and publishes the tab again.
/// </summary>
public sealed class SlackHomeTab(CommandRouter router, SlackWebApiClient slackApi, SlackAnswerBudget budget, IHostApplicationLifetime lifetime, ILogger<SlackHomeTab> logger)
{
    /// <summary>
    /// Runs <c>/home</c> for the person <paramref name="userId"/> of the workspace <paramref name="teamId"/>
    /// and publishes it as their Home tab. A failure of Slack's is logged and swallowed: the tab keeps what
    /// it showed, and the next opening tries again.
    /// </summary>
    public async Task PublishAsync(string teamId, string userId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(teamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var request = new ChatRequest
        {
            Platform = SlackPayloadMapper.Platform,
            TenantId = teamId,
            // Slack addresses the app's direct messages with a person by their user id.
            ChannelId = userId,
            UserId = userId,
            Command = HomeCommands.Command,
        };
        var reply = await router.HandleAsync(request, ct);
        try
        {
            await slackApi.PublishViewAsync(userId, SlackBlockKitRenderer.RenderHomeView(reply), ct);
        }
        catch (Exception ex) when (ex is SlackApiException or HttpRequestException or ArgumentException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("Publishing the Home tab of {User} in {Team} failed: {Error}", userId, teamId, ex is SlackApiException api ? api.Error : ex.GetType().Name);
        }
    }

    /// <summary>
    /// A button clicked in the Home tab (<see cref="SlackInteraction.HomeAction"/>): runs it, then publishes
    /// the person's tab again so that it shows what the click did, and sends what the click answered (a
    /// refusal, "already done") to the person as a message, since a view has no response URL. Waits at most
    /// the answer budget (Slack: 3 s to answer the interaction); what is left carries on.
    /// </summary>
    public async Task ClickAsync(ChatRequest click)
    {
        ArgumentNullException.ThrowIfNull(click);
        // Not cancelled by shutdown: what was accepted completes (the host waits for it).
        var work = FollowClickAsync(click);
        try
        {
            await work.WaitAsync(budget.Value);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("{Action} from the Home tab took longer than {Budget}; its follow-up carries on", click.ActionId, budget.Value);
        }
    }

    private async Task FollowClickAsync(ChatRequest click)
    {
        var reply = await router.HandleAsync(click, CancellationToken.None);
        await PublishAsync(click.TenantId, click.UserId, lifetime.ApplicationStopping);
        if (reply.Kind != ReplyKind.None && reply.Text.Length > 0)
        {
            try
            {
                // Through the outbox, to the user id: Slack posts it in the app's direct messages with them.
                await router.PostReplyAsync(click, reply with { Cards = [], Form = null }, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogWarning("The answer to a click in the Home tab could not be kept: {Error}", ex.GetType().Name);
            }
        }
    }
}
