namespace BakeryBot.Teams.Tests.Auth;

/// <summary>How <see cref="FakeBotFrameworkAuthority.MintToken"/> signs a token.</summary>
public enum FakeSigning
{
    /// <summary>RS256 with a key the authority publishes (<see cref="FakeToken.KeyId"/>, or its current key).</summary>
    PublishedKey,

    /// <summary>RS256 with a fresh RSA key that is never published (kid <see cref="FakeToken.KeyId"/>, or a new one).</summary>
    UnknownKey,

    /// <summary>HS256 with a random symmetric key, under a published kid: the classic key-confusion attempt.</summary>
    Hs256,

    /// <summary>An unsecured JWT: header <c>alg: none</c> and an empty signature, built by hand.</summary>
    None,
}

/// <summary>
/// What goes into a minted token. The defaults make a token the bot accepts: Bot Framework issuer, the
/// authority's app id as audience, valid from a minute ago for an hour (on the authority's clock), the default
/// service URL, signed RS256 with the current published key. Change one thing with <c>with</c>.
/// </summary>
public sealed record FakeToken
{
    public static FakeToken Valid { get; } = new();

    public string? Issuer { get; init; } = TeamsOptions.BotFrameworkIssuer;

    /// <summary>Null: the authority's <see cref="FakeBotFrameworkAuthority.AppId"/>.</summary>
    public string? Audience { get; init; }

    /// <summary>Null: one minute before the authority's now. Ignored when <see cref="OmitNotBefore"/>.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    public bool OmitNotBefore { get; init; }

    /// <summary>Null: one hour after the authority's now. Ignored when <see cref="OmitExpires"/>.</summary>
    public DateTimeOffset? Expires { get; init; }

    public bool OmitExpires { get; init; }

    /// <summary>The <c>serviceurl</c> claim; null leaves the claim out.</summary>
    public string? ServiceUrl { get; init; } = FakeBotFrameworkAuthority.DefaultServiceUrl;

    public FakeSigning Signing { get; init; } = FakeSigning.PublishedKey;

    /// <summary>The header's <c>kid</c>; null: the authority's current key (a new random id for <see cref="FakeSigning.UnknownKey"/>).</summary>
    public string? KeyId { get; init; }

    /// <summary>More payload claims (strings, numbers, booleans).</summary>
    public IReadOnlyDictionary<string, object>? ExtraClaims { get; init; }
}
