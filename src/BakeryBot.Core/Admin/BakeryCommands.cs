using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Admin;

/// <summary>The <c>/bakery</c> command: help, who am I, roles.</summary>
public sealed class BakeryCommands : IChatModule
{
    /// <summary>Run when the bot is added to a conversation: it introduces itself there.</summary>
    public const string WelcomeAction = "bakery.welcome";

    public void Map(CommandMap map)
    {
        map.Action(WelcomeAction, "Say hello", WelcomeAsync);
        map.Command("bakery", "help and administration")
            .Verb("help", "/bakery help", "every command", ctx => Task.FromResult(ChatReply.Private(Help(ctx))))
            .Verb("whoami", "/bakery whoami", "your identity, roles and time zone", WhoAmIAsync)
            .Verb("role", "/bakery role add|remove @person <role>", "grant or take back a role (cab, manager, admin)", RoleAsync, People.Roles.Admin)
            .Verb("webhook", Integrations.WebhookCommands.Usage, "make an Alertmanager webhook for this channel, list them, revoke one", Integrations.WebhookCommands.HandleAsync, People.Roles.Admin);
    }

    private static async Task<ChatReply> WelcomeAsync(CommandContext ctx)
    {
        var text = "Hello! I'm BakeryBot: incidents, problems, changes, releases, drills, time and the CMDB, right here.\n" +
                   "Try `incident burnt-cookie sev2` to declare an incident.\n\n" + ctx.Get<CommandMap>().Overview();
        ctx.Get<CardPublisher>().PostText(ctx.Tenant.Id, ctx.Request.Platform, ctx.Request.ChannelId, null, text);
        await ctx.Get<BakeryDbContext>().SaveChangesAsync(ctx.Cancellation);
        return ChatReply.None;
    }

    private static string Help(CommandContext ctx)
    {
        var all = ctx.Get<CommandMap>().Commands.Select(c => c.Help());
        return "BakeryBot runs incidents, problems, changes, releases, drills, time and the CMDB from chat.\n\n" + string.Join("\n\n", all);
    }

    private static Task<ChatReply> WhoAmIAsync(CommandContext ctx)
    {
        var roles = ctx.Roles.Count == 0 ? "none (everyone can declare, acknowledge, track time and read)" : string.Join(", ", ctx.Roles.Order(StringComparer.Ordinal));
        var fields = new List<CardField>
        {
            new("Name", ctx.Actor.DisplayName),
            new("Platform", $"{ctx.Request.Platform} {ctx.Request.TenantId}/{ctx.Request.UserId}"),
            new("Roles", roles),
            new("Time zone", ctx.Actor.TimeZone),
        };
        return Task.FromResult(ChatReply.Private("", new Card("You", CardAccent.Info, [new FieldsSection(fields)], [])));
    }

    private static async Task<ChatReply> RoleAsync(CommandContext ctx)
    {
        const string usage = "`/bakery role add @person cab`";
        var op = ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text.ToLowerInvariant();
        if (op is not ("add" or "remove"))
        {
            throw new UserException($"Say `add` or `remove`, as in {usage}.");
        }

        var mention = ctx.Args.TakeMention() ?? throw new UserException($"Mention the person, as in {usage}.");
        var role = ctx.Args.Take(t => t.Kind == TokenKind.Word)?.Text.ToLowerInvariant()
            ?? throw new UserException($"Name the role ({string.Join(", ", People.Roles.All)}), as in {usage}.");
        if (!People.Roles.All.Contains(role))
        {
            throw new UserException($"`{role}` is not a role. Roles: {string.Join(", ", People.Roles.All)}.");
        }

        var person = await ctx.Get<IdentityService>().FindOrCreateAsync(ctx.Tenant, mention.Text, ctx.Cancellation);
        var db = ctx.Get<BakeryDbContext>();
        var existing = await db.RoleAssignments.FirstOrDefaultAsync(r => r.PersonId == person.Id && r.Role == role, ctx.Cancellation);
        if (op == "add")
        {
            if (existing is not null)
            {
                return ChatReply.Private($"<@{mention.Text}> already has the `{role}` role.");
            }

            db.RoleAssignments.Add(new RoleAssignment { TenantId = ctx.Tenant.Id, PersonId = person.Id, Role = role, GrantedAt = ctx.Now, GrantedById = ctx.Actor.Id });
            await db.SaveChangesAsync(ctx.Cancellation);
            return ChatReply.Private($"<@{mention.Text}> now has the `{role}` role.");
        }

        if (existing is null)
        {
            return ChatReply.Private($"<@{mention.Text}> does not have the `{role}` role.");
        }

        if (role == People.Roles.Admin && person.Id == ctx.Actor.Id)
        {
            throw new UserException("You can't take your own admin role; ask another admin.");
        }

        db.RoleAssignments.Remove(existing);
        await db.SaveChangesAsync(ctx.Cancellation);
        return ChatReply.Private($"<@{mention.Text}> no longer has the `{role}` role.");
    }
}
