using BakeryBot.Core.Chat;
using BakeryBot.Host.Playground;

namespace BakeryBot.Host;

/// <summary>
/// <c>bakerybot seed-demo</c>: a bakery chain in the playground's workspace (bakeries, ovens,
/// thermostats, suppliers, the online-ordering service and its cloud, people, SLAs, a runbook and an
/// incident), typed through the same commands a person would use, so it obeys every rule they do.
/// </summary>
public static class DemoData
{
    public static readonly IReadOnlyList<string> Commands =
    [
        "/cmdb add facility bakery-1 uses:\"the flagship bakery on Main Street\"",
        "/cmdb add facility bakery-2 uses:\"the station bakery\"",
        "/cmdb add cloud eu-west-1 third-party:true vendor:Skyhost uptime:99.95 contract-end:2027-01-15",
        "/cmdb add software ordering-api version:3.4 uptime:99.9 sme:<@bob>",
        "/cmdb add asset oven-1 serial:OV-1001 warranty:2027-03-01 purchase-date:2024-03-01 purchase-price:\"18000 EUR\" useful-life:8y uptime:99.5 sme:<@carol>",
        "/cmdb add asset oven-2 serial:OV-1002 warranty:2026-12-20 uptime:99.5 risks:\"thermostat drifts\"",
        "/cmdb add component thermostat-2 sku:TH-9 count:4",
        "/cmdb add asset mixer-1 end-of-life:2026-06-30",
        "/cmdb add team bakers",
        "/cmdb add facility flour-mill third-party:true vendor:Millers uptime:99",
        "/cmdb add service online-ordering tier:1 uptime:99.9 owner:<@alice> uses:\"orders for delivery and pick-up\"",
        "/cmdb add service cookie-counter tier:2 uptime:99.5 owner:<@carol>",
        "/cmdb link oven-1 located-in bakery-1",
        "/cmdb link oven-2 located-in bakery-2",
        "/cmdb link thermostat-2 part-of oven-2",
        "/cmdb link cookie-counter depends-on oven-1 redundant:ovens",
        "/cmdb link cookie-counter depends-on oven-2 redundant:ovens",
        "/cmdb link cookie-counter supplied-by flour-mill",
        "/cmdb link online-ordering depends-on ordering-api",
        "/cmdb link ordering-api runs-on eu-west-1",
        "/cmdb link online-ordering depends-on cookie-counter",
        "/cmdb link cookie-counter owned-by bakers",
        "/sla set online-ordering sev1 ack:5m resolve:2h",
        "/sla set online-ordering ack:30m resolve:8h",
        "/sla set cookie-counter ack:15m resolve:4h",
        "/sla set eu-west-1 credit:\"99.95:10,99.5:25\" fee:\"2400 EUR\"",
        "/kb add \"Oven won't heat\" ci:oven-2 Check the thermostat fuse, then recalibrate the thermostat against a probe.",
        "/bakery role add <@bob> cab",
        "/bakery role add <@carol> manager",
        "/incident burnt cookies at bakery 2 sev2 ci:oven-2",
        "/drill new \"Bakery 2 can't open\" scenario:site-down ci:bakery-2 every:quarter rto:4h rpo:1h owner:<@carol>",
        "/drill new \"Flour mill can't deliver\" scenario:supplier-down ci:flour-mill every:\"6 months\" rto:1d rpo:1h",
        "/time log 1h30m INC-1 checked the thermostat on:yesterday",
        "/timer start INC-1 recalibrating the thermostat",
        "/digest subscribe weekly tz:Europe/Paris",
    ];

    /// <summary>Types every command as the playground's admin in #incidents; returns how many succeeded.</summary>
    public static async Task<int> SeedAsync(CommandRouter router, TextWriter output, CancellationToken ct)
    {
        var ok = 0;
        foreach (var line in Commands)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var request = new ChatRequest
            {
                Platform = PlaygroundChannels.PlatformKey,
                TenantId = PlaygroundChannels.TenantKey,
                TenantName = "Playground",
                ChannelId = "incidents",
                UserId = "alice",
                UserName = "Alice",
                Command = line[1..space],
                Text = line[(space + 1)..],
            };
            var reply = await router.HandleAsync(request, ct);
            var good = reply.Kind is ReplyKind.Private or ReplyKind.None;
            ok += good ? 1 : 0;
            await output.WriteLineAsync($"{(good ? "ok  " : "SKIP")} {line}{(good ? "" : $"  ({reply.Text.Split('\n')[0]})")}");
        }

        return ok;
    }
}
