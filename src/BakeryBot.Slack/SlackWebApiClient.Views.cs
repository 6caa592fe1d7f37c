namespace BakeryBot.Slack;

public sealed partial class SlackWebApiClient
{
    /// <summary>
    /// <c>views.open</c>: opens a modal (see <see cref="SlackBlockKitRenderer.RenderModal"/>) for the person
    /// whose interaction gave <paramref name="triggerId"/>. Slack: a trigger id works once, within 3 s of the
    /// interaction (<c>trigger_expired</c>, <c>trigger_exchanged</c>), so this is called while answering it,
    /// never from the outbox. Returns the view's id.
    /// </summary>
    public async Task<string?> OpenViewAsync(string triggerId, string viewJson, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(triggerId);
        ArgumentException.ThrowIfNullOrEmpty(viewJson);
        using var document = await PostJsonAsync("views.open", writer =>
        {
            writer.WriteString("trigger_id", triggerId);
            writer.WritePropertyName("view");
            writer.WriteRawValue(viewJson);
        }, ct);
        return document.RootElement.Object("view").String("id");
    }

    /// <summary>
    /// <c>views.publish</c>: shows <paramref name="viewJson"/> (a view of type <c>home</c>, see
    /// <see cref="SlackBlockKitRenderer.RenderHomeView(BakeryBot.Core.Chat.ChatReply)"/>) as the Home tab of the
    /// person <paramref name="userId"/>, in place of what it showed. Needs no trigger: it may be called at any
    /// time, for anyone who has the app. Returns the view's id.
    /// </summary>
    public async Task<string?> PublishViewAsync(string userId, string viewJson, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(viewJson);
        using var document = await PostJsonAsync("views.publish", writer =>
        {
            writer.WriteString("user_id", userId);
            writer.WritePropertyName("view");
            writer.WriteRawValue(viewJson);
        }, ct);
        return document.RootElement.Object("view").String("id");
    }
}
