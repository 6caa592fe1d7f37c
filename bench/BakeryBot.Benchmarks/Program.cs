using System.Globalization;
using BakeryBot.Benchmarks;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "cmdb")
{
    var sizes = args.Length > 1 ? args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)) : [10_000, 100_000];
    await CmdbGraphBench.RunAsync(sizes);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point: BenchmarkDotNet's micro-benchmarks, or <c>cmdb</c> for the CMDB graph figures.</summary>
public partial class Program;
