using System.Diagnostics;
using System.Globalization;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BakeryBot.Load.Scenarios;

/// <summary>
/// quality.md's outbox bar: messages written to the outbox at once over many channels, delivered to a fake
/// Slack that allows one message a second in each channel. The floor is what that limit allows at best
/// (messages ÷ channels seconds); the bar is 1.2 × the floor, none lost, none twice. The rows are written by
/// the bot's own publisher into its database, in one transaction and interleaved across the channels as
/// they would arrive, and the bot's dispatcher finds them on its next poll. Run at several widths, so that
/// cost which grows with the number of channels shows.
/// </summary>
public static class OutboxRun
{
    public const string Name = "outbox";

    public static readonly (int Messages, int Channels)[] Sizes = [(1_000, 50), (10_000, 500), (20_000, 1_000)];

    private const string Tenant = "TOUTBOX";

    /// <summary>Runs each size; false when a message was lost, sent twice, or the bar was missed.</summary>
    public static async Task<bool> RunAsync(LoadContext ctx)
    {
        var output = ctx.Out;
        output.WriteLine();
        output.WriteLine($"## {Name}: messages written at once to the outbox over many channels, to a fake Slack that allows 1 message/s per channel (429 + Retry-After: 1 sooner than {1 - Fakes.PacedChannels.Tolerance.TotalSeconds:0.00} s after the last)");
        output.WriteLine();
        output.WriteLine("| messages | channels | floor s | delivered after s | × floor | 429 answers | lost | twice | server CPU (cores) | server peak RSS MB |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var ok = true;
        foreach (var (messages, channels) in Sizes)
        {
            ok &= await RunOneAsync(ctx, messages, channels);
        }

        return ok;
    }

    private static async Task<bool> RunOneAsync(LoadContext ctx, int messages, int channels)
    {
        var prefix = $"COUT{channels}X";
        var floor = (double)messages / channels;
        ctx.Fakes.Paced.Start(prefix);
        var window = ctx.Bot.Meter.Start();
        await WriteAsync(ctx, prefix, messages, channels);
        var written = Stopwatch.GetTimestamp();

        // Done when the fake has every row, or the bar is far behind.
        var limit = TimeSpan.FromSeconds(floor * 3 + 30);
        while (ctx.Fakes.Paced.DistinctOutboxRows < messages && Stopwatch.GetElapsedTime(written) < limit)
        {
            await Task.Delay(100);
        }

        var last = ctx.Fakes.Paced.LastAcceptedAt;
        var took = last > written ? Stopwatch.GetElapsedTime(written, last).TotalSeconds : double.NaN;
        // A moment for a repeat that was on its way.
        await Task.Delay(TimeSpan.FromSeconds(2));
        ctx.Fakes.Paced.Stop();
        var lost = messages - ctx.Fakes.Paced.DistinctOutboxRows;
        var twice = ctx.Fakes.Paced.Repeated;
        var pending = await ctx.Database.CountAsync("Outbox", $"\"Status\" <> 'Sent' AND \"ChannelId\" LIKE '{prefix}%'");
        var ratio = took / floor;
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {messages:N0} | {channels:N0} | {floor:0.0} | {took:0.0} | {ratio:0.00} | {ctx.Fakes.Paced.Refused:N0} | {lost:N0} | {twice:N0} | {window.Cores():0.00} | {window.PeakMegabytes():0} |"));
        var ok = lost == 0 && twice == 0 && pending == 0 && ratio <= 1.2;
        if (!ok)
        {
            ctx.Out.WriteLine($"  !! {messages:N0} over {channels:N0}: {(lost > 0 ? $"{lost:N0} never delivered ({pending:N0} rows not sent); " : "")}{(twice > 0 ? $"{twice:N0} delivered twice; " : "")}{(ratio > 1.2 ? "slower than 1.2 × the floor" : "")}");
        }

        return ok;
    }

    /// <summary>Writes the rows with the bot's own publisher, round-robin over the channels, in one transaction.</summary>
    private static async Task WriteAsync(LoadContext ctx, string prefix, int messages, int channels)
    {
        // The bot's own registration of its database, for the provider the run is on.
        await using var services = new ServiceCollection().AddBakeryDatabase(ctx.Database.Provider, ctx.Database.ConnectionString).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Platform == "slack" && t.ExternalId == Tenant);
        if (tenant is null)
        {
            tenant = new Tenant { Platform = "slack", ExternalId = Tenant, Name = "Outbox load", CreatedAt = DateTimeOffset.UtcNow };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync();
        }

        var publisher = new CardPublisher(db, TimeProvider.System);
        for (var i = 0; i < messages; i++)
        {
            var channel = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i % channels:D4}");
            publisher.PostText(tenant.Id, "slack", channel, null, string.Create(CultureInfo.InvariantCulture, $"Outbox load message {i / channels + 1} of {messages / channels} in this channel"));
        }

        await db.SaveChangesAsync();
    }
}
