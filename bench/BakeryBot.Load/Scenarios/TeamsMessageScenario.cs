using System.Globalization;
using BakeryBot.Load.Running;

namespace BakeryBot.Load.Scenarios;

/// <summary>
/// <c>teams-message</c>: <c>POST /api/messages</c> channel messages <c>@BakeryBot incident &lt;title&gt; sev2</c>, each a
/// new thread with a unique activity id, over 1,000 channels, with the Bot Connector's JWT (one token for all,
/// as Bot Framework reuses its tokens; the bot caches the signing keys).
/// </summary>
public sealed class TeamsMessageScenario : Scenario
{
    public override string Name => "teams-message";

    public override string Description => "Teams channel message `@BakeryBot incident <title> sev2` with a valid JWT: validate, map, incident + audit + outbox row";

    public override string WorkName => "incidents";

    public override Task<IReadOnlyList<LoadRequest>> RequestsAsync(LoadContext ctx, string phase, int count)
    {
        var requests = new LoadRequest[count];
        for (var i = 0; i < count; i++)
        {
            var n = ctx.Unique().ToString(CultureInfo.InvariantCulture);
            var person = i % SlackIncidentScenario.People;
            requests[i] = ctx.Teams.Message(
                LoadContext.TeamsTenant,
                LoadContext.TeamsTeam,
                $"19:load{i % SlackIncidentScenario.Channels:D4}@thread.tacv2",
                $"aad-load-{person:D2}",
                $"Load Person {person:D2}",
                n,
                $"incident oven {phase}-{n} runs cold sev2");
        }

        return Task.FromResult<IReadOnlyList<LoadRequest>>(requests);
    }

    // Bot Framework: a message activity is answered 200 with an empty body; replies go out as activities.
    public override string? Check(int status, byte[] body) => null;

    public override Task<long> LandedAsync(LoadContext ctx) => ctx.Database.CountAsync("Incidents");
}
