namespace BakeryBot.Slack;

public sealed partial class SlackWebApiClient
{
    /// <summary><c>conversations.create</c>: a public channel (scope <c>channels:manage</c>); returns its id.</summary>
    public async Task<string> ConversationsCreateAsync(string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var document = await PostJsonAsync("conversations.create", writer =>
        {
            writer.WriteString("name", name);
            writer.WriteBoolean("is_private", false);
        }, ct);
        return document.RootElement.Object("channel").String("id") ?? throw new SlackApiException("conversations.create", SlackApiException.InvalidResponse);
    }

    /// <summary>
    /// <c>conversations.open</c> with one user: the bot's direct message conversation with them (scope
    /// <c>im:write</c>), opened if needed; the same <c>D…</c> id each time. Returns its id.
    /// </summary>
    public async Task<string> ConversationsOpenAsync(string user, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        using var document = await PostJsonAsync("conversations.open", writer => writer.WriteString("users", user), ct);
        return document.RootElement.Object("channel").String("id") ?? throw new SlackApiException("conversations.open", SlackApiException.InvalidResponse);
    }

    /// <summary><c>conversations.invite</c>: adds people to a channel (scope <c>channels:manage</c>).</summary>
    public async Task ConversationsInviteAsync(string channel, IReadOnlyList<string> users, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        if (users.Count == 0)
        {
            return;
        }

        using var document = await PostJsonAsync("conversations.invite", writer =>
        {
            writer.WriteString("channel", channel);
            writer.WriteString("users", string.Join(',', users));
        }, ct);
    }
}
