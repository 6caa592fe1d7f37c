using System.Net.Http.Headers;

namespace BakeryBot.Load.Running;

/// <summary>One prepared request: built (and signed) before its phase, so that the phase only sends.</summary>
public sealed record LoadRequest(string Path, byte[] Body, string ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public HttpRequestMessage ToMessage(Uri baseUri)
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, Path)) { Content = content };
        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }
}

/// <summary>
/// What a scenario makes of an answer: null when the bot did what was asked, otherwise a short label for
/// what went wrong (counted as an error, like a non-200 status).
/// </summary>
public delegate string? AnswerCheck(int status, byte[] body);
