using BakeryBot.Core.TimeTracking;
using Microsoft.Net.Http.Headers;

namespace BakeryBot.Host.Exports;

/// <summary>
/// <c>GET /export/time.csv?token=...</c>: the time entries a <c>/time export</c> link may download, as
/// CSV. A missing, unknown or expired token is a bare 404: nothing says whether such a link ever
/// existed. The token is in the query so that the link works when opened from chat; the host keeps
/// ASP.NET Core's request lines (which carry the query) out of the logs.
/// </summary>
public static class TimeExportEndpoints
{
    public const string TimePath = "/export/time.csv";

    public static void MapTimeExport(this WebApplication app) => app.MapGet(TimePath, TimeAsync);

    private static async Task TimeAsync(HttpContext http, TimeExportService exports)
    {
        var aborted = http.RequestAborted;
        var tokens = http.Request.Query["token"];
        var scope = await exports.VerifyAsync(tokens.Count == 1 ? tokens[0] : null, aborted);
        // Personal data: no cache keeps a copy, whatever the answer.
        http.Response.Headers.CacheControl = "no-store";
        if (scope is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = scope.FileName }.ToString();
        await exports.WriteCsvAsync(http.Response.Body, scope, aborted);
    }
}
