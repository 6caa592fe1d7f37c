namespace BakeryBot.Core.Chat;

/// <summary>
/// A rule the person broke (bad argument, unknown record, wrong state). The router turns it into a
/// private warning with the usage of the command; nothing is saved.
/// </summary>
public sealed class UserException(string message) : Exception(message)
{
}
