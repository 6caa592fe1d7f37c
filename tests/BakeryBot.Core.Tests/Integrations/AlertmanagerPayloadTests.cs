using System.Text;
using BakeryBot.Core.Integrations;
using CsCheck;

namespace BakeryBot.Core.Tests.Integrations;

/// <summary>Reading Alertmanager's webhook body: real shapes in, short messages (never exceptions) for the rest.</summary>
public sealed class AlertmanagerPayloadTests
{
    /// <summary>As Alertmanager 0.27 posts it: nanosecond times, the zero end time of a firing alert, escaped ampersands.</summary>
    private const string Real = """
        {
          "receiver": "bakerybot",
          "status": "firing",
          "alerts": [
            {
              "status": "firing",
              "labels": { "alertname": "OvenTooHot", "instance": "oven-2:9100", "job": "ovens", "severity": "critical" },
              "annotations": { "description": "Oven 2 is at 260°C.", "summary": "Oven 2 overheating" },
              "startsAt": "2026-11-26T08:58:26.739266876+01:00",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "http://prometheus:9090/graph?g0.expr=oven_temperature_celsius+%3E+250\u0026g0.tab=1",
              "fingerprint": "1a30ba71cca2921f"
            },
            {
              "status": "resolved",
              "labels": { "alertname": "OvenTooHot", "instance": "oven-3:9100", "job": "ovens", "severity": "critical" },
              "annotations": {},
              "startsAt": "2026-11-26T07:00:00Z",
              "endsAt": "2026-11-26T08:00:00.5Z",
              "generatorURL": "",
              "fingerprint": "2b41cb82ddb3a30f"
            }
          ],
          "groupLabels": { "alertname": "OvenTooHot" },
          "commonLabels": { "alertname": "OvenTooHot", "job": "ovens", "severity": "critical" },
          "commonAnnotations": {},
          "externalURL": "http://alertmanager:9093",
          "version": "4",
          "groupKey": "{}/{severity=\"critical\"}:{alertname=\"OvenTooHot\"}",
          "truncatedAlerts": 0
        }
        """;

    [Fact]
    public void A_real_payload_is_read_whole()
    {
        var parsed = Parse(Real);

        Assert.Null(parsed.Error);
        var payload = parsed.Payload!;
        Assert.Equal(("4", "firing", "bakerybot", 0), (payload.Version, payload.Status, payload.Receiver, payload.TruncatedAlerts));
        Assert.Equal("{}/{severity=\"critical\"}:{alertname=\"OvenTooHot\"}", payload.GroupKey);
        Assert.Equal("http://alertmanager:9093", payload.ExternalUrl);
        Assert.Equal("ovens", payload.CommonLabels["job"]);
        Assert.Equal("OvenTooHot", payload.GroupLabels["alertname"]);
        var (firing, resolved) = (payload.Alerts[0], payload.Alerts[1]);
        Assert.True(firing.IsFiring);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 7, 58, 26, TimeSpan.Zero), firing.StartsAt.AddTicks(-(firing.StartsAt.Ticks % TimeSpan.TicksPerSecond)));
        Assert.Equal(TimeSpan.Zero, firing.StartsAt.Offset);
        Assert.Null(firing.EndsAt);
        Assert.Equal("http://prometheus:9090/graph?g0.expr=oven_temperature_celsius+%3E+250&g0.tab=1", firing.GeneratorUrl);
        Assert.Equal(("1a30ba71cca2921f", "critical", "Oven 2 overheating"), (firing.Fingerprint, firing.Label("severity"), firing.Annotation("summary")));
        Assert.False(resolved.IsFiring);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 0, 0, 500, TimeSpan.Zero), resolved.EndsAt);
        Assert.Null(resolved.Annotation("summary"));
        Assert.Equal("oven-2", AlertIngestService.CiName(firing));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"version":"3","alerts":[]}""", "Version \"3\" is not supported")]
    [InlineData("""{"alerts":[]}""", "`version` is missing")]
    [InlineData("""{"version":4,"alerts":[]}""", "`version` must be a string")]
    [InlineData("""{"version":"4"}""", "`alerts` must be an array")]
    [InlineData("""{"version":"4","alerts":[1]}""", "`alerts[0]` must be an object")]
    [InlineData("""{"version":"4","alerts":[{"status":"burning","startsAt":"2026-11-26T09:00:00Z"}]}""", "`alerts[0].status` is \"burning\"")]
    [InlineData("""{"version":"4","alerts":[{"status":"firing"}]}""", "`alerts[0].startsAt` is missing")]
    [InlineData("""{"version":"4","alerts":[{"status":"firing","startsAt":"yesterday"}]}""", "`alerts[0].startsAt` is not a time")]
    [InlineData("""{"version":"4","alerts":[{"status":"firing","startsAt":"2026-11-26T09:00:00Z","labels":{"a":{"b":1}}}]}""", "`alerts[0].labels.a` must be a string")]
    [InlineData("""{"version":"4","alerts":[],"commonLabels":[]}""", "`commonLabels` must be an object")]
    public void What_is_wrong_comes_back_as_a_short_message(string json, string expected)
    {
        var parsed = Parse(json);

        Assert.Null(parsed.Payload);
        Assert.Contains(expected, parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_without_throwing()
    {
        var deep = """{"version":"4","alerts":[],"x":""" + new string('[', 200) + new string(']', 200) + "}";

        Assert.Contains("not valid JSON", Parse(deep).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alert_without_a_fingerprint_gets_a_stable_one_from_its_labels()
    {
        static string Fingerprint(string labels) =>
            Parse($$"""{"version":"4","alerts":[{"status":"firing","startsAt":"2026-11-26T09:00:00Z","labels":{{labels}}}]}""").Payload!.Alerts[0].Fingerprint;

        var one = Fingerprint("""{"alertname":"A","instance":"x"}""");

        Assert.StartsWith("labels-", one, StringComparison.Ordinal);
        Assert.Equal(one, Fingerprint("""{"instance":"x","alertname":"A"}"""));
        Assert.NotEqual(one, Fingerprint("""{"alertname":"A","instance":"y"}"""));
    }

    [Fact]
    public void Any_bytes_give_a_payload_or_a_message_and_never_an_exception()
    {
        Gen.Byte.Array[0, 512].Sample(bytes =>
        {
            var parsed = AlertmanagerPayload.Parse(bytes);
            return (parsed.Payload is null) != (parsed.Error is null);
        });
        string[] parts = ["{", "}", "[", "]", "\"version\"", ":", "\"4\"", ",", "\"alerts\"", "{\"status\":\"firing\"", "\"startsAt\"", "\"2026-11-26T09:00:00Z\"", "null", "1"];
        Gen.Int[0, parts.Length - 1].Select(i => parts[i])
            .Array[0, 40]
            .Select(chosen => string.Concat(chosen))
            .Sample(text =>
            {
                var parsed = Parse(text);
                return (parsed.Payload is null) != (parsed.Error is null);
            });
    }

    private static AlertmanagerParse Parse(string json) => AlertmanagerPayload.Parse(Encoding.UTF8.GetBytes(json));
}
