using BakeryBot.Core;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.People;
using BakeryBot.Host.Admin;
using BakeryBot.Host.Exports;
using BakeryBot.Host.Feeds;
using BakeryBot.Host.Hooks;
using BakeryBot.Host.Jobs;
using BakeryBot.Host.Outbox;
using BakeryBot.Host.Playground;
using BakeryBot.Host.Slack;
using BakeryBot.Host.Teams;
using BakeryBot.Slack;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host;

/// <summary>Wires the core, the database, the adapters and the endpoints.</summary>
public static class BakeryHostSetup
{
    public static WebApplicationBuilder AddBakeryBot(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.Configure<SecurityOptions>(configuration.GetSection(SecurityOptions.Section));
        services.Configure<OutboxOptions>(configuration.GetSection(OutboxOptions.Section));
        services.Configure<AdminOptions>(configuration.GetSection(AdminOptions.Section));
        services.Configure<PublicUrlOptions>(o => o.PublicUrl = configuration["PublicUrl"] ?? PublicUrlOptions.Default);
        services.Configure<AlertOptions>(configuration.GetSection(AlertOptions.Section));
        services.Configure<BakeryBot.Core.Incidents.IncidentOptions>(configuration.GetSection(BakeryBot.Core.Incidents.IncidentOptions.Section));
        services.Configure<BakeryBot.Core.Problems.ProblemOptions>(configuration.GetSection(BakeryBot.Core.Problems.ProblemOptions.Section));
        services.Configure<BakeryBot.Core.Cmdb.Discovery.DiscoveryOptions>(configuration.GetSection(BakeryBot.Core.Cmdb.Discovery.DiscoveryOptions.Section));
        services.Configure<BakeryBot.Core.Changes.ReleaseOptions>(configuration.GetSection(BakeryBot.Core.Changes.ReleaseOptions.Section));
        services.Configure<BakeryBot.Core.Drills.DrillOptions>(configuration.GetSection(BakeryBot.Core.Drills.DrillOptions.Section));
        services.Configure<BakeryBot.Core.TimeTracking.TimerOptions>(configuration.GetSection(BakeryBot.Core.TimeTracking.TimerOptions.Section));
        services.Configure<BakeryBot.Core.Synthetic.SyntheticOptions>(configuration.GetSection(BakeryBot.Core.Synthetic.SyntheticOptions.Section));
        services.AddBakeryCore();

        var provider = configuration[$"{DatabaseOptions.Section}:Provider"] ?? DatabaseOptions.Sqlite;
        var connectionString = configuration.GetConnectionString("BakeryBot") ?? "Data Source=bakerybot.db";
        services.AddBakeryDatabase(provider, connectionString);

        var slackEnabled = builder.AddSlack();
        var teamsEnabled = builder.AddTeams();
        var playgroundEnabled = configuration.GetValue<bool?>($"{PlaygroundOptions.Section}:Enabled") ?? !(slackEnabled || teamsEnabled);
        if (playgroundEnabled)
        {
            services.AddPlayground();
        }

        // ASP.NET Core's request lines ("Request starting GET ...") carry the query string, and a
        // calendar link's or a time export link's token is in it (calendar apps can't send headers,
        // and a link opened from chat can't either): they are never logged,
        // whatever level Microsoft.AspNetCore is set to. Its warnings and errors still are.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        services.AddHostedService<OutboxWorker>();
        services.AddHostedService<ProfileRefreshWorker>();
        services.AddSingleton<SqliteCheckpointWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<SqliteCheckpointWorker>());
        services.AddOptions<MemoryOptions>().Bind(configuration.GetSection(MemoryOptions.Section))
            .Validate(o => o.CheckEvery > TimeSpan.Zero && o.QuietBytes >= 0 && o.TrimAfterBytes >= 0 && o.TrimAfterGrowthBytes >= 0, $"{MemoryOptions.Section}:{nameof(MemoryOptions.CheckEvery)} must be a positive duration (5 seconds: 00:00:05), and its byte counts (QuietBytes, TrimAfterBytes, TrimAfterGrowthBytes) not negative.")
            .ValidateOnStart();
        services.AddSingleton<RetentionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionWorker>());
        services.AddSingleton<MemoryGauge>();
        services.AddSingleton<MemoryTrimWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<MemoryTrimWorker>());
        builder.AddBakeryJobs();
        builder.AddBakeryTelemetry();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RawBody.MaxBytes);
        builder.AddBakeryAdmission();
        return builder;
    }

    public static WebApplication MapBakeryBot(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", ReadyAsync);
        app.MapBakeryTelemetry();
        app.MapHooks();
        app.MapCalendar();
        app.MapTimeExport();
        app.MapAdmin();
        if (app.Services.GetService<SlackEndpoints>() is not null)
        {
            app.MapSlack();
        }

        if (app.Services.GetService<TeamsEndpoints>() is not null)
        {
            app.MapTeams();
        }

        if (app.Services.GetService<PlaygroundChannels>() is not null)
        {
            app.MapPlayground(localOnly: app.Services.GetService<SlackInbound>() is not null || app.Services.GetService<TeamsEndpoints>() is not null);
        }

        return app;
    }

    /// <summary>Applies pending migrations before the first request is served.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<BakeryDbContext>(), app.Lifetime.ApplicationStopping);
    }

    private static async Task<IResult> ReadyAsync(BakeryDbContext db, CancellationToken ct)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(ct))
            {
                return Results.Text("database unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            return pending.Count == 0
                ? Results.Text("ready")
                : Results.Text($"migrations pending: {string.Join(", ", pending)}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Results.Text("database unreachable", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
