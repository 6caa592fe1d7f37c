using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BakeryBot.Core.Integrations;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Core.Tests.Integrations;

/// <summary>Builds Alertmanager webhook bodies the way Alertmanager writes them, and feeds them to the core.</summary>
public static partial class AlertPayloads
{
    public const string Zero = "0001-01-01T00:00:00Z";

    /// <summary>One alert of a group, as Alertmanager writes it.</summary>
    public static JsonObject Alert(string fingerprint, string status = "firing", string startsAt = "2026-11-26T08:58:00.123456789Z", string endsAt = Zero,
        string alertname = "OvenTooHot", string? severity = "critical", string? ci = "oven-2", string? description = "Oven 2 is at 260°C for 5 minutes.",
        string? summary = "Oven 2 overheating", params (string Key, string Value)[] labels)
    {
        var labelObject = new JsonObject { ["alertname"] = alertname };
        if (severity is not null)
        {
            labelObject["severity"] = severity;
        }

        if (ci is not null)
        {
            labelObject["ci"] = ci;
        }

        foreach (var (key, value) in labels)
        {
            labelObject[key] = value;
        }

        var annotations = new JsonObject();
        if (summary is not null)
        {
            annotations["summary"] = summary;
        }

        if (description is not null)
        {
            annotations["description"] = description;
        }

        return new JsonObject
        {
            ["status"] = status,
            ["labels"] = labelObject,
            ["annotations"] = annotations,
            ["startsAt"] = startsAt,
            ["endsAt"] = endsAt,
            ["generatorURL"] = "http://prometheus.bakery.test:9090/graph?g0.expr=oven_temperature_celsius+%3E+250&g0.tab=1",
            ["fingerprint"] = fingerprint,
        };
    }

    /// <summary>The group around the alerts: version 4, common labels, group key, external URL.</summary>
    public static string Group(params JsonObject[] alerts)
    {
        var status = alerts.Any(a => a["status"]!.GetValue<string>() == "firing") ? "firing" : "resolved";
        return new JsonObject
        {
            ["receiver"] = "bakerybot",
            ["status"] = status,
            ["alerts"] = new JsonArray(alerts.Select(a => (JsonNode)a.DeepClone()).ToArray()),
            ["groupLabels"] = new JsonObject { ["alertname"] = "OvenTooHot" },
            ["commonLabels"] = new JsonObject { ["alertname"] = "OvenTooHot" },
            ["commonAnnotations"] = new JsonObject(),
            ["externalURL"] = "http://alertmanager.bakery.test:9093",
            ["version"] = "4",
            ["groupKey"] = "{}:{alertname=\"OvenTooHot\"}",
            ["truncatedAlerts"] = 0,
        }.ToJsonString();
    }

    /// <summary>Makes an Alertmanager webhook as the configured admin and reads the token from the answer.</summary>
    public static async Task<(Webhook Hook, string Token, string Reply)> MakeHookAsync(CoreTestApp app, string tenant = "T1", string channel = "C1")
    {
        var reply = await app.SendAsync("bakery", "webhook alertmanager", user: "admin", tenant: tenant, channel: channel);
        var token = TokenPattern().Match(reply.Text).Groups[1].Value;
        var hookId = HookPattern().Match(reply.Text).Groups[1].Value;
        var hook = await app.QueryAsync(db => db.Set<Webhook>().AsNoTracking().SingleAsync(w => w.HookId == hookId));
        return (hook, token, reply.Text);
    }

    public static async Task<AlertIngestSummary> IngestAsync(CoreTestApp app, Webhook hook, string json)
    {
        var parsed = AlertmanagerPayload.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(parsed.Error);
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AlertIngestService>().IngestAsync(hook, parsed.Payload!, CancellationToken.None);
    }

    [GeneratedRegex(@"Bearer ([A-Za-z0-9_-]{43})`")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"/hooks/alertmanager/([A-Za-z0-9_-]{22})")]
    private static partial Regex HookPattern();
}
