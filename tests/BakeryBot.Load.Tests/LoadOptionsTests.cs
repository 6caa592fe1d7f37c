namespace BakeryBot.Load.Tests;

public sealed class LoadOptionsTests
{
    [Fact]
    public void By_default_every_scenario_runs_and_the_outbox_and_restart_are_not_request_scenarios()
    {
        var (options, problem) = LoadOptions.Parse([]);

        Assert.Null(problem);
        Assert.Contains("outbox", options!.Scenarios);
        Assert.Contains("cold-start", options.Scenarios);
        Assert.Equal(["slack-incident", "teams-message", "slack-cab-click", "teams-cab-click", "slack-help", "yardstick"], options.RequestScenarios);
    }

    [Fact]
    public void A_bot_that_is_not_there_is_refused_and_one_that_is_is_taken()
    {
        Assert.Equal("`--bot /nowhere/bakerybot.dll` is not understood.", LoadOptions.Parse(["--bot", "/nowhere/bakerybot.dll"]).Problem);

        var file = Path.GetTempFileName();
        try
        {
            var (options, problem) = LoadOptions.Parse(["outbox", "--bot", file]);
            Assert.Null(problem);
            Assert.Equal(file, options!.Bot);
            Assert.Equal(["outbox"], options.Scenarios);
            Assert.Empty(options.RequestScenarios);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_settling_time_defaults_to_half_a_minute_can_be_left_out_and_is_bounded()
    {
        Assert.Equal(30, LoadOptions.Parse([]).Options!.SettleSeconds);
        Assert.Equal(0, LoadOptions.Parse(["--settle", "0"]).Options!.SettleSeconds);
        Assert.Equal(90, LoadOptions.Parse(["slack-incident", "--settle", "90"]).Options!.SettleSeconds);
        Assert.Equal("`--settle -1` is not understood.", LoadOptions.Parse(["--settle", "-1"]).Problem);
        Assert.Equal("`--settle 601` is not understood.", LoadOptions.Parse(["--settle", "601"]).Problem);
    }

    [Fact]
    public void An_unknown_scenario_is_named()
    {
        Assert.Equal("Unknown scenario `outboxes`.", LoadOptions.Parse(["outboxes"]).Problem);
    }
}
