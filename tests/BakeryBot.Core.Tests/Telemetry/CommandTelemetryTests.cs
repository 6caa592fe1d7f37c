using System.Diagnostics.Metrics;
using BakeryBot.Core.Telemetry;
using BakeryBot.Core.Tests.Infrastructure;

namespace BakeryBot.Core.Tests.Telemetry;

/// <summary>Metrics are process-wide: tests that count them run alone.</summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>What a command leaves in the logs' scopes and in the metrics.</summary>
[Collection(nameof(MetricsCollection))]
public sealed class CommandTelemetryTests
{
    [Fact]
    public async Task A_command_logs_under_its_platform_tenant_command_and_record_and_is_counted_with_its_outcome()
    {
        var log = new LogLines();
        await using var app = await CoreTestApp.CreateAsync(DbProvider.Sqlite, log.AddTo);
        var counted = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BakeryTelemetry.Name && instrument.Name == "bakerybot.commands")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                all[tag.Key] = tag.Value;
            }

            if (all.GetValueOrDefault("platform") as string == "test")
            {
                lock (counted)
                {
                    counted.Add((value, all));
                }
            }
        });
        listener.Start();

        await app.SendAsync("incident", "burnt cookies sev2");
        await app.SendAsync("incident", "ack inc-1", user: "bob");
        await app.SendAsync("incident", "ack INC-99", user: "bob");
        await app.SendAsync("frobnicate", "now");

        Assert.Contains(log.Scopes, s => (string?)s["Command"] == "incident" && (string?)s["RecordId"] == "INC-1" && (string?)s["Tenant"] == "T1" && (string?)s["Platform"] == "test");
        Assert.Equal(
            [("incident", "ok"), ("incident", "ok"), ("incident", "refused"), ("other", "refused")],
            counted.Select(c => ((string)c.Tags["command"]!, (string)c.Tags["outcome"]!)));
        Assert.All(counted, c => Assert.Equal(1, c.Value));
    }
}
