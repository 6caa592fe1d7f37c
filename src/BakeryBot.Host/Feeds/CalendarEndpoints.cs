using System.Security.Cryptography;
using System.Text;
using BakeryBot.Core.Changes;
using Microsoft.Net.Http.Headers;

namespace BakeryBot.Host.Feeds;

/// <summary>
/// <c>GET /calendar/changes.ics?token=...</c>: the change calendar of the link's tenant as iCalendar,
/// for calendar apps to subscribe to. The token is a person's own link from <c>/change calendar</c>;
/// a missing, unknown or revoked one is a 401 that says no more. Calendar apps can't send headers, so
/// the token is in the query: nothing here logs the request or the token, and the host keeps
/// ASP.NET Core's request lines (which carry the query) out of the logs.
/// </summary>
public static class CalendarEndpoints
{
    public const string ChangesPath = "/calendar/changes.ics";

    /// <summary>
    /// Calendar apps poll on their own schedule (hours); five minutes of private caching spares the
    /// database a burst of refreshes without keeping a revoked link working for long.
    /// </summary>
    public const string CacheControl = "private, max-age=300";

    public static void MapCalendar(this WebApplication app) => app.MapGet(ChangesPath, ChangesAsync);

    private static async Task<IResult> ChangesAsync(HttpContext http, ChangeCalendarService calendar)
    {
        var aborted = http.RequestAborted;
        var tokens = http.Request.Query["token"];
        var link = await calendar.VerifyAsync(tokens.Count == 1 ? tokens[0] : null, aborted);
        if (link is null)
        {
            http.Response.Headers.CacheControl = "no-store";
            return Results.Text("Unknown or revoked calendar link. Ask for a new one with /change calendar.", "text/plain", Encoding.UTF8, StatusCodes.Status401Unauthorized);
        }

        var feed = await calendar.FeedAsync(link.TenantId, aborted);
        var ics = feed.Serialize();
        // The text depends only on the records: the same records, the same tag.
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ics)))[..32]}\"");
        http.Response.Headers.CacheControl = CacheControl;
        http.Response.Headers.ETag = etag.ToString();
        var known = http.Request.GetTypedHeaders().IfNoneMatch;
        if (known.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Text(ics, "text/calendar", Encoding.UTF8);
    }
}
