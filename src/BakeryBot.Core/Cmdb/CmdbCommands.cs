using BakeryBot.Core.Chat;
using BakeryBot.Core.People;

namespace BakeryBot.Core.Cmdb;

/// <summary>The <c>/cmdb</c> and <c>/catalog</c> commands.</summary>
public sealed partial class CmdbCommands : IChatModule
{
    public void Map(CommandMap map)
    {
        map.Command("cmdb", "the CMDB: services, assets, people and how they relate")
            .Verb("add", "/cmdb add <type> <name> [tier:1] [owner:@u] [sme:@u] [uptime:99.95] [vendor:<name>] [third-party:true] [uses:\"...\"] [risks:\"...\"] [key:value...]", "add a configuration item", AddAsync)
            .Verb("show", "/cmdb show <name>", "a CI: attributes, links both ways, open incidents, health", ShowAsync)
            .Verb("find", "/cmdb find <words> [key:value...]", "CIs by name, vendor, uses or attributes", FindAsync)
            .Verb("link", "/cmdb link <a> <relation> <b> [redundant:<group>]", "relate two CIs (depends-on, runs-on, part-of, located-in, owned-by, supplied-by)", LinkAsync)
            .Verb("unlink", "/cmdb unlink <a> <relation> <b>", "remove a relation", UnlinkAsync)
            .Verb("impact", "/cmdb impact <name>", "everything its failure reaches, grouped by service", ImpactAsync)
            .Verb("risks", "/cmdb risks", "key-person risk, warranties and contracts ending soon, assets past end of life, third parties on tier-1 chains", RisksAsync);
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
        var ci = await ctx.Get<CmdbService>().AddAsync(ctx.Tenant.Id, type, positional[1].Text, ctx.Args.Options,
            async user => (await identities.FindOrCreateAsync(ctx.Tenant, user.TrimStart('@'), ctx.Cancellation)).Id, ctx.Cancellation);
        var view = await ctx.Get<CmdbService>().ViewAsync(ci, ctx.Cancellation);
        return ChatReply.Private($"Added {type.ToString().ToLowerInvariant()} `{ci.Name}` to the CMDB.", CmdbCards.Card(view));
    }

    private static async Task<ChatReply> ShowAsync(CommandContext ctx)
    {
        var service = ctx.Get<CmdbService>();
        var ci = await RequireAsync(ctx, "/cmdb show oven-2");
        return ChatReply.Private("", CmdbCards.Card(await service.ViewAsync(ci, ctx.Cancellation)));
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
        var words = $"`{from}` {CmdbService.RelationWord(relation)} `{to}`";
        return ChatReply.Private(linked ? $"Linked: {words}." : $"{words} was linked already.");
    }

    private static async Task<ChatReply> UnlinkAsync(CommandContext ctx)
    {
        var (from, relation, to) = Triple(ctx, "/cmdb unlink cookie-shop runs-on oven-2");
        var removed = await ctx.Get<CmdbService>().UnlinkAsync(ctx.Tenant.Id, from, relation, to, ctx.Cancellation);
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
