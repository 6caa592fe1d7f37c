using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace BakeryBot.Host.Tests.Playground;

/// <summary>
/// The playground page in headless Chromium (Debian's chromium and chromium-driver), as a person uses
/// it: type a command, see the card, click its button, see the card change.
/// </summary>
public sealed class PlaygroundBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    [SkippableFact]
    public async Task A_person_declares_an_incident_and_acknowledges_it_from_the_card()
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
        {
            Assert.False(PostgresServer.InCi, "CI installs chromium and chromium-driver for the browser tests.");
            throw new SkipException("Browser test skipped: install Debian's chromium and chromium-driver to run it.");
        }

        await using var bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null);
        bot.UseKestrel(0);
        bot.StartServer();
        var address = bot.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var browser = Launch();
        var wait = new WebDriverWait(browser, TimeSpan.FromSeconds(15));
        // The page redraws a message when it changes: an element found a moment ago may be replaced.
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        browser.Navigate().GoToUrl(address);

        wait.Until(d => d.FindElements(By.CssSelector("#channels button[data-channel]")).Count == 3);
        browser.FindElement(By.CssSelector("#user option[value='alice']")).Click();
        Type(browser, "/incident <img src=x onerror=window.pwned=1> burnt-cookie sev2");

        var title = wait.Until(d => d.FindElements(By.CssSelector("#stream .card .card-title")).Select(e => e.Text).FirstOrDefault(t => t.Contains("INC-1", StringComparison.Ordinal)));
        Assert.Equal("INC-1: <img src=x onerror=window.pwned=1> burnt-cookie", title);
        Assert.Empty(browser.FindElements(By.CssSelector("#stream img")));
        Assert.Contains("INC-1 declared", wait.Until(d => d.FindElement(By.CssSelector("#stream .reply-private")).Text), StringComparison.Ordinal);

        browser.FindElement(By.CssSelector("#user option[value='bob']")).Click();
        wait.Until(d =>
        {
            d.FindElement(By.CssSelector("#stream .card button[data-action='incident.ack']")).Click();
            return true;
        });

        var card = wait.Until(d => d.FindElement(By.CssSelector("#stream .card")).Text is var text && text.Contains("Acknowledged", StringComparison.Ordinal) ? text : null);
        Assert.Contains("Bob", card, StringComparison.Ordinal);
        Assert.Empty(browser.FindElements(By.CssSelector("#stream .card button[data-action='incident.ack']")));

        Type(browser, "/incident frobnicate");
        Type(browser, "/nonsense");
        var warning = wait.Until(d => d.FindElements(By.CssSelector("#stream .reply-warning")).Select(e => e.Text).FirstOrDefault(t => t.Contains("is not a command", StringComparison.Ordinal)));
        Assert.Contains("`/nonsense` is not a command I know", warning, StringComparison.Ordinal);
        Assert.Null(((IJavaScriptExecutor)browser).ExecuteScript("return window.pwned ?? null;"));
    }

    private static void Type(ChromeDriver browser, string command)
    {
        var input = browser.FindElement(By.Id("command"));
        input.Clear();
        input.SendKeys(command + Keys.Enter);
    }

    private static ChromeDriver Launch()
    {
        var options = new ChromeOptions { BinaryLocation = Chromium };
        // The flags that keep Chromium quiet on a machine without a network (no sign-in, no updates).
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}
