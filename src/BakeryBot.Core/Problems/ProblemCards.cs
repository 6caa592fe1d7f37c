using System.Globalization;
using BakeryBot.Core.Chat;
using Humanizer;

namespace BakeryBot.Core.Problems;

/// <summary>What a problem card shows besides the problem: its incidents, their CIs, the downtime.</summary>
public sealed record ProblemView(Problem Problem, IReadOnlyList<string> Incidents, IReadOnlyList<string> SharedCis, TimeSpan Downtime, string CreatedBy);

/// <summary>Problem and suggestion cards. Pure: view and culture in, card out.</summary>
public static class ProblemCards
{
    public static Card Card(ProblemView view, CultureInfo culture)
    {
        var problem = view.Problem;
        var fields = new List<CardField>
        {
            new("Status", problem.State switch
            {
                ProblemState.Open => "Open (cause not known)",
                ProblemState.KnownError => "Known error (workaround known)",
                _ => "Resolved",
            }),
            new("Incidents", view.Incidents.Count == 0 ? "none linked yet" : string.Join(", ", view.Incidents)),
            new("CIs", view.SharedCis.Count == 0 ? "none named" : string.Join(", ", view.SharedCis)),
            new("Total downtime", Durations.Humanize(view.Downtime, culture)),
        };
        var sections = new List<CardSection> { new FieldsSection(fields) };
        if (problem.RootCause is { } cause)
        {
            sections.Add(new TextSection($"Root cause: {cause}"));
        }

        if (problem.Workaround is { } workaround)
        {
            sections.Add(new TextSection($"Workaround: {workaround}"));
        }

        var accent = problem.State switch
        {
            ProblemState.Open => CardAccent.Warning,
            ProblemState.KnownError => CardAccent.Info,
            _ => CardAccent.Success,
        };
        return new Card($"{problem.RecordId}: {problem.Title}", accent, sections, [], $"Opened by {view.CreatedBy}");
    }

    /// <summary>The bot's suggestion to open a problem, with the button that does it.</summary>
    public static Card Suggestion(ProblemSuggestion suggestion, string ciName, int count, TimeSpan window, RecordId? created = null) => new(
        $"{count} incidents on {ciName} in {window.Humanize()}",
        CardAccent.Warning,
        [new TextSection($"{suggestion.IncidentKeys.Replace(",", ", ", StringComparison.Ordinal)} all touch {ciName} and no open problem covers them. A problem would track their common cause.")],
        created is null
            ? [new CardButton("Create problem", ProblemCommands.CreateFromSuggestionAction, suggestion.Id.ToString(CultureInfo.InvariantCulture), ButtonStyle.Primary)]
            : [],
        created is { } id ? $"{id} was created from this suggestion" : "Suggested by BakeryBot");
}
