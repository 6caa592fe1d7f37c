using System.Text.Json;

namespace BakeryBot.Host.Tests.Deploy;

/// <summary>
/// The runtime settings the Host's build writes beside <c>bakerybot.dll</c> (its <c>runtimeconfig.json</c>), which
/// hold however the bot is started: each was chosen from the load driver's figures (bench/README.md).
/// </summary>
public sealed class RuntimeConfigTests
{
    private static readonly JsonElement Properties = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, DeployFiles.HostAssemblyName() + ".runtimeconfig.json")))
        .RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

    [Fact]
    public void The_bot_runs_the_server_garbage_collector()
    {
        Assert.True(Properties.GetProperty("System.GC.Server").GetBoolean());
    }

    [Fact]
    public void Idle_thread_pool_threads_block_at_once_instead_of_spinning_for_work()
    {
        Assert.Equal(0, Properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }

    [Fact]
    public void Hot_methods_are_not_compiled_a_second_time_with_instrumentation_to_profile_them()
    {
        Assert.False(Properties.GetProperty("System.Runtime.TieredPGO").GetBoolean());
    }
}
