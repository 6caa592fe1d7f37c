namespace BakeryBot.Core.Cmdb.Import;

/// <summary>
/// One CI of an import file: its type and name, the attributes given (the keys of <c>/cmdb add</c>;
/// an empty value is left out, so it leaves the CI's value as it is), and the links it adds.
/// </summary>
public sealed record CiRow(int Line, string Type, string Name, IReadOnlyList<KeyValuePair<string, string>> Values, IReadOnlyList<CiRowLink> Links);

/// <summary>A link of an import row: this CI <see cref="Relation"/> <see cref="Target"/>, optionally in a redundancy group.</summary>
public sealed record CiRowLink(CiRelation Relation, string Target, string? Group);

/// <summary>What is wrong with the file at a line (1-based, as an editor numbers it).</summary>
public sealed record ImportError(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}
