using BakeryBot.Core.Chat;

namespace BakeryBot.Teams.Activities;

/// <summary>What an <c>invoke</c> activity maps to: a request for the router, or an error for the invoke response.</summary>
public abstract record TeamsInvokeMapping
{
    public sealed record Mapped(ChatRequest Request) : TeamsInvokeMapping
    {
        /// <summary>For a button on a board (the person's home): the command that draws the board again after the click.</summary>
        public string? Redraw { get; init; }
    }

    /// <summary>
    /// Answer the invoke with <paramref name="StatusCode"/> and <c>application/vnd.microsoft.error</c>
    /// <c>{code, message}</c> (Universal Action Model; botbuilder uses <c>BadRequest</c> and <c>NotSupported</c>).
    /// </summary>
    public sealed record Failed(int StatusCode, string Code, string Message) : TeamsInvokeMapping;

    internal static Failed BadRequest(string message) => new(400, "BadRequest", message);

    internal static Failed NotSupported(string message) => new(400, "NotSupported", message);
}
