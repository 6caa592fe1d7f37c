using BakeryBot.Core.Chat;
using BakeryBot.Core.People;

namespace BakeryBot.Core.Home;

/// <summary>
/// <c>/home</c>: what needs the person who asks, with the buttons of each item's own card. Slack shows it in
/// the app's Home tab, Teams as one card in the personal chat; the reply says to draw it again after a click.
/// </summary>
public sealed class HomeCommands : IChatModule
{
    public const string Command = "home";

    private const string Usage = "/home";

    public void Map(CommandMap map) =>
        map.Command(Command, "what needs you: your open incidents, changes waiting for your vote, your running timer, drills due soon")
            .Fallback(Usage, "your open incidents, the changes waiting for your vote, your running timer and the drills due soon, each with its buttons", HomeAsync, whenBare: true);

    private static async Task<ChatReply> HomeAsync(CommandContext ctx)
    {
        if (ctx.Args.Positional.Count > 0 || ctx.Args.Options.Count > 0)
        {
            var extra = ctx.Args.Positional.Count > 0 ? ctx.Args.Positional[0].Text : ctx.Args.Options.Keys.First() + ":";
            throw new UserException($"`{extra}` is extra: `/home` takes nothing after it.");
        }

        var view = await ctx.Get<HomeService>().ForAsync(ctx.Tenant, ctx.Actor, ctx.HasRole(Roles.Cab), ctx.Now, ctx.Cancellation);
        return new ChatReply("", HomeCards.Cards(view, ctx.Now, ctx.TimeZone, ctx.Culture)) { Redraw = Command };
    }
}
