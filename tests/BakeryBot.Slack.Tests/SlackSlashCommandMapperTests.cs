using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace BakeryBot.Slack.Tests;

public sealed class SlackSlashCommandMapperTests
{
    private static Dictionary<string, string> FixtureForm() =>
        new(SlackPayloadMapper.ParseForm(TestFiles.Fixture("slash-command.txt")));

    [Fact]
    public void Fixture_maps_to_a_request()
    {
        var command = SlackPayloadMapper.FromSlashCommand(FixtureForm());

        Assert.NotNull(command);
        var request = command.Request;
        Assert.Equal("slack", request.Platform);
        Assert.Equal("T0CHOPS01", request.TenantId);
        Assert.Equal("acme-ops", request.TenantName);
        Assert.Equal("C0ALERTS01", request.ChannelId);
        Assert.Equal("ops-alerts", request.ChannelName);
        Assert.Equal("U0ONCALL01", request.UserId);
        Assert.Equal("dana.oncall", request.UserName);
        Assert.Equal("incident", request.Command);
        Assert.Equal("declare sev2 Checkout latency above SLO", request.Text);
        Assert.Equal("cmd:7301122334455.5123456789012.9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c", request.DeliveryId);
        Assert.Null(request.ThreadId);
        Assert.False(request.IsAction);
        Assert.Equal("https://hooks.slack.com/commands/T0CHOPS01/7301122334455/qW3rTy9uIoP8aSdF7gHjK6lZ", command.ResponseUrl);
        Assert.Equal("7301122334455.5123456789012.9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c", command.TriggerId);
    }

    [Fact]
    public void Form_collection_maps_like_the_dictionary()
    {
        var form = new FormCollection(QueryHelpers.ParseQuery(TestFiles.Fixture("slash-command.txt")));

        var fromForm = SlackPayloadMapper.FromSlashCommand(form);
        var fromDictionary = SlackPayloadMapper.FromSlashCommand(FixtureForm());

        Assert.Equal(fromDictionary, fromForm);
    }

    [Theory]
    [InlineData("team_id")]
    [InlineData("channel_id")]
    [InlineData("user_id")]
    [InlineData("command")]
    public void Missing_required_field_gives_null(string field)
    {
        var form = FixtureForm();
        form.Remove(field);

        Assert.Null(SlackPayloadMapper.FromSlashCommand(form));

        form[field] = "";
        Assert.Null(SlackPayloadMapper.FromSlashCommand(form));
    }

    [Theory]
    [InlineData("/Incident", "incident")]
    [InlineData("/TIMER", "timer")]
    [InlineData("incident", "incident")]
    public void Command_loses_its_slash_and_is_lower_case(string command, string expected)
    {
        var form = FixtureForm();
        form["command"] = command;

        Assert.Equal(expected, SlackPayloadMapper.FromSlashCommand(form)!.Request.Command);
    }

    [Fact]
    public void A_bare_slash_is_no_command()
    {
        var form = FixtureForm();
        form["command"] = "/";

        Assert.Null(SlackPayloadMapper.FromSlashCommand(form));
    }

    [Fact]
    public void Optional_fields_may_be_missing()
    {
        var form = new Dictionary<string, string>
        {
            ["team_id"] = "T1",
            ["channel_id"] = "C1",
            ["user_id"] = "U1",
            ["command"] = "/bakery",
        };

        var command = SlackPayloadMapper.FromSlashCommand(form)!;

        Assert.Equal("", command.Request.Text);
        Assert.Null(command.Request.DeliveryId);
        Assert.Null(command.Request.TenantName);
        Assert.Null(command.ResponseUrl);
    }

    [Fact]
    public void Escaped_mentions_in_text_arrive_unchanged()
    {
        var form = SlackPayloadMapper.ParseForm("team_id=T1&channel_id=C1&user_id=U1&command=%2Fincident&text=assign+INC-4+%3C%40U0SRE00042%7Cli.sre%3E");

        Assert.Equal("assign INC-4 <@U0SRE00042|li.sre>", SlackPayloadMapper.FromSlashCommand(form)!.Request.Text);
    }

    [Fact]
    public void Ssl_check_is_recognised()
    {
        Assert.True(SlackPayloadMapper.IsSslCheck(SlackPayloadMapper.ParseForm("ssl_check=1&token=abc")));
        Assert.False(SlackPayloadMapper.IsSslCheck(FixtureForm()));
        Assert.True(SlackPayloadMapper.IsSslCheck(new FormCollection(QueryHelpers.ParseQuery("ssl_check=1"))));
    }

    [Fact]
    public void Repeated_field_keeps_the_first_value()
    {
        var form = SlackPayloadMapper.ParseForm("a=1&a=2&b=");

        Assert.Equal("1", form["a"]);
        Assert.Equal("", form["b"]);
    }
}
