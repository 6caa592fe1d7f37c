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
        Assert.Equal(["slack-incident", "teams-message", "slack-cab-click", "teams-cab-click", "yardstick"], options.RequestScenarios);
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
    public void An_unknown_scenario_is_named()
    {
        Assert.Equal("Unknown scenario `outboxes`.", LoadOptions.Parse(["outboxes"]).Problem);
    }
}
