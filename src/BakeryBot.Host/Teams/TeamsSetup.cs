using System.Net;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data;
using BakeryBot.Teams;
using BakeryBot.Teams.Activities;
using BakeryBot.Teams.Auth;
using BakeryBot.Teams.Cards;
using BakeryBot.Teams.Connector;
using Microsoft.Extensions.Options;

namespace BakeryBot.Host.Teams;

/// <summary>Turns Teams on when its app id is configured.</summary>
public static class TeamsSetup
{
    /// <summary>Registers the Teams adapter; false when Teams is not configured.</summary>
    public static bool AddTeams(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(TeamsOptions.SectionName);
        var services = builder.Services;
        services.AddOptions<TeamsOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>();
        if (!(section.Get<TeamsOptions>() ?? new TeamsOptions()).IsEnabled)
        {
            return false;
        }

        // Singletons that hold their client for the process: connections are recycled so DNS changes are seen.
        services.AddSingleton(sp => new BotFrameworkTokenValidator(
            sp.GetRequiredService<IOptions<TeamsOptions>>(), LongLivedClient(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BotFrameworkTokenValidator>>()));
        services.AddSingleton(sp => new BotConnectorTokenClient(LongLivedClient(), sp.GetRequiredService<IOptions<TeamsOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BotConnectorClient(LongLivedClient(), sp.GetRequiredService<BotConnectorTokenClient>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<TeamsConversationDirectory>();
        services.AddSingleton<ITeamsConversationDirectory>(sp => sp.GetRequiredService<TeamsConversationDirectory>());
        services.AddSingleton<IChatPoster>(sp => new TeamsChatPoster(
            sp.GetRequiredService<BotConnectorClient>(),
            sp.GetRequiredService<ITeamsConversationDirectory>(),
            (text, card) => TeamsAdaptiveCardRenderer.RenderMessageActivity(text, card),
            TeamsPlatform.BotIdPrefix + sp.GetRequiredService<IOptions<TeamsOptions>>().Value.AppId));
        services.AddSingleton<TeamsEndpoints>();
        return true;
    }

    public static void MapTeams(this WebApplication app)
    {
        var teams = app.Services.GetRequiredService<TeamsEndpoints>();
        app.MapPost("/api/messages", teams.MessagesAsync).RequireRateLimiting(Admission.Policy);
    }

    private static HttpClient LongLivedClient() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.All })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };

    /// <summary>A half-filled Teams configuration stops the bot with a clear message.</summary>
    private sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
    {
        public ValidateOptionsResult Validate(string? name, TeamsOptions options)
        {
            if (!options.IsEnabled)
            {
                return string.IsNullOrEmpty(options.AppPassword)
                    ? ValidateOptionsResult.Success
                    : ValidateOptionsResult.Fail("Teams:AppPassword is set but Teams:AppId is empty: set both or neither.");
            }

            var failures = new List<string>();
            if (!Guid.TryParse(options.AppId, out _))
            {
                failures.Add("Teams:AppId must be the bot's Microsoft App ID (a GUID).");
            }

            if (string.IsNullOrEmpty(options.AppPassword))
            {
                failures.Add("Teams needs Teams:AppPassword (the bot's client secret) with Teams:AppId.");
            }

            if (!string.IsNullOrEmpty(options.TenantId) && !Guid.TryParse(options.TenantId, out _))
            {
                failures.Add("Teams:TenantId must be the Entra tenant's id (a GUID), or empty for a multi-tenant bot.");
            }

            if (!Uri.TryCreate(options.OpenIdMetadataUrl, UriKind.Absolute, out var metadata))
            {
                failures.Add("Teams:OpenIdMetadataUrl must be an absolute URL.");
            }
            else if (metadata.Scheme != Uri.UriSchemeHttps && !metadata.IsLoopback)
            {
                failures.Add("Teams:OpenIdMetadataUrl must be https (plain http only on this machine, for tests).");
            }

            if (!Uri.TryCreate(options.EffectiveTokenEndpoint, UriKind.Absolute, out _))
            {
                failures.Add("Teams:TokenEndpoint must be an absolute URL.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}

/// <summary>
/// A conversation's service URL, from what its activities told us: the database's record, kept in
/// memory for a few minutes (another instance may have heard of a newer one meanwhile).
/// </summary>
public sealed class TeamsConversationDirectory(IServiceScopeFactory scopes, TimeProvider clock) : ITeamsConversationDirectory
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(10);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), (string Url, DateTimeOffset Until)> _known = new();

    public async Task<string?> ServiceUrlAsync(string tenantId, string conversationId, CancellationToken ct)
    {
        if (_known.TryGetValue((tenantId, conversationId), out var known) && known.Until > clock.GetUtcNow())
        {
            return known.Url;
        }

        await using var scope = scopes.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<ConversationDirectory>();
        var url = await directory.EndpointAsync(TeamsPlatform.Platform, tenantId, conversationId, ct);
        if (url is not null)
        {
            Remember(tenantId, conversationId, url);
        }

        return url;
    }

    /// <summary>Every activity says where its conversation is served now; the latest word wins.</summary>
    public void Remember(string tenantId, string conversationId, string serviceUrl) =>
        _known[(tenantId, conversationId)] = (serviceUrl, clock.GetUtcNow() + KeepFor);

    public async Task<PersonalConversation?> PersonalConversationAsync(string tenantId, IReadOnlyList<string> userIds, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<ConversationDirectory>().PersonalAsync(TeamsPlatform.Platform, tenantId, userIds, ct);
        if (found is null)
        {
            return null;
        }

        // A newer word on where the conversation is served (from its latest activity) wins over the stored one.
        return _known.TryGetValue((tenantId, found.ConversationId), out var known) && known.Until > clock.GetUtcNow() ? found with { Endpoint = known.Url } : found;
    }

    public async Task<string?> AnyServiceUrlAsync(string tenantId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConversationDirectory>().AnyEndpointAsync(TeamsPlatform.Platform, tenantId, ct);
    }

    public async Task RememberPersonalConversationAsync(string tenantId, string userId, string conversationId, string serviceUrl, CancellationToken ct)
    {
        Remember(tenantId, conversationId, serviceUrl);
        await using var scope = scopes.CreateAsyncScope();
        var sighting = new ConversationSighting(TeamsPlatform.Platform, tenantId, conversationId, serviceUrl, ConversationDirectory.PersonalKind, null, null, userId);
        await scope.ServiceProvider.GetRequiredService<ConversationDirectory>().RememberAsync(sighting, ct);
    }
}
