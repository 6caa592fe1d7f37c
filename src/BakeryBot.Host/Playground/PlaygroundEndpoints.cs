using System.Text.RegularExpressions;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Host.Playground;

/// <summary>
/// The playground at <c>GET /</c>: a local chat page that sends commands and clicks through the same
/// router as the platforms and shows what the outbox posted.
/// </summary>
public static partial class PlaygroundEndpoints
{
    public sealed record CommandBody(string? User, string? Channel, string? Text);

    public sealed record ActionBody(string? User, string? Channel, string? ActionId, string? Value, Dictionary<string, string>? Inputs = null);

    public static IServiceCollection AddPlayground(this IServiceCollection services)
    {
        services.AddSingleton<PlaygroundChannels>();
        services.AddSingleton<IChatPoster>(sp => sp.GetRequiredService<PlaygroundChannels>());
        // The playground's first user runs the place.
        services.PostConfigure<SecurityOptions>(o => o.Admins.Add($"{PlaygroundChannels.PlatformKey}:{PlaygroundChannels.TenantKey}/alice"));
        return services;
    }

    /// <param name="localOnly">
    /// When a chat platform is configured too, the playground (where anyone can be anyone) answers
    /// only people on this machine.
    /// </param>
    public static void MapPlayground(this WebApplication app, bool localOnly)
    {
        var page = app.MapGet("/", () => Results.Stream(Open("index.html"), "text/html; charset=utf-8"));
        var style = app.MapGet("/playground/playground.css", () => Results.Stream(Open("playground.css"), "text/css; charset=utf-8"));
        var script = app.MapGet("/playground/playground.js", () => Results.Stream(Open("playground.js"), "text/javascript; charset=utf-8"));
        var api = app.MapGroup("/playground/api");
        // The API's JSON is read by the framework before any handler runs: what is larger than a chat
        // platform may send is refused first, as on the platforms' own endpoints.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/playground/api"), branch => branch.Use(LimitBody));
        if (localOnly)
        {
            foreach (var endpoint in new IEndpointConventionBuilder[] { page, style, script, api })
            {
                endpoint.AddEndpointFilter(OnlyFromThisMachine);
            }
        }

        api.MapGet("/setup", SetupAsync);
        api.MapPost("/command", CommandAsync);
        api.MapPost("/action", ActionAsync);
        api.MapGet("/channels/{channel}/messages", (string channel, PlaygroundChannels channels) =>
        {
            var (version, messages) = channels.Read(channel);
            return Results.Json(new { version, messages }, ChatJson.Options);
        });
    }

    private static async Task LimitBody(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentLength > RawBody.MaxBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.Response.WriteAsJsonAsync(new { error = $"The body is larger than {RawBody.MaxBytes} bytes." });
            return;
        }

        // A body without a length is cut off at the limit by the server as it is read.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = RawBody.MaxBytes;
        }

        await next(context);
    }

    private static ValueTask<object?> OnlyFromThisMachine(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var remote = context.HttpContext.Connection.RemoteIpAddress;
        return remote is null || System.Net.IPAddress.IsLoopback(remote)
            ? next(context)
            : ValueTask.FromResult<object?>(Results.NotFound());
    }

    private static Stream Open(string file) =>
        typeof(PlaygroundEndpoints).Assembly.GetManifestResourceStream($"BakeryBot.Host.Playground.{file}")
        ?? throw new InvalidOperationException($"The playground's {file} is not embedded.");

    private static async Task<IResult> SetupAsync(BakeryDbContext db, CancellationToken ct)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Platform == PlaygroundChannels.PlatformKey && t.ExternalId == PlaygroundChannels.TenantKey, ct);
        var roles = tenant is null
            ? []
            : await db.PersonIdentities
                .Where(i => i.TenantId == tenant.Id)
                .Join(db.RoleAssignments, i => i.PersonId, r => r.PersonId, (i, r) => new { i.ExternalId, r.Role })
                .ToListAsync(ct);
        var users = PlaygroundChannels.Users.Select(u => new
        {
            id = u.Id,
            name = u.Name,
            roles = roles.Where(r => r.ExternalId == u.Id).Select(r => r.Role).Order(StringComparer.Ordinal)
                .Concat(u.Id == "alice" && roles.All(r => r.ExternalId != "alice") ? [Roles.Admin] : []).ToList(),
        });
        var channels = PlaygroundChannels.Channels.Select(c => new { id = c.Id, name = c.Name });
        return Results.Json(new { users, channels }, ChatJson.Options);
    }

    private static async Task<IResult> CommandAsync(CommandBody body, CommandRouter router)
    {
        if (Validate(body.User, body.Channel) is { } problem)
        {
            return problem;
        }

        var text = (body.Text ?? "").Trim();
        if (text.Length == 0)
        {
            return Reply(ChatReply.Warning("Type a command, like `/incident burnt-cookie sev2`."));
        }

        // "/incident burnt-cookie" or "incident burnt-cookie": the first word is the command.
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var command = (space < 0 ? text : text[..space]).TrimStart('/');
        var rest = space < 0 ? "" : text[(space + 1)..];
        var request = Request(body.User!, body.Channel!) with { Command = command.ToLowerInvariant(), Text = Mentions().Replace(rest, Mention) };
        return Reply(await router.HandleAsync(request, CancellationToken.None));
    }

    private static async Task<IResult> ActionAsync(ActionBody body, CommandRouter router)
    {
        if (Validate(body.User, body.Channel) is { } problem)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(body.ActionId))
        {
            return Results.BadRequest(new { error = "actionId is required." });
        }

        var request = Request(body.User!, body.Channel!) with { ActionId = body.ActionId, ActionValue = body.Value, Inputs = body.Inputs };
        return Reply(await router.HandleAsync(request, CancellationToken.None));
    }

    private static ChatRequest Request(string user, string channel) => new()
    {
        Platform = PlaygroundChannels.PlatformKey,
        TenantId = PlaygroundChannels.TenantKey,
        TenantName = "Playground",
        ChannelId = channel,
        ChannelName = PlaygroundChannels.Channels.First(c => c.Id == channel).Name,
        UserId = user,
        UserName = PlaygroundChannels.Users.First(u => u.Id == user).Name,
    };

    private static IResult? Validate(string? user, string? channel)
    {
        if (user is null || PlaygroundChannels.Users.All(u => u.Id != user))
        {
            return Results.BadRequest(new { error = $"Unknown user '{user}'." });
        }

        return channel is null || PlaygroundChannels.Channels.All(c => c.Id != channel)
            ? Results.BadRequest(new { error = $"Unknown channel '{channel}'." })
            : null;
    }

    private static IResult Reply(ChatReply reply) => Results.Json(new { reply }, ChatJson.Options);

    /// <summary>The playground's people are mentioned as <c>@bob</c>; the router reads <c>&lt;@bob&gt;</c>.</summary>
    private static string Mention(Match match) =>
        PlaygroundChannels.Users.Any(u => u.Id == match.Groups[1].Value) ? $"<@{match.Groups[1].Value}>" : match.Value;

    [GeneratedRegex(@"(?<![<\w])@([a-z]+)\b")]
    private static partial Regex Mentions();
}
