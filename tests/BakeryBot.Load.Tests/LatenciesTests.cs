using BakeryBot.Load.Running;

namespace BakeryBot.Load.Tests;

public sealed class LatenciesTests
{
    [Theory]
    [InlineData(50, 50)]
    [InlineData(90, 90)]
    [InlineData(99, 99)]
    [InlineData(99.5, 100)]
    [InlineData(100, 100)]
    [InlineData(0.5, 1)]
    public void Percentiles_of_one_to_a_hundred_are_the_nearest_rank(double percent, long expected)
    {
        var values = Enumerable.Range(1, 100).Select(v => (long)v).ToArray();

        Assert.Equal(expected, Latencies.Percentile(values, percent));
    }

    [Fact]
    public void A_few_values_give_the_smallest_one_that_covers_the_percentile()
    {
        long[] values = [10, 20, 30, 40];

        Assert.Equal(20, Latencies.Percentile(values, 50));
        Assert.Equal(40, Latencies.Percentile(values, 90));
        Assert.Equal(40, Latencies.Percentile(values, 99));
        Assert.Equal(10, Latencies.Percentile(values, 25));
    }

    [Fact]
    public void A_summary_sorts_what_it_is_given_and_reports_the_slowest_as_max()
    {
        var frequency = System.Diagnostics.Stopwatch.Frequency;
        var ticks = new[] { 5, 1, 3, 2, 4 }.Select(ms => ms * frequency / 1000).ToArray();

        var summary = LatencySummary.FromTicks(ticks);

        Assert.Equal(5, summary.Count);
        Assert.Equal(3, summary.P50Ms, precision: 6);
        Assert.Equal(5, summary.MaxMs, precision: 6);
    }

    [Fact]
    public void No_values_has_no_percentile()
    {
        Assert.Throws<ArgumentException>(() => Latencies.Percentile([], 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => Latencies.Percentile([1], 0));
    }
}
