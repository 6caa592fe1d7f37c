using BakeryBot.Load;

// `yardstick-server ...`: the bare endpoint quality.md measures BakeryBot against, started by the driver itself.
if (args is ["yardstick-server", ..])
{
    return await YardstickServer.RunAsync(args);
}

var (options, problem) = LoadOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync($"{problem}\n\n{LoadOptions.Usage}");
    return 2;
}

return await LoadDriver.RunAsync(options, Console.Out);
