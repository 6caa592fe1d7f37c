namespace BakeryBot.Host.Tests.Hooks;

/// <summary>
/// Webhook bodies shaped exactly as Alertmanager (0.27) posts them for one group of two alerts:
/// nanosecond times, the zero end time of firing alerts, <c>\u0026</c> in generator URLs, the group
/// key, external URL and <c>truncatedAlerts</c>. Kept as C# raw strings so no project item is needed.
/// </summary>
public static class AlertmanagerSamples
{
    public const string Oven2Fingerprint = "5d2b7d0f1c4e8a93";
    public const string Oven3Fingerprint = "a0c6e14b92f7d358";

    /// <summary>Both ovens too hot: oven-2 critical, oven-3 a warning.</summary>
    public const string Firing = """
        {
          "receiver": "bakerybot",
          "status": "firing",
          "alerts": [
            {
              "status": "firing",
              "labels": {
                "alertname": "OvenTooHot",
                "instance": "oven-2:9100",
                "job": "ovens",
                "severity": "critical",
                "site": "bakery-2"
              },
              "annotations": {
                "description": "oven_temperature_celsius is 262 on oven-2:9100 (threshold 250) for 5 minutes.",
                "runbook_url": "https://runbooks.bakery.test/ovens/too-hot",
                "summary": "Oven 2 is overheating"
              },
              "startsAt": "2026-11-26T08:52:14.482734619Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus.bakery.test:9090/graph?g0.expr=oven_temperature_celsius+%3E+250\u0026g0.tab=1",
              "fingerprint": "5d2b7d0f1c4e8a93"
            },
            {
              "status": "firing",
              "labels": {
                "alertname": "OvenTooHot",
                "instance": "oven-3:9100",
                "job": "ovens",
                "severity": "warning",
                "site": "bakery-2"
              },
              "annotations": {
                "description": "oven_temperature_celsius is 251 on oven-3:9100 (threshold 250) for 5 minutes.",
                "runbook_url": "https://runbooks.bakery.test/ovens/too-hot",
                "summary": "Oven 3 is overheating"
              },
              "startsAt": "2026-11-26T08:53:44.104388215Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus.bakery.test:9090/graph?g0.expr=oven_temperature_celsius+%3E+250\u0026g0.tab=1",
              "fingerprint": "a0c6e14b92f7d358"
            }
          ],
          "groupLabels": {
            "alertname": "OvenTooHot"
          },
          "commonLabels": {
            "alertname": "OvenTooHot",
            "job": "ovens",
            "site": "bakery-2"
          },
          "commonAnnotations": {
            "runbook_url": "https://runbooks.bakery.test/ovens/too-hot"
          },
          "externalURL": "http://alertmanager.bakery.test:9093",
          "version": "4",
          "groupKey": "{}/{job=\"ovens\"}:{alertname=\"OvenTooHot\"}",
          "truncatedAlerts": 0
        }
        """;

    /// <summary>The next notification of the group: oven-2 has cooled down, oven-3 is still too hot.</summary>
    public const string Oven2Resolved = """
        {
          "receiver": "bakerybot",
          "status": "firing",
          "alerts": [
            {
              "status": "resolved",
              "labels": {
                "alertname": "OvenTooHot",
                "instance": "oven-2:9100",
                "job": "ovens",
                "severity": "critical",
                "site": "bakery-2"
              },
              "annotations": {
                "description": "oven_temperature_celsius is 262 on oven-2:9100 (threshold 250) for 5 minutes.",
                "runbook_url": "https://runbooks.bakery.test/ovens/too-hot",
                "summary": "Oven 2 is overheating"
              },
              "startsAt": "2026-11-26T08:52:14.482734619Z",
              "endsAt": "2026-11-26T09:07:14.482734619Z",
              "generatorURL": "http://prometheus.bakery.test:9090/graph?g0.expr=oven_temperature_celsius+%3E+250\u0026g0.tab=1",
              "fingerprint": "5d2b7d0f1c4e8a93"
            },
            {
              "status": "firing",
              "labels": {
                "alertname": "OvenTooHot",
                "instance": "oven-3:9100",
                "job": "ovens",
                "severity": "warning",
                "site": "bakery-2"
              },
              "annotations": {
                "description": "oven_temperature_celsius is 251 on oven-3:9100 (threshold 250) for 5 minutes.",
                "runbook_url": "https://runbooks.bakery.test/ovens/too-hot",
                "summary": "Oven 3 is overheating"
              },
              "startsAt": "2026-11-26T08:53:44.104388215Z",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus.bakery.test:9090/graph?g0.expr=oven_temperature_celsius+%3E+250\u0026g0.tab=1",
              "fingerprint": "a0c6e14b92f7d358"
            }
          ],
          "groupLabels": {
            "alertname": "OvenTooHot"
          },
          "commonLabels": {
            "alertname": "OvenTooHot",
            "job": "ovens",
            "site": "bakery-2"
          },
          "commonAnnotations": {
            "runbook_url": "https://runbooks.bakery.test/ovens/too-hot"
          },
          "externalURL": "http://alertmanager.bakery.test:9093",
          "version": "4",
          "groupKey": "{}/{job=\"ovens\"}:{alertname=\"OvenTooHot\"}",
          "truncatedAlerts": 0
        }
        """;
}
