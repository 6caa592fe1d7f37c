using BakeryBot.Load.Fakes;

namespace BakeryBot.Load.Tests;

public sealed class PacedChannelsTests
{
    [Fact]
    public void A_paced_channel_takes_one_message_a_second_and_refuses_the_next_sooner()
    {
        var paced = new PacedChannels();
        paced.Start("COUT");

        Assert.True(paced.Accept("COUT0001", "1"));
        Assert.False(paced.Accept("COUT0001", "2"));
        Assert.True(paced.Accept("COUT0002", "3"));
        Thread.Sleep(TimeSpan.FromSeconds(1));
        Assert.True(paced.Accept("COUT0001", "2"));

        Assert.Equal(3, paced.Accepted);
        Assert.Equal(1, paced.Refused);
        Assert.Equal(3, paced.DistinctOutboxRows);
        Assert.Equal(0, paced.Repeated);
    }

    [Fact]
    public void Other_channels_and_a_stopped_pace_are_not_limited()
    {
        var paced = new PacedChannels();
        Assert.True(paced.Accept("COUT0001", "1"));
        Assert.True(paced.Accept("COUT0001", "2"));

        paced.Start("COUT");
        Assert.True(paced.Accept("C0INCIDENTS", null));
        Assert.True(paced.Accept("C0INCIDENTS", null));
        paced.Stop();
        Assert.True(paced.Accept("COUT0001", "3"));
        Assert.True(paced.Accept("COUT0001", "4"));
        Assert.Equal(0, paced.Accepted);
    }

    [Fact]
    public void An_outbox_row_accepted_twice_is_counted_as_repeated()
    {
        var paced = new PacedChannels();
        paced.Start("COUT");
        Assert.True(paced.Accept("COUT0001", "7"));
        Assert.True(paced.Accept("COUT0002", "7"));
        Assert.True(paced.Accept("COUT0003", "8"));

        Assert.Equal(1, paced.Repeated);
        Assert.Equal(2, paced.DistinctOutboxRows);
    }
}
