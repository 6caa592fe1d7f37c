using System.Security.Cryptography;
using BakeryBot.Core.Cmdb.Discovery;
using BakeryBot.Core.Integrations;
using Microsoft.Net.Http.Headers;

namespace BakeryBot.Host.Hooks;

/// <summary>The short JSON every refusal of a hook answers with.</summary>
public sealed record HookError(string Error);

/// <summary>
/// <c>POST /hooks/alertmanager/{hookId}</c> (product.md §1): a bearer token checked against the hook's
/// hash, Alertmanager's version 4 payload, one incident per alert fingerprint. Bad input is a 4xx,
/// which Alertmanager does not retry; only our own failure is a 5xx, which it does.
/// </summary>
public static class HookEndpoints
{
    public const string AlertmanagerPath = "/hooks/alertmanager/{hookId}";

    public const string DiscoveryPath = "/hooks/discovery/{hookId}";

    public static void MapHooks(this WebApplication app)
    {
        app.MapPost(AlertmanagerPath, AlertmanagerAsync);
        app.MapPost(DiscoveryPath, DiscoveryAsync);
    }

    /// <summary>
    /// <c>POST /hooks/discovery/{hookId}</c>: a scanner's report of assets and software (product.md §7).
    /// The same bearer token rules as Alertmanager's; a bad body is a 400 naming the item at fault and
    /// changes nothing.
    /// </summary>
    private static async Task<IResult> DiscoveryAsync(
        string hookId,
        HttpRequest request,
        WebhookService hooks,
        IServiceProvider services,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(HookEndpoints));
        var (webhook, body, refusal) = await AcceptAsync(WebhookKinds.Discovery, hookId, request, hooks, "send the items in batches");
        if (refusal is not null)
        {
            return refusal;
        }

        var (payload, error) = DiscoveryPayload.Parse(body);
        if (payload is null)
        {
            logger.LogInformation("Hook {HookId} refused a discovery report: {Error}", webhook.HookId, error);
            return Results.BadRequest(new HookError(error ?? "Not a discovery report."));
        }

        // Two reports naming the same new thing at once: the second finds the first's row on a retry.
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = services.CreateAsyncScope();
            try
            {
                var summary = await scope.ServiceProvider.GetRequiredService<DiscoveryService>().IngestAsync(webhook, payload, CancellationToken.None);
                logger.LogInformation(
                    "Hook {HookId}: {Items} items from {Source}, {Created} created, {Updated} updated, {Seen} seen, {New} new unreviewed",
                    webhook.HookId, payload.Items.Count, payload.Source, summary.Created, summary.Updated, summary.Seen, summary.NewUnreviewed);
                return Results.Ok(summary);
            }
            catch (Exception ex) when (attempt < 3 && ex is Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                logger.LogInformation("Hook {HookId}: a discovery report met a concurrent one; trying again", webhook.HookId);
            }
            catch (Exception ex)
            {
                var reference = Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
                logger.LogError(ex, "Hook {HookId} failed to apply a discovery report; reference {Reference}", webhook.HookId, reference);
                return Results.Json(new HookError($"The report could not be stored; send it again. Reference: {reference}."), statusCode: StatusCodes.Status500InternalServerError);
            }
        }
    }

    private static async Task<IResult> AlertmanagerAsync(
        string hookId,
        HttpRequest request,
        WebhookService hooks,
        AlertIngestService ingest,
        ILoggerFactory loggers)
    {
        // Nothing about the token is logged: not its value, not its length, not how it failed.
        var logger = loggers.CreateLogger(typeof(HookEndpoints));
        var (webhook, body, refusal) = await AcceptAsync(WebhookKinds.Alertmanager, hookId, request, hooks, "lower max_alerts in the receiver");
        if (refusal is not null)
        {
            return refusal;
        }

        var parsed = AlertmanagerPayload.Parse(body);
        if (parsed.Payload is not { } payload)
        {
            logger.LogInformation("Hook {HookId} refused a payload: {Error}", webhook.HookId, parsed.Error);
            return Results.BadRequest(new HookError(parsed.Error ?? "Not an Alertmanager payload."));
        }

        try
        {
            // Not cancelled when Alertmanager gives up waiting: what was accepted completes, and its retry is a no-op.
            var summary = await ingest.IngestAsync(webhook, payload, CancellationToken.None);
            logger.LogInformation(
                "Hook {HookId}: {Alerts} alerts, {Opened} opened, {Repeated} repeated, {Mitigated} mitigated, {Ignored} ignored",
                webhook.HookId, payload.Alerts.Count, summary.Opened, summary.Repeated, summary.Mitigated, summary.Ignored);
            return Results.Ok(summary);
        }
        catch (Exception ex)
        {
            var reference = Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
            logger.LogError(ex, "Hook {HookId} failed to ingest a payload; reference {Reference}", webhook.HookId, reference);
            return Results.Json(new HookError($"The alerts could not be stored; Alertmanager will retry. Reference: {reference}."), statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>
    /// The hook's bearer token checked (401 otherwise) and its body read (413 past the limit, with
    /// <paramref name="tooLargeHint"/>); a refusal, or the hook and the body.
    /// </summary>
    private static async Task<(Webhook Webhook, byte[] Body, IResult? Refusal)> AcceptAsync(string kind, string hookId, HttpRequest request, WebhookService hooks, string tooLargeHint)
    {
        var aborted = request.HttpContext.RequestAborted;
        var webhook = await hooks.VerifyAsync(kind, hookId, BearerToken(request), aborted);
        if (webhook is null)
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return (null!, [], Results.Json(new HookError("Unknown or revoked webhook, or a wrong bearer token."), statusCode: StatusCodes.Status401Unauthorized));
        }

        var body = await RawBody.ReadAsync(request, aborted);
        return body is null
            ? (webhook, [], Results.Json(new HookError($"The body is larger than {RawBody.MaxBytes} bytes; {tooLargeHint}."), statusCode: StatusCodes.Status413PayloadTooLarge))
            : (webhook, body, null);
    }

    /// <summary>The token of a single <c>Authorization: Bearer &lt;token&gt;</c> header; null otherwise.</summary>
    internal static string? BearerToken(HttpRequest request)
    {
        var values = request.Headers[HeaderNames.Authorization];
        if (values.Count != 1 || values[0] is not { } header)
        {
            return null;
        }

        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }
}
