using System.Data.Common;

namespace BakeryBot.Core.Data;

/// <summary>Parameters for the few plain commands the bot runs beside EF Core, the same on SQLite and PostgreSQL.</summary>
internal static class DbCommandParameters
{
    /// <summary>Adds a parameter named as in the command's text (<c>@name</c>).</summary>
    public static void AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
