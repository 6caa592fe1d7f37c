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
        return await SendViewAsync("views.open", "trigger_id", triggerId, viewJson, ct);
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
        return await SendViewAsync("views.publish", "user_id", userId, viewJson, ct);
    }

    /// <summary>A views method's call: whom or what it is for, and the view; returns the view's id.</summary>
    private async Task<string?> SendViewAsync(string method, string forName, string forValue, string viewJson, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(viewJson);
        using var document = await PostJsonAsync(method, writer =>
        {
            writer.WriteString(forName, forValue);
            writer.WritePropertyName("view");
            writer.WriteRawValue(viewJson);
        }, ct);
        return document.RootElement.Object("view").String("id");
    }
}
