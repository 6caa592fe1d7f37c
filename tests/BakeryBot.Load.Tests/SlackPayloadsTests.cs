using System.Text;
using BakeryBot.Load.Workload;

namespace BakeryBot.Load.Tests;

public sealed class SlackPayloadsTests
{
    [Fact]
    public void Signatures_match_slacks_published_example()
    {
        // protocols.md §1: Slack's documented test vector.
        const string body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        var slack = new SlackPayloads("8f742231b10e8888abcd99yyyzzz85a5", "http://127.0.0.1/response");

        Assert.Equal("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", slack.Signature("1531420618", Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void A_signed_command_carries_its_timestamp_and_the_signature_of_its_exact_body()
    {
        var slack = new SlackPayloads("secret", "http://127.0.0.1/response");
        var body = slack.Command("T1", "C1", "U1", "/incident", "oven runs cold & hot sev2", "1.2.3");

        var request = slack.Signed("slack/commands", body, 1_767_225_600);

        Assert.Contains("text=oven%20runs%20cold%20%26%20hot%20sev2", body, StringComparison.Ordinal);
        Assert.Equal("1767225600", request.Headers.Single(h => h.Key == "X-Slack-Request-Timestamp").Value);
        Assert.Equal(slack.Signature("1767225600", Encoding.UTF8.GetBytes(body)), request.Headers.Single(h => h.Key == "X-Slack-Signature").Value);
        Assert.Equal(body, Encoding.UTF8.GetString(request.Body));
    }
}
