using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace BakeryBot.Core.Data;

/// <summary>
/// A bearer secret (a webhook's token, a calendar link's): 256 random bits, shown once to the person
/// who asked for it, stored only as its SHA-256 in hex (product.md §3), so that nothing stored or
/// logged can be replayed.
/// </summary>
public static class SecretToken
{
    /// <summary>Far longer than any token made here: longer input is refused before it is hashed.</summary>
    public const int MaxLength = 256;

    private const int Bytes = 32;

    /// <summary>A hash compared against when the record is unknown, so that both paths do the same work.</summary>
    private static readonly byte[] NoHash = new byte[SHA256.HashSizeInBytes];

    /// <summary>A new token: 43 URL-safe characters.</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>What is stored in place of the token.</summary>
    public static string HashHex(string token) => Convert.ToHexStringLower(Hash(token));

    /// <summary>Whether presented input is worth hashing at all: present and not absurdly long.</summary>
    public static bool IsPlausible([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? token) =>
        !string.IsNullOrEmpty(token) && token.Length <= MaxLength;

    /// <summary>
    /// Whether <paramref name="token"/> hashes to <paramref name="storedHex"/>, in constant time: how
    /// much of the hash matched is not observable. A null <paramref name="storedHex"/> (no such record)
    /// does the same work and never matches.
    /// </summary>
    public static bool Matches(string token, string? storedHex)
    {
        var stored = storedHex is not null && TryFromHex(storedHex, out var bytes) ? bytes : NoHash;
        return CryptographicOperations.FixedTimeEquals(Hash(token), stored);
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static bool TryFromHex(string hex, out byte[] bytes)
    {
        var buffer = new byte[SHA256.HashSizeInBytes];
        var ok = hex.Length == buffer.Length * 2
                 && Convert.FromHexString(hex, buffer, out _, out var written) == OperationStatus.Done
                 && written == buffer.Length;
        bytes = ok ? buffer : NoHash;
        return ok;
    }
}
