using System.Globalization;
using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Knowledge;

/// <summary>The <c>/kb</c> command: runbooks and recipes.</summary>
public sealed class KnowledgeCommands : IChatModule
{
    public void Map(CommandMap map) =>
        map.Command("kb", "runbooks and recipes")
            .Verb("add", "/kb add <title|\"a title\"> [ci:<name>] <text or link>", "write one down (for a CI, it shows on that CI's incidents)", AddAsync)
            .Verb("search", "/kb search <words>", "find the best matches", SearchAsync);

    private static async Task<ChatReply> AddAsync(CommandContext ctx)
    {
        ctx.Args.RejectUnknownOptions("ci");
        var title = ctx.Args.Take(t => t.Kind is TokenKind.Quoted or TokenKind.Word)?.Text
            ?? throw new UserException("Give a title and the text, as in `/kb add \"Oven won't heat\" ci:oven-2 check the thermostat fuse`.");
        var article = await ctx.Get<KnowledgeService>().AddAsync(ctx.Tenant, ctx.Actor, title, ctx.Args.Option("ci"), ctx.Args.RestAsText(), ctx.Cancellation);
        return ChatReply.Private($"Saved \"{article.Title}\" (kb-{article.Id.ToString(CultureInfo.InvariantCulture)}).");
    }

    private static async Task<ChatReply> SearchAsync(CommandContext ctx)
    {
        var words = ctx.Args.Positional.Select(t => t.Text).ToList();
        var found = await ctx.Get<KnowledgeService>().SearchAsync(ctx.Tenant.Id, words, ctx.Cancellation);
        if (found.Count == 0)
        {
            return ChatReply.Private("Nothing in the knowledge base matches that. Write it down with `/kb add`.");
        }

        var sections = found.Select(a => (CardSection)new TextSection($"{a.Title}\n{KnowledgeService.Excerpt(a.Body)}")).ToList();
        return ChatReply.Private("", new Card($"{found.Count} match{(found.Count == 1 ? "" : "es")}", CardAccent.Info, sections, []));
    }
}
