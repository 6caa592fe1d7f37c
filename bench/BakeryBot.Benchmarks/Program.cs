using System.Globalization;
using BakeryBot.Benchmarks;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "cmdb")
{
    var sizes = args.Length > 1 ? args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)) : [10_000, 100_000];
    await CmdbGraphBench.RunAsync(sizes);
    return;
}

if (args.Length > 0 && args[0] == "digest")
{
    // digest [sizes...] [--postgres "connection string"]; PostgreSQL also when BAKERYBOT_TEST_POSTGRES is set.
    var at = Array.IndexOf(args, "--postgres");
    var postgres = at > 0 && at + 1 < args.Length ? args[at + 1] : Environment.GetEnvironmentVariable("BAKERYBOT_TEST_POSTGRES");
    var given = args.Skip(1).TakeWhile(a => a != "--postgres").Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToList();
    await DigestBench.RunAsync(given.Count > 0 ? given : [10_000, 100_000, 1_000_000], string.IsNullOrWhiteSpace(postgres) ? null : postgres);
    return;
}

if (args.Length > 0 && args[0] == "identity")
{
    var sizes = args.Length > 1 ? args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)) : [100, 10_000, 100_000];
    await IdentityBench.RunAsync([.. sizes]);
    return;
}

if (args.Length > 0 && args[0] == "request")
{
    // request [sizes...] [--only text] [--statements]: the router's cost per request, in-process;
    // --statements also prints the SQL one request of each kind sends.
    var at = Array.IndexOf(args, "--only");
    var only = at > 0 && at + 1 < args.Length ? [args[at + 1]] : new List<string>();
    var sizes = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToList();
    await RequestBench.RunAsync(sizes.Count > 0 ? sizes : [0, 100_000], only, args.Contains("--statements"));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point: BenchmarkDotNet's micro-benchmarks, <c>cmdb</c> for the CMDB graph figures, or <c>digest</c> for the weekly digest's, <c>identity</c> for finding who sends a request, <c>request</c> for what a request costs past HTTP.</summary>
public partial class Program;
