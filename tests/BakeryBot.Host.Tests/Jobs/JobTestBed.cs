using System.Net.Http.Headers;
using BakeryBot.Core.Jobs;
using BakeryBot.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Tests.Jobs;

/// <summary>What the job tests share: the admin token, requests carrying it, and waiting for the scheduler.</summary>
internal static class JobTestBed
{
    public const string AdminToken = "admin-test-token-4f1c9e";

    public static HttpRequestMessage AdminRequest(HttpMethod method, string path, string? token = AdminToken, string scheme = "Bearer")
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        }

        return request;
    }

    /// <summary>Waits (at most 30 s) until the scheduler has recorded <paramref name="count"/> runs of the job.</summary>
    public static async Task<List<JobRun>> ScheduledRunsAsync(BotFactory bot, string job, int count = 1, JobOutcome? outcome = null, DateTimeOffset? startedAfter = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var runs = (await bot.QueryAsync(db => db.JobRuns.Where(r => r.Job == job && !r.Manual && (outcome == null || r.Outcome == outcome)).OrderBy(r => r.Id).ToListAsync()))
                .Where(r => startedAfter is null || r.StartedAt > startedAfter).ToList();
            if (runs.Count >= count)
            {
                return runs;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The scheduler recorded {runs.Count} of {count} runs of {job} within 30 seconds.");
            await Task.Delay(50);
        }
    }
}
