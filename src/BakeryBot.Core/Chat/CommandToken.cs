namespace BakeryBot.Core.Chat;

/// <summary>What a piece of command text is.</summary>
public enum TokenKind
{
    /// <summary>A bare word.</summary>
    Word,

    /// <summary>A quoted string (quotes removed).</summary>
    Quoted,

    /// <summary><c>key:value</c>; <see cref="CommandToken.Key"/> is lower case.</summary>
    Option,

    /// <summary>A person; <see cref="CommandToken.Text"/> is the platform user id.</summary>
    Mention,

    /// <summary>A channel; <see cref="CommandToken.Text"/> is the channel id.</summary>
    Channel,
}

/// <summary>One token of command text.</summary>
public sealed record CommandToken(TokenKind Kind, string Text, string? Key = null)
{
    public override string ToString() => Kind switch
    {
        TokenKind.Option => $"{Key}:{Text}",
        TokenKind.Quoted => $"\"{Text}\"",
        TokenKind.Mention => $"<@{Text}>",
        TokenKind.Channel => $"<#{Text}>",
        _ => Text,
    };
}
