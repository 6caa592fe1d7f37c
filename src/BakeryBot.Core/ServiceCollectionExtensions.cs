using BakeryBot.Core.Admin;
using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Incidents;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.Knowledge;
using BakeryBot.Core.People;
using BakeryBot.Core.Problems;
using BakeryBot.Core.Sla;
using BakeryBot.Core.TimeTracking;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core;

/// <summary>Registers the platform-neutral core: areas, router, outbox.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Every area's chat module, listed once: help and the router read the map they fill.</summary>
    public static IReadOnlyList<IChatModule> Modules { get; } =
    [
        new IncidentCommands(),
        new ProblemCommands(),
        new CmdbCommands(),
        new SlaCommands(),
        new KnowledgeCommands(),
        new TimerCommands(),
        new TimeCommands(),
        new Changes.ChangeCommands(),
        new Changes.ReleaseCommands(),
        new Drills.DrillCommands(),
        new Digests.DigestCommands(),
        new Home.HomeCommands(),
        new BakeryCommands(),
    ];

    public static IServiceCollection AddBakeryCore(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton(new CommandMap(Modules));
        services.AddSingleton<CommandRouter>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddOptions<OutboxOptions>()
            .Validate(o => o.KeepFinishedFor > TimeSpan.Zero, $"{OutboxOptions.Section}:{nameof(OutboxOptions.KeepFinishedFor)} must be a positive duration (7 days: 7.00:00:00).")
            .Validate(o => o.GatherFor >= TimeSpan.Zero && o.GatherFor <= TimeSpan.FromSeconds(1), $"{OutboxOptions.Section}:{nameof(OutboxOptions.GatherFor)} must be between 00:00:00 (no gathering) and 00:00:01 (50 ms: 00:00:00.050).")
            .ValidateOnStart();
        services.AddScoped<RetentionSweep>();
        services.AddSingleton<ProfileRefreshQueue>();
        services.AddScoped<IdentityService>();
        services.AddScoped<CardPublisher>();
        services.AddScoped<ConversationDirectory>();
        services.AddScoped<TimerService>();
        services.AddScoped<TimeEntryService>();
        services.AddScoped<TimeExportService>();
        services.AddScoped<Data.AuditExportService>();
        services.AddScoped<TimerReminders>();
        services.AddOptions<TimerOptions>()
            .Validate(o => o.WorkDay > TimeSpan.Zero, $"{TimerOptions.Section}:{nameof(TimerOptions.WorkDay)} must be a positive duration (8 hours: 08:00:00).")
            .ValidateOnStart();
        services.AddScoped<CmdbService>();
        services.AddScoped<CmdbGraph>();
        services.AddSingleton<CmdbGraphCache>();
        services.AddScoped<SlaService>();
        services.AddScoped<SlaClocks>();
        services.AddSingleton<SlaClockStart>();
        services.AddScoped<ReleaseReminderPlan>();
        services.AddScoped<CmdbRisks>();
        services.AddScoped<Changes.ChangeService>();
        services.AddScoped<Changes.ReleaseService>();
        services.AddOptions<Changes.ReleaseOptions>()
            .Validate(o => o.CheckEvery > TimeSpan.Zero, $"{Changes.ReleaseOptions.Section}:{nameof(Changes.ReleaseOptions.CheckEvery)} must be a positive duration (1 minute: 00:01:00).")
            .ValidateOnStart();
        services.AddScoped<Changes.RecentReleases>();
        services.AddScoped<Cmdb.Import.CmdbImporter>();
        services.AddScoped<Cmdb.Discovery.DiscoveryService>();
        services.AddScoped<Cmdb.Discovery.StaleAssetFlags>();
        services.AddOptions<Cmdb.Discovery.DiscoveryOptions>();
        services.AddScoped<KnowledgeService>();
        services.AddScoped<IncidentService>();
        services.AddScoped<IncidentChannels>();
        services.AddScoped<IOutboxFollowUp>(sp => sp.GetRequiredService<IncidentChannels>());
        services.AddOptions<IncidentOptions>();
        services.AddSingleton<AlertIngestGate>();
        services.AddScoped<WebhookService>();
        services.AddScoped<AlertIngestService>();
        services.AddScoped<IncidentMetricsService>();
        services.AddScoped<IncidentPostmortemService>();
        services.AddScoped<ProblemService>();
        services.AddScoped<ProblemDetector>();
        services.AddOptions<ProblemOptions>();
        services.AddScoped<ChangeCalendarService>();
        services.AddScoped<Drills.DrillService>();
        services.AddScoped<Drills.DrillReminders>();
        services.AddOptions<Drills.DrillOptions>()
            .Validate(o => o.RemindBefore >= TimeSpan.Zero, $"{Drills.DrillOptions.Section}:{nameof(Drills.DrillOptions.RemindBefore)} must not be negative (3 days: 3.00:00:00).")
            .ValidateOnStart();
        services.AddScoped<Synthetic.SyntheticCheckService>();
        services.AddSingleton<Synthetic.SyntheticProbe>();
        services.AddHttpClient(Synthetic.SyntheticProbe.HttpClientName, c => c.DefaultRequestHeaders.UserAgent.ParseAdd("BakeryBot-synthetic-check/1.0"))
            // A redirect is an answer (up); it is not followed.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddOptions<Synthetic.SyntheticOptions>()
            .Validate(o => o.CheckEvery > TimeSpan.Zero, $"{Synthetic.SyntheticOptions.Section}:{nameof(Synthetic.SyntheticOptions.CheckEvery)} must be a positive duration (2 minutes: 00:02:00).")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.Timeout < o.CheckEvery, $"{Synthetic.SyntheticOptions.Section}:{nameof(Synthetic.SyntheticOptions.Timeout)} must be a positive duration shorter than {Synthetic.SyntheticOptions.Section}:{nameof(Synthetic.SyntheticOptions.CheckEvery)} (10 seconds: 00:00:10).")
            .Validate(o => o.FailuresToOpen >= 1, $"{Synthetic.SyntheticOptions.Section}:{nameof(Synthetic.SyntheticOptions.FailuresToOpen)} must be at least 1 (3 failed probes in a row).")
            .ValidateOnStart();
        services.AddScoped<Digests.DigestService>();
        services.AddScoped<Digests.DigestSubscriptionService>();
        services.AddScoped<Digests.DigestReminders>();
        services.AddScoped<Home.HomeService>();
        services.AddSingleton<Jobs.JobCatalog>();
        services.AddSingleton<Jobs.JobRunner>();
        return services;
    }
}
