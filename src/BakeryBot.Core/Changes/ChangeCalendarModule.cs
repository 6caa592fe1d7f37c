using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Changes;

/// <summary>
/// The <c>/change</c> command with only its calendar verbs, until the module that handles change
/// requests defines <c>/change</c>: that module then calls <see cref="ChangeCalendarCommands.MapVerbs"/>
/// itself and this one is deleted (two modules can't both register <c>/change</c>).
/// </summary>
public sealed class ChangeCalendarModule : IChatModule
{
    public void Map(CommandMap map) =>
        ChangeCalendarCommands.MapVerbs(map.Command("change", "changes and releases with the CAB"));
}
