using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BakeryBot.Teams.Tests.Auth;

/// <summary>The client-credentials token endpoint of the fake (the bot's outbound side, protocols.md §10).</summary>
public sealed partial class FakeBotFrameworkAuthority
{
    private readonly List<string> _issuedAccessTokens = [];
    private int _tokenRequests;

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary><c>expires_in</c> of issued access tokens, in seconds.</summary>
    public int AccessTokenExpiresIn { get; set; } = 3600;

    /// <summary>How long <c>/token</c> waits before answering (to make concurrent callers overlap).</summary>
    public TimeSpan TokenDelay { get; set; }

    public IReadOnlyList<string> IssuedAccessTokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _issuedAccessTokens];
            }
        }
    }

    /// <summary>protocols.md §10: client credentials for the Bot Connector scope; OAuth errors otherwise.</summary>
    private async Task<IResult> IssueTokenAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _tokenRequests);
        if (TokenDelay > TimeSpan.Zero)
        {
            await Task.Delay(TokenDelay);
        }

        if (!request.HasFormContentType)
        {
            return Json(new JsonObject { ["error"] = "invalid_request" }, StatusCodes.Status400BadRequest);
        }

        var form = await request.ReadFormAsync();
        if (form["grant_type"] != "client_credentials" || form["scope"] != TeamsOptions.BotConnectorScope)
        {
            return Json(new JsonObject { ["error"] = "invalid_request" }, StatusCodes.Status400BadRequest);
        }

        if (form["client_id"] != AppId || form["client_secret"] != AppPassword)
        {
            return Json(new JsonObject
            {
                ["error"] = "invalid_client",
                ["error_description"] = "AADSTS7000215: Invalid client secret provided.",
            }, StatusCodes.Status401Unauthorized);
        }

        var accessToken = $"fake-access-token-{Guid.NewGuid():N}";
        lock (_gate)
        {
            _issuedAccessTokens.Add(accessToken);
        }

        return Json(new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = AccessTokenExpiresIn,
            ["ext_expires_in"] = AccessTokenExpiresIn,
            ["access_token"] = accessToken,
        });
    }
}
