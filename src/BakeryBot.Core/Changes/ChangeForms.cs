using BakeryBot.Core.Chat;

namespace BakeryBot.Core.Changes;

/// <summary>
/// The forms of changes: the change request (what <c>/change request</c> asks for, field by field)
/// and the CAB's reason to reject. A submission is checked by the same parsers and
/// <see cref="ChangeService"/> rules as the typed command; every refusal names its field.
/// </summary>
public static class ChangeForms
{
    public const string RequestForm = "change.request_form";
    public const string RejectForm = "change.reject_form";

    // Field ids are the command's option names, so a refusal names the same thing in both.
    public const string Title = "title";
    public const string Cis = "ci";
    public const string Window = "window";
    public const string Duration = "duration";
    public const string Risk = "risk";
    public const string Type = "type";
    public const string Rollback = "rollback";
    public const string Schema = "schema";
    public const string RollbackMigration = "rollback-migration";

    private static readonly FormChoice[] Risks = [new("low", "Low"), new("medium", "Medium"), new("high", "High")];

    private static readonly FormChoice[] Types =
    [
        new("normal", "Normal: the CAB decides"),
        new("standard", "Standard: approved by policy"),
        new("emergency", "Emergency: it can't wait"),
    ];

    private static readonly FormChoice[] YesNo = [new("no", "No"), new("yes", "Yes")];

    /// <summary>The change request, blank; times are read in the person's time zone.</summary>
    public static Form Request(CommandContext ctx, string? state) => new(
        RequestForm,
        "Request a change",
        "Request",
        [
            new TextField(Title, "Title", "replace the thermostat of oven 2", MaxLength: 300) { Required = true },
            new TextField(Cis, "Configuration items", "oven-2, thermostat-2", MaxLength: 1000) { Required = true, Hint = "Their names in the CMDB, separated by commas." },
            new TextField(Window, "Window start", "tomorrow 22:00", MaxLength: 40) { Required = true, Hint = $"In your time zone ({ctx.TimeZone.Id}): 2026-12-01 22:00, tomorrow 22:00, fri 06:30 or 22:00." },
            new TextField(Duration, "Duration", "2h", MaxLength: 40) { Value = "1h", Hint = "How long the window lasts: 90m, 2h or 1d (at most 30 days)." },
            new ChoiceField(Risk, "Risk", Risks) { Required = true },
            new ChoiceField(Type, "Type", Types) { Required = true, Value = "normal" },
            new TextField(Rollback, "Rollback steps", "refit the old thermostat", Multiline: true) { Hint = "How to undo it. The CAB approves no change without them; a standard change needs them now." },
            new ChoiceField(Schema, "Database schema change", YesNo) { Value = "no" },
            new TextField(RollbackMigration, "Rollback migration", "20261126_AddThermostatLog_Down", MaxLength: 200) { Hint = "For a schema change: the migration that undoes it." },
        ])
    {
        Intro = "The CAB votes on it; a standard change is approved at once.",
    };

    /// <summary>The reason to reject the change named by <paramref name="state"/> (its id).</summary>
    public static Form Reject(CommandContext ctx, string? state)
    {
        var id = RecordId.TryParse(state, out var parsed) && parsed.Prefix == RecordId.Change ? parsed.ToString() : null;
        return new Form(
            RejectForm,
            id is null ? "Reject a change" : $"Reject {id}",
            "Reject",
            [new TextField(ChangeCards.ReasonInput, "Reason", "what must change before it can go ahead", Multiline: true, MaxLength: 1000) { Required = true }])
        {
            State = id,
            Intro = "Its requester reads the reason on the change's card.",
        };
    }

    /// <summary>A submitted change request: each value read as the command reads it, then recorded as the command records it.</summary>
    public static Task<ChatReply> SubmitRequestAsync(CommandContext ctx)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Value(string id) => ctx.Request.Inputs?.GetValueOrDefault(id) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var start = DateTimeOffset.MinValue;
        if (Value(Window) is not { } startText)
        {
            errors[Window] = "When does it start? As in `tomorrow 22:00`.";
        }
        else
        {
            try
            {
                start = WhenParser.Parse(startText, ctx.Now, ctx.TimeZone, "window start");
            }
            catch (UserException e)
            {
                errors[Window] = e.Message;
            }
        }

        var length = TimeSpan.FromHours(1);
        if (Value(Duration) is { } duration && (!DurationParser.TryParse(duration, out length) || length > ChangeService.MaxWindow))
        {
            errors[Duration] = "Write how long the window lasts like `2h`, `90m` or `1d` (at most 30 days).";
        }

        var risk = Choice(Value(Risk), Risks, Risk, errors, "How risky is it? Pick low, medium or high.") is { } r ? Enum.Parse<ChangeRisk>(r, ignoreCase: true) : default;
        var type = Choice(Value(Type) ?? "normal", Types, Type, errors, "") is { } t ? Enum.Parse<ChangeType>(t, ignoreCase: true) : ChangeType.Normal;
        var schema = Choice(Value(Schema) ?? "no", YesNo, Schema, errors, "") == "yes";
        if (errors.Count > 0)
        {
            throw new FieldException(errors);
        }

        var request = new ChangeRequest(
            Value(Title) ?? "",
            Value(Cis)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            start,
            start + length,
            risk,
            type,
            Value(Rollback),
            schema,
            Value(RollbackMigration));
        return ChangeCommands.RecordRequestAsync(ctx, request);
    }

    /// <summary>A submitted reason to reject: the vote the Reject button casts, with the reason.</summary>
    public static Task<ChatReply> SubmitRejectAsync(CommandContext ctx)
    {
        if (string.IsNullOrWhiteSpace(ctx.Request.Inputs?.GetValueOrDefault(ChangeCards.ReasonInput)))
        {
            throw new FieldException(ChangeCards.ReasonInput, "Say why you reject it: the requester needs the reason.");
        }

        return ChangeCommands.VoteAsync(ctx, VoteKind.Reject, "/change reject CHG-7 <reason>");
    }

    /// <summary>One of a choice field's values; anything else (a form is filled by the platform, not typed) is refused without being repeated.</summary>
    private static string? Choice(string? value, FormChoice[] choices, string field, Dictionary<string, string> errors, string missing)
    {
        if (choices.Any(c => c.Value == value))
        {
            return value;
        }

        errors[field] = value is null ? missing : $"Pick one of: {string.Join(", ", choices.Select(c => c.Label))}.";
        return null;
    }
}
