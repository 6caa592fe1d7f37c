using System.Globalization;
using System.Text;
using BakeryBot.Load.Running;

namespace BakeryBot.Load.Scenarios;

/// <summary>
/// <c>slack-help</c>: signed <c>POST /slack/commands</c> <c>/incident help</c> from the same people and channels
/// as <c>slack-incident</c>: verified, parsed, its sender looked up and answered, with nothing written. What
/// a request costs before its own work, so that <c>slack-incident</c>'s figures can be split into the two.
/// </summary>
public sealed class SlackHelpScenario : SlackIncidentScenario
{
    public override string Name => "slack-help";

    public override string Description => "signed /slack/commands `/incident help`: verify, parse, find who sends it, answer; nothing written";

    public override bool Writes => false;

    public override Task<IReadOnlyList<LoadRequest>> RequestsAsync(LoadContext ctx, string phase, int count)
    {
        var now = SlackPayloadsNow();
        var requests = new LoadRequest[count];
        for (var i = 0; i < count; i++)
        {
            var n = ctx.Unique();
            var body = ctx.Slack.Command(
                LoadContext.SlackTeam,
                $"C0LOAD{i % Channels:D4}",
                $"U0LOAD{i % People:D2}",
                "/incident",
                "help",
                $"{n.ToString(CultureInfo.InvariantCulture)}.{i}.load");
            requests[i] = ctx.Slack.Signed("slack/commands", body, now);
        }

        return Task.FromResult<IReadOnlyList<LoadRequest>>(requests);
    }

    public override string? Check(int status, byte[] body) =>
        SlackAnswer(body) ?? (Encoding.UTF8.GetString(body).Contains("/incident ack", StringComparison.Ordinal) ? null : "200 without the help");
}
