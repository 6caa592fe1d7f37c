using BakeryBot.Core.Chat;
using BakeryBot.Core.People;
using BakeryBot.Slack;
using Microsoft.Extensions.Options;

namespace BakeryBot.Host.Slack;

/// <summary>How long a Slack request may run before its HTTP answer goes without the reply.</summary>
public sealed record SlackAnswerBudget(TimeSpan Value);

/// <summary>Turns Slack on when its signing secret (HTTP endpoints) or app-level token (Socket Mode) is configured.</summary>
public static class SlackSetup
{
    /// <summary>Slack: a slash command or interaction must be answered within 3 s; keep room for the network.</summary>
    public static readonly TimeSpan DefaultAnswerBudget = TimeSpan.FromMilliseconds(2500);

    /// <summary>Registers the Slack adapter; false when Slack is not configured.</summary>
    public static bool AddSlack(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SlackOptions.SectionName);
        var services = builder.Services;
        services.AddOptions<SlackOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>();
        var options = section.Get<SlackOptions>() ?? new SlackOptions();
        if (!options.IsEnabled && string.IsNullOrEmpty(options.BotToken) && string.IsNullOrEmpty(options.AppToken))
        {
            return false;
        }

        services.AddHttpClient<SlackWebApiClient>((sp, http) =>
        {
            var o = sp.GetRequiredService<IOptions<SlackOptions>>().Value;
            http.BaseAddress = new Uri(o.ApiBaseUrl.EndsWith('/') ? o.ApiBaseUrl : o.ApiBaseUrl + "/");
            http.Timeout = TimeSpan.FromSeconds(10);
        });
        services.AddSingleton<IChatPoster, SlackChatPoster>(sp => new SlackChatPoster(sp.GetRequiredService<SlackWebApiClient>(), sp.GetRequiredService<ILogger<SlackChatPoster>>()));
        services.AddSingleton<IProfileSource>(sp => new SlackProfileSource(sp.GetRequiredService<SlackWebApiClient>()));
        // How long a request may run before the answer goes without it (Slack:AnswerBudget; under Slack's 3 s).
        var budget = builder.Configuration[$"{SlackOptions.SectionName}:AnswerBudget"];
        services.AddSingleton(new SlackAnswerBudget(string.IsNullOrWhiteSpace(budget) ? DefaultAnswerBudget : TimeSpan.Parse(budget, System.Globalization.CultureInfo.InvariantCulture)));
        services.AddSingleton<SlackEventGuard>();
        services.AddSingleton<SlackHomeTab>();
        services.AddSingleton<SlackInbound>();
        if (options.IsEnabled)
        {
            // Public HTTP endpoints, for the requests Slack signs with the signing secret.
            services.AddSingleton(sp => new SlackSignatureVerifier(sp.GetRequiredService<IOptions<SlackOptions>>().Value.SigningSecret, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<SlackReplayGuard>();
            services.AddSingleton<SlackEndpoints>();
        }

        if (!string.IsNullOrEmpty(options.AppToken))
        {
            // Socket Mode: the bot connects out to Slack; no public URL is needed.
            services.AddSingleton<SlackSocketMode>();
            services.AddHostedService(sp => sp.GetRequiredService<SlackSocketMode>());
        }

        return true;
    }

    /// <summary>A half-filled Slack configuration stops the bot with a clear message.</summary>
    private sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
    {
        public ValidateOptionsResult Validate(string? name, SlackOptions options)
        {
            var failures = new List<string>();
            var receives = !string.IsNullOrEmpty(options.SigningSecret) || !string.IsNullOrEmpty(options.AppToken);
            if (receives != !string.IsNullOrEmpty(options.BotToken))
            {
                failures.Add("Slack needs Slack:BotToken and, to receive from Slack, Slack:SigningSecret (public HTTP endpoints) or Slack:AppToken (Socket Mode), or all empty to keep Slack off.");
            }

            if (!string.IsNullOrEmpty(options.AppToken) && !options.AppToken.StartsWith("xapp-", StringComparison.Ordinal))
            {
                failures.Add("Slack:AppToken must be an app-level token (it starts with xapp-): create one with the connections:write scope under Basic Information → App-Level Tokens, or leave it empty to use HTTP endpoints.");
            }

            if (!string.IsNullOrEmpty(options.BotToken) && !options.BotToken.StartsWith("xoxb-", StringComparison.Ordinal))
            {
                failures.Add("Slack:BotToken must be a bot token (it starts with xoxb-).");
            }

            if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out _))
            {
                failures.Add("Slack:ApiBaseUrl must be an absolute URL such as https://slack.com/api/.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
