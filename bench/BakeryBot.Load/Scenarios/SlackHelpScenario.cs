using System.Text;

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

    protected override string CommandText(string phase, long n) => "help";

    public override string? Check(int status, byte[] body) =>
        SlackAnswer(body) ?? (Encoding.UTF8.GetString(body).Contains("/incident ack", StringComparison.Ordinal) ? null : "200 without the help");
}
