using BakeryBot.Core.Tests.Infrastructure;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BakeryBot.Host.Tests.Playground;

/// <summary>
/// The playground page in headless Chromium (Debian's chromium, driven by Playwright with it as the
/// browser: nothing is downloaded), as a person uses it: type a command, see the card, click its
/// button, see the card change. Its screenshots of the cards are the README's.
/// </summary>
public sealed class PlaygroundBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task A_person_declares_an_incident_and_acknowledges_it_from_the_card()
    {
        await using var session = await BrowserSession.StartAsync();
        var page = session.Page;
        var pwned = false;
        page.Dialog += (_, _) => pwned = true;
        await page.GotoAsync(session.Address);

        await Assertions.Expect(page.Locator("#channels button[data-channel]")).ToHaveCountAsync(3);
        await page.Locator("#user").SelectOptionAsync("alice");
        await TypeAsync(page, "/incident <img src=x onerror=window.pwned=1> burnt-cookie sev2");

        var card = page.Locator("#stream .card").Filter(new LocatorFilterOptions { HasText = "INC-1" }).First;
        await Assertions.Expect(card.Locator(".card-title")).ToHaveTextAsync("INC-1: <img src=x onerror=window.pwned=1> burnt-cookie");
        Assert.Equal(0, await page.Locator("#stream img").CountAsync());
        await Assertions.Expect(page.Locator("#stream .reply-private").First).ToContainTextAsync("INC-1 declared");

        await page.Locator("#user").SelectOptionAsync("bob");
        await card.Locator("button[data-action='incident.ack']").ClickAsync();

        await Assertions.Expect(card).ToContainTextAsync("Acknowledged");
        await Assertions.Expect(card).ToContainTextAsync("Bob");
        await Assertions.Expect(card.Locator("button[data-action='incident.ack']")).ToHaveCountAsync(0);

        // The README's pictures: a card as declared and as acknowledged.
        await page.Locator("#user").SelectOptionAsync("alice");
        await TypeAsync(page, "/incident burnt cookies at bakery 2 sev2");
        var second = page.Locator("#stream .card").Filter(new LocatorFilterOptions { HasText = "INC-2" }).First;
        await Assertions.Expect(second.Locator("button[data-action='incident.ack']")).ToHaveCountAsync(1);
        await Screenshot(second, "incident-declared.png");
        await page.Locator("#user").SelectOptionAsync("bob");
        await second.Locator("button[data-action='incident.ack']").ClickAsync();
        await Assertions.Expect(second).ToContainTextAsync("Acknowledged");
        await Screenshot(second, "incident-acknowledged.png");

        await TypeAsync(page, "/incident frobnicate");
        await TypeAsync(page, "/nonsense");
        await Assertions.Expect(page.Locator("#stream .reply-warning").Filter(new LocatorFilterOptions { HasText = "is not a command" })).ToContainTextAsync("`/nonsense` is not a command I know");
        Assert.Equal("none", await page.EvaluateAsync<string>("() => String(window.pwned ?? 'none')"));
        Assert.False(pwned);
    }

    [SkippableFact]
    public async Task A_person_acknowledges_an_incident_from_their_home_and_the_home_is_drawn_again()
    {
        await using var session = await BrowserSession.StartAsync();
        var page = session.Page;
        await page.GotoAsync(session.Address);
        await Assertions.Expect(page.Locator("#channels button[data-channel]")).ToHaveCountAsync(3);
        await page.Locator("#user").SelectOptionAsync("alice");
        await TypeAsync(page, "/incident burnt-cookie sev2");
        await Assertions.Expect(page.Locator("#stream .reply-private").First).ToContainTextAsync("INC-1 declared");

        await page.Locator("#examples .chip", new PageLocatorOptions { HasText = "/home" }).ClickAsync();
        await page.Locator("#command").PressAsync("Enter");

        var home = page.Locator("#stream [data-local]").Last;
        var item = home.Locator(".card").Filter(new LocatorFilterOptions { HasText = "INC-1: burnt-cookie" });
        await Assertions.Expect(item).ToContainTextAsync("you declared it; no commander yet");
        await Assertions.Expect(home).ToContainTextAsync("No timer is running");
        await item.Locator("button[data-action='incident.ack']").ClickAsync();

        await Assertions.Expect(item).ToContainTextAsync("Acknowledged · you are commander");
        await Assertions.Expect(item.Locator("button[data-action='incident.ack']")).ToHaveCountAsync(0);
        await Assertions.Expect(item.Locator("button[data-action='incident.resolve']")).ToHaveCountAsync(1);
    }

    /// <summary>A bot on SQLite served on a free port, and a page of headless Chromium to drive it; skipped without Chromium.</summary>
    private sealed class BrowserSession : IAsyncDisposable
    {
        private BotFactory _bot = null!;
        private IPlaywright _playwright = null!;
        private IBrowser _browser = null!;

        public string Address { get; private set; } = "";

        public IPage Page { get; private set; } = null!;

        public static async Task<BrowserSession> StartAsync()
        {
            if (!File.Exists(Chromium))
            {
                Assert.False(PostgresServer.InCi, "CI installs Debian's chromium for the browser tests.");
                throw new SkipException("Browser test skipped: install Debian's chromium to run it.");
            }

            var session = new BrowserSession { _bot = await BotFactory.CreateAsync(DbProvider.Sqlite, slack: null) };
            session._bot.UseKestrel(0);
            session._bot.StartServer();
            session.Address = session._bot.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            session._playwright = await Playwright.CreateAsync();
            session._browser = await session._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                // Quiet on a machine without a network: no sign-in, no updates, no sandbox in containers.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            session.Page = await session._browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 800 } });
            return session;
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.DisposeAsync();
            _playwright.Dispose();
            await _bot.DisposeAsync();
        }
    }

    private static async Task TypeAsync(IPage page, string command)
    {
        var input = page.Locator("#command");
        await input.FillAsync(command);
        await input.PressAsync("Enter");
    }

    /// <summary>
    /// A card's picture, for the README (<c>docs/screenshots</c>), written when the test runs with
    /// <c>BAKERYBOT_SCREENSHOTS</c> set to the repository's folder; otherwise only taken, to show it renders.
    /// </summary>
    private static async Task Screenshot(ILocator card, string name)
    {
        var bytes = await card.ScreenshotAsync();
        Assert.True(bytes.Length > 1000, $"The screenshot {name} is empty.");
        if (Environment.GetEnvironmentVariable("BAKERYBOT_SCREENSHOTS") is { Length: > 0 } root)
        {
            var folder = Path.Combine(root, "docs", "screenshots");
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, name), bytes);
        }
    }
}
