namespace BakeryBot.Teams.Auth;

/// <summary>
/// The outcome of checking an inbound Bot Framework token. <see cref="Reason"/> is a fixed phrase meant for logs:
/// it never contains the token or any value taken from the request.
/// </summary>
public sealed record TokenCheck(bool IsValid, string Reason)
{
    internal static TokenCheck Valid { get; } = new(true, "ok");

    internal static TokenCheck Invalid(string reason) => new(false, reason);
}
