using BakeryBot.Core;
using BakeryBot.Core.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Host.Tests.Infrastructure;

/// <summary>A command that takes longer than Slack's 3 seconds, to test the answer budget.</summary>
public sealed class SlowCommand : IChatModule
{
    public static void Register(IServiceCollection services) =>
        services.AddSingleton(new CommandMap([.. ServiceCollectionExtensions.Modules, new SlowCommand()]));

    public void Map(CommandMap map) =>
        map.Command("slow", "takes its time").Fallback("/slow <anything>", "waits 3.5 seconds", async _ =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3.5));
            return ChatReply.Private("Done, slowly.");
        });
}
