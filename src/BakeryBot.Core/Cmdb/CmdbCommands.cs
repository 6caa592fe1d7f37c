using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Cmdb;

/// <summary>The <c>/cmdb</c> command: configuration items.</summary>
public sealed class CmdbCommands : IChatModule
{
    public void Map(CommandMap map) =>
        map.Command("cmdb", "the CMDB: services, assets, people and how they relate")
            .Verb("add", "/cmdb add <type> <name> [key:value...]", "add a configuration item", AddAsync)
            .Verb("show", "/cmdb show <name>", "show a configuration item", ShowAsync);

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
        var ci = await ctx.Get<CmdbService>().AddAsync(ctx.Tenant.Id, type, positional[1].Text, ctx.Args.Options, ctx.Cancellation);
        return ChatReply.Private($"Added {type.ToString().ToLowerInvariant()} `{ci.Name}` to the CMDB.", CmdbCards.Card(ci));
    }

    private static async Task<ChatReply> ShowAsync(CommandContext ctx)
    {
        var name = (ctx.Args.Positional.Count > 0 ? ctx.Args.Positional[0].Text : null)
            ?? throw new UserException("Which CI? Give its name, as in `/cmdb show oven-2`.");
        var ci = await ctx.Get<CmdbService>().FindAsync(ctx.Tenant.Id, name, ctx.Cancellation)
            ?? throw new UserException($"`{name}` is not in the CMDB. Add it with `/cmdb add <type> {name}`.");
        return ChatReply.Private("", CmdbCards.Card(ci));
    }
}

/// <summary>How a configuration item looks as a card.</summary>
public static class CmdbCards
{
    public static Card Card(ConfigurationItem ci)
    {
        var fields = new List<CardField> { new("Type", ci.Type.ToString().ToLowerInvariant()) };
        if (ci.Tier is { } tier)
        {
            fields.Add(new("Tier", tier.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (ci.Health is { } health)
        {
            fields.Add(new("Health", health));
        }

        fields.AddRange(ci.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new CardField(a.Key, a.Value)));
        return new Card(ci.Name, CardAccent.Neutral, [new FieldsSection(fields)], []);
    }
}
