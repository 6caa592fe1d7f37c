using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb.Discovery;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using BakeryBot.Core.Synthetic;
using Microsoft.Extensions.Options;

namespace BakeryBot.Core.Cmdb;

/// <summary>The <c>/cmdb</c> and <c>/catalog</c> commands.</summary>
public sealed partial class CmdbCommands : IChatModule
{
    public void Map(CommandMap map)
    {
        map.Command("cmdb", "the CMDB: services, assets, people and how they relate")
            .Verb("add", "/cmdb add <type> <name> [tier:1] [owner:@u] [sme:@u] [uptime:99.95] [vendor:<name>] [third-party:true] [uses:\"...\"] [risks:\"...\"] [serial:<sn>] [credit:\"99.9:10,99:25\"] [fee:\"1200 EUR\"] [check_url:https://...] [key:value...]", "add a configuration item", AddAsync)
            .Verb("show", "/cmdb show <name>", "a CI: attributes, links both ways, open incidents, health", ShowAsync)
            .Verb("set", "/cmdb set <name> key:value...", "change a CI's attributes (the keys of add)", SetAsync)
            .Verb("history", "/cmdb history <name>", "who changed a CI, when, from where, and what", HistoryAsync)
            .Verb("find", "/cmdb find <words> [key:value...]", "CIs by name, vendor, uses or attributes", FindAsync)
            .Verb("link", "/cmdb link <a> <relation> <b> [redundant:<group>]", "relate two CIs (depends-on, runs-on, part-of, located-in, owned-by, supplied-by)", LinkAsync)
            .Verb("unlink", "/cmdb unlink <a> <relation> <b>", "remove a relation", UnlinkAsync)
            .Verb("impact", "/cmdb impact <name>", "everything its failure reaches, grouped by service", ImpactAsync)
            .Verb("risks", "/cmdb risks", "key-person risk, warranties and contracts ending soon, assets past end of life, third parties on tier-1 chains", RisksAsync)
            .Verb("stale", "/cmdb stale", "assets scanners have stopped reporting", StaleAsync)
            .Verb("discovered", "/cmdb discovered [all]", "software, cloud and SaaS scanners found outside the CMDB (shadow IT), to adopt or dismiss", DiscoveredAsync)
            .Verb("adopt", "/cmdb adopt <name> [type:software|cloud|service]", "make a discovery a CI", AdoptAsync)
            .Verb("dismiss", "/cmdb dismiss <name>", "mark a discovery as known and kept outside the CMDB", DismissAsync);
        map.Action(DiscoveryService.AdoptAction, "Adopt", AdoptAsync);
        map.Action(DiscoveryService.DismissAction, "Dismiss", DismissAsync);
        map.Command("catalog", "the service catalogue: services with tier, owner, SLA and health")
            .Fallback("/catalog", "list the services", CatalogAsync, whenBare: true)
            .Verb("list", "/catalog list", "the same", CatalogAsync);
    }

    private static async Task<ChatReply> AddAsync(CommandContext ctx)
    {
        var positional = ctx.Args.Positional;
        if (positional.Count < 2)
        {
            throw new UserException("Give a type and a name, as in `/cmdb add asset oven-2 serial:SN-1`.");
        }

        if (positional.Count > 2)
        {
            throw new UserException($"`{positional[2]}` is extra: a CI name is one word (like `oven-2`); attributes are `key:value`.");
        }

        var type = CmdbService.ParseType(positional[0].Text);
        var identities = ctx.Get<IdentityService>();
        var db = ctx.Get<BakeryDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ctx.Cancellation);
        var ci = await ctx.Get<CmdbService>().AddAsync(ctx.Tenant.Id, type, positional[1].Text, ctx.Args.Options,
            async user => (await identities.FindOrCreateAsync(ctx.Tenant, user.TrimStart('@'), ctx.Cancellation)).Id, ctx.Cancellation);
        await WatchAsync(ctx, ci);
        await db.CommitAsync(transaction, ctx.Cancellation);
        var view = await ctx.Get<CmdbService>().ViewAsync(ci, ctx.Cancellation);
        return ChatReply.Private($"Added {type.ToString().ToLowerInvariant()} `{ci.Name}` to the CMDB.{CheckNote(ctx, ci)}", CmdbCards.Card(view, today: Today(ctx)));
    }

    /// <summary>A <c>check_url</c> given in a command starts (or stops) the CI's synthetic check, posting its incidents in this conversation.</summary>
    private static async Task WatchAsync(CommandContext ctx, ConfigurationItem ci)
    {
        if (ctx.Args.HasOption(AssetValues.CheckUrlKey))
        {
            await ctx.Get<SyntheticCheckService>().WatchAsync(ci, ctx.Request.Platform, ctx.Request.ChannelId, ctx.Cancellation);
        }
    }

    private static string CheckNote(CommandContext ctx, ConfigurationItem ci) =>
        !ctx.Args.HasOption(AssetValues.CheckUrlKey) ? ""
        : ci.Attributes.TryGetValue(AssetValues.CheckUrlKey, out var url)
            ? $" Its synthetic check probes {url} every {Durations.Humanize(ctx.Get<IOptions<SyntheticOptions>>().Value.CheckEvery, ctx.Culture)}; failures open an incident in this conversation."
            : " Its synthetic check is stopped.";

    private static async Task<ChatReply> ShowAsync(CommandContext ctx)
    {
        var service = ctx.Get<CmdbService>();
        var ci = await RequireAsync(ctx, "/cmdb show oven-2");
        var synthetic = ctx.Get<SyntheticCheckService>();
        var check = await synthetic.FindAsync(ci.Id, ctx.Cancellation) is { } found ? await synthetic.DescribeAsync(found, ctx.Culture, ctx.Cancellation) : null;
        return ChatReply.Private("", CmdbCards.Card(await service.ViewAsync(ci, ctx.Cancellation), Sighting(ctx, ci), Today(ctx), check));
    }

    private static async Task<ChatReply> SetAsync(CommandContext ctx)
    {
        var ci = await RequireAsync(ctx, "/cmdb set oven-2 tier:1 owner:@you");
        if (ctx.Args.Positional.Count > 1)
        {
            throw new UserException($"`{ctx.Args.Positional[1]}` is extra: give the CI's name, then `key:value` pairs, as in `/cmdb set {ci.Name} tier:1`.");
        }

        if (ctx.Args.Options.Count == 0)
        {
            throw new UserException($"What to set? Give `key:value` pairs, as in `/cmdb set {ci.Name} tier:1 sme:@you`.");
        }

        var identities = ctx.Get<IdentityService>();
        var db = ctx.Get<BakeryDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ctx.Cancellation);
        var changes = await ctx.Get<CmdbService>().UpdateAsync(ci, ctx.Args.Options,
            async user => (await identities.FindOrCreateAsync(ctx.Tenant, user.TrimStart('@'), ctx.Cancellation)).Id, ctx.Cancellation);
        await WatchAsync(ctx, ci);
        await db.CommitAsync(transaction, ctx.Cancellation);
        return ChatReply.Private((changes.Count == 0 ? $"`{ci.Name}` had those values already." : $"Updated `{ci.Name}`: {string.Join("; ", changes)}.") + CheckNote(ctx, ci));
    }

    private static async Task<ChatReply> HistoryAsync(CommandContext ctx)
    {
        var ci = await RequireAsync(ctx, "/cmdb history oven-2");
        var history = await ctx.Get<CmdbService>().HistoryAsync(ci, 15, ctx.Cancellation);
        var lines = history.Select(h => $"{h.Entry.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC · {h.Actor ?? h.Entry.Platform ?? "the bot"}" +
                                        $"{(h.Entry.Platform is { } p && h.Actor is not null ? $" ({p})" : "")} · {h.Entry.Action}{CmdbHistory.Describe(h.Entry.Changes)}");
        return ChatReply.Private("", new Card($"History of {ci.Name}", CardAccent.Info,
            [new TextSection(history.Count == 0 ? "No changes recorded." : string.Join('\n', lines))], []));
    }

    private static async Task<ChatReply> FindAsync(CommandContext ctx)
    {
        var words = ctx.Args.Positional.Select(t => t.Text).ToList();
        if (words.Count == 0 && ctx.Args.Options.Count == 0)
        {
            throw new UserException("What to look for? As in `/cmdb find oven` or `/cmdb find vendor:acme`.");
        }

        var found = await ctx.Get<CmdbService>().FindAsync(ctx.Tenant.Id, words, ctx.Args.Options, ctx.Cancellation);
        if (found.Count == 0)
        {
            return ChatReply.Private("Nothing in the CMDB matches that.");
        }

        var lines = string.Join('\n', found.Select(c => $"{c.Name} · {c.Type.ToString().ToLowerInvariant()}{(c.Tier is { } t ? $" · tier {t}" : "")}{(c.Health is { } h ? $" · {h}" : "")}"));
        return ChatReply.Private("", new Card($"{found.Count} CI{(found.Count == 1 ? "" : "s")} found", CardAccent.Info, [new TextSection(lines)], []));
    }

    private static async Task<ChatReply> LinkAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions("redundant");
        var (from, relation, to) = Triple(ctx, "/cmdb link cookie-shop runs-on oven-2");
        var linked = await ctx.Get<CmdbService>().LinkAsync(ctx.Tenant.Id, from, relation, to, ctx.Args.Option("redundant"), ctx.Cancellation);
        if (linked)
        {
            // What the open incidents reach may have changed: their SLA clocks follow.
            await ctx.Get<Sla.SlaClocks>().PlanOpenAndSaveAsync(ctx.Tenant.Id, ctx.Cancellation);
        }

        var words = $"`{from}` {CmdbService.RelationWord(relation)} `{to}`";
        return ChatReply.Private(linked ? $"Linked: {words}." : $"{words} was linked already.");
    }

    private static async Task<ChatReply> UnlinkAsync(CommandContext ctx)
    {
        var (from, relation, to) = Triple(ctx, "/cmdb unlink cookie-shop runs-on oven-2");
        var removed = await ctx.Get<CmdbService>().UnlinkAsync(ctx.Tenant.Id, from, relation, to, ctx.Cancellation);
        if (removed)
        {
            await ctx.Get<Sla.SlaClocks>().PlanOpenAndSaveAsync(ctx.Tenant.Id, ctx.Cancellation);
        }

        var words = $"`{from}` {CmdbService.RelationWord(relation)} `{to}`";
        return ChatReply.Private(removed ? $"Unlinked: {words}." : $"There was no link {words}.");
    }

    private static async Task<ChatReply> ImpactAsync(CommandContext ctx)
    {
        var ci = await RequireAsync(ctx, "/cmdb impact oven-2");
        var impact = await ctx.Get<CmdbGraph>().ImpactAsync(ctx.Tenant.Id, [ci.Id], ctx.Cancellation);
        return ChatReply.Private("", CmdbCards.Impact(ci, impact));
    }

    private static async Task<ChatReply> RisksAsync(CommandContext ctx) =>
        ChatReply.Private("", CmdbRisks.Card(await ctx.Get<CmdbRisks>().FindAsync(ctx.Tenant.Id, ctx.Cancellation)));

    private static DateOnly Today(CommandContext ctx) => DateOnly.FromDateTime(ctx.Get<TimeProvider>().GetUtcNow().UtcDateTime);

    private static CiSighting? Sighting(CommandContext ctx, ConfigurationItem ci)
    {
        if (ci.LastSeenAt is not { } seen)
        {
            return null;
        }

        var discovery = ctx.Get<DiscoveryService>();
        var now = ctx.Get<TimeProvider>().GetUtcNow();
        return new CiSighting(Durations.Humanize(now - seen, ctx.Culture), ci.DiscoveredBy ?? "a scanner", ci.Type == CiType.Asset && discovery.IsStale(ci), Durations.Humanize(discovery.StaleAfter, ctx.Culture));
    }

    private static async Task<ChatReply> StaleAsync(CommandContext ctx)
    {
        var discovery = ctx.Get<DiscoveryService>();
        var stale = await discovery.StaleAsync(ctx.Tenant.Id, ctx.Cancellation);
        return ChatReply.Private("", DiscoveryCards.Stale(stale, discovery.StaleAfter, ctx.Get<TimeProvider>().GetUtcNow(), ctx.Culture));
    }

    private static async Task<ChatReply> DiscoveredAsync(CommandContext ctx)
    {
        var all = ctx.Args.Take(t => t.Kind == TokenKind.Word && t.Text.Equals("all", StringComparison.OrdinalIgnoreCase)) is not null;
        if (ctx.Args.Positional.Count > 0)
        {
            throw new UserException("`/cmdb discovered` lists what is unreviewed; `/cmdb discovered all` lists everything scanners found outside the CMDB.");
        }

        return DiscoveryCards.List(await ctx.Get<DiscoveryService>().ListAsync(ctx.Tenant.Id, all, ctx.Cancellation), all);
    }

    private static async Task<ChatReply> AdoptAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions("type");
        var type = ctx.Args.Option("type") is { } t ? CmdbService.ParseType(t) : (CiType?)null;
        var discovery = ctx.Get<DiscoveryService>();
        var item = await DiscoveredAsync(ctx, "/cmdb adopt tableau");
        var (changed, ci) = await discovery.AdoptAsync(ctx.Tenant, ctx.Actor, item, type, ctx.Cancellation);
        var card = DiscoveryCards.Card(item, ctx.Actor.DisplayName, ci?.Name);
        return changed
            ? (ctx.Request.IsAction ? ChatReply.None : ChatReply.Private($"{item.Name} is in the CMDB now as `{ci!.Name}`; add its owner and experts with `/cmdb add` keys, e.g. `/cmdb show {ci.Name}`.")) with { UpdatedCard = card }
            : ChatReply.Private($"{item.Name} was {item.Review.ToString().ToLowerInvariant()} already.") with { UpdatedCard = card };
    }

    private static async Task<ChatReply> DismissAsync(CommandContext ctx)
    {
        var discovery = ctx.Get<DiscoveryService>();
        var item = await DiscoveredAsync(ctx, "/cmdb dismiss tableau");
        var changed = await discovery.DismissAsync(ctx.Tenant, ctx.Actor, item, ctx.Cancellation);
        var card = DiscoveryCards.Card(item, ctx.Actor.DisplayName);
        return changed
            ? (ctx.Request.IsAction ? ChatReply.None : ChatReply.Private($"{item.Name} dismissed: scanners' later reports of it stay quiet.")) with { UpdatedCard = card }
            : ChatReply.Private($"{item.Name} was {item.Review.ToString().ToLowerInvariant()} already.") with { UpdatedCard = card };
    }

    /// <summary>The discovery a button (its number as the value) or a command (a name or #number) means.</summary>
    private static async Task<DiscoveredItem> DiscoveredAsync(CommandContext ctx, string usage)
    {
        var discovery = ctx.Get<DiscoveryService>();
        if (ctx.Request.IsAction)
        {
            return int.TryParse(ctx.Request.ActionValue, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                   && await discovery.FindAsync(ctx.Tenant.Id, id, ctx.Cancellation) is { } item
                ? item
                : throw new UserException("That discovery is gone.");
        }

        var name = ctx.Args.RestAsText().Trim();
        return name.Length == 0
            ? throw new UserException($"Which one? Name it as `/cmdb discovered` lists it, as in `{usage}`.")
            : await discovery.FindAsync(ctx.Tenant.Id, name, ctx.Cancellation);
    }

    private static async Task<ChatReply> CatalogAsync(CommandContext ctx)
    {
        var services = await ctx.Get<CmdbService>().CatalogAsync(ctx.Tenant.Id, ctx.Cancellation);
        return services.Count == 0
            ? ChatReply.Private("No services in the CMDB yet. Add one with `/cmdb add service online-ordering tier:1 uptime:99.9 owner:@you`.")
            : ChatReply.Private("", CmdbCards.Catalog(services));
    }

    private static async Task<ConfigurationItem> RequireAsync(CommandContext ctx, string usage)
    {
        var name = (ctx.Args.Positional.Count > 0 ? ctx.Args.Positional[0].Text : null)
            ?? throw new UserException($"Which CI? Give its name, as in `{usage}`.");
        return await ctx.Get<CmdbService>().FindAsync(ctx.Tenant.Id, name, ctx.Cancellation)
            ?? throw new UserException($"`{name}` is not in the CMDB. Add it with `/cmdb add <type> {name}`.");
    }

    private static (string From, CiRelation Relation, string To) Triple(CommandContext ctx, string usage)
    {
        var words = ctx.Args.Positional;
        if (words.Count != 3)
        {
            throw new UserException($"Write two CIs and the relation between them, as in `{usage}`.");
        }

        return (words[0].Text, CmdbService.ParseRelation(words[1].Text), words[2].Text);
    }
}
