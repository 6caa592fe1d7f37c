using BakeryBot.Core.Chat;

namespace BakeryBot.Slack;

public static partial class SlackPayloadMapper
{
    /// <summary>
    /// A submitted modal as the neutral form submission: <see cref="ChatRequest.FormId"/> is the view's
    /// <c>callback_id</c>; the channel, thread and form state come from the <c>private_metadata</c> that
    /// <see cref="SlackBlockKitRenderer.RenderModal"/> wrote; each input's value is taken from
    /// <c>state.values[block_id][action_id]</c>, where both ids are the field's. Null for a view the bot did
    /// not open that way (its metadata names no channel): nothing to route it to.
    /// </summary>
    public static (ChatRequest Request, SlackFormOrigin Origin)? FromViewSubmission(SlackInteraction.ViewSubmission view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (SlackFormOrigin.Parse(view.PrivateMetadata) is not var (origin, state))
        {
            return null;
        }

        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (blockId, elements) in view.Values)
        {
            // The renderer writes one element per block, under the block's id; take that one, or a lone other.
            var value = elements.TryGetValue(blockId, out var own) ? own : elements.Count == 1 ? elements.Values.First() : null;
            if (value is not null)
            {
                inputs[blockId] = value;
            }
        }

        var request = new ChatRequest
        {
            Platform = Platform,
            TenantId = view.TenantId,
            ChannelId = origin.ChannelId,
            ThreadId = origin.ThreadTs,
            UserId = view.UserId,
            UserName = view.UserName,
            FormId = view.CallbackId,
            FormState = state,
            Inputs = inputs,
            // Slack does not retry interactivity payloads, and a submission refused with errors is
            // submitted again with the same view and hash: no delivery id to tell them apart by.
        };
        return (request, origin);
    }
}
