namespace BakeryBot.Host;

/// <summary>Reads a request body as the exact bytes received (signatures are over those bytes).</summary>
public static class RawBody
{
    /// <summary>Larger bodies are refused with 413: no platform sends more to a bot.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The answer to a body larger than <see cref="MaxBytes"/>: 413, saying so.</summary>
    public static IResult TooLarge() =>
        Results.Text($"The body is larger than {MaxBytes} bytes; no chat platform sends that much.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>The body, or null when it is larger than <see cref="MaxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is > 0 and var length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
