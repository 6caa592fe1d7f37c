namespace BakeryBot.Host.Tests.Reliability;

/// <summary>
/// The heavy reliability tests (bot processes under load, two instances draining an outbox full of cards) run on
/// their own, after the rest of the suite: on a two-core machine they would otherwise starve the tests that wait
/// for a scheduler's tick, and be starved by them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability";
}
