using BakeryBot.Core.Tests.Infrastructure;

namespace BakeryBot.Core.Tests.Chat;

/// <summary><c>help</c> everywhere: a command's own verbs, and <c>/bakery help</c> for every command.</summary>
public abstract class HelpTests(DbProvider provider)
{
    [SkippableFact]
    public async Task Bakery_help_lists_every_command_while_a_commands_help_lists_its_verbs()
    {
        await using var app = await CoreTestApp.CreateAsync(provider);

        var all = (await app.SendAsync("bakery", "help")).Text;
        var incident = (await app.SendAsync("incident", "help")).Text;
        var whoami = (await app.SendAsync("bakery", "help whoami")).Text;

        foreach (var command in new[] { "/incident:", "/change:", "/timer:", "/cmdb:", "/digest:", "/bakery:" })
        {
            Assert.Contains(command, all, StringComparison.Ordinal);
        }

        Assert.Contains("/incident ack", incident, StringComparison.Ordinal);
        Assert.DoesNotContain("/change:", incident, StringComparison.Ordinal);
        Assert.StartsWith("`/bakery whoami`", whoami, StringComparison.Ordinal);
    }
}

public sealed class SqliteHelpTests() : HelpTests(DbProvider.Sqlite);

public sealed class PostgresHelpTests() : HelpTests(DbProvider.Postgres);
