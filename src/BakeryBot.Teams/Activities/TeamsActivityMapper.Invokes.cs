using System.Collections.Frozen;
using System.Text.Json;
using BakeryBot.Core.Chat;

namespace BakeryBot.Teams.Activities;

public static partial class TeamsActivityMapper
{
    public const string AdaptiveCardActionInvoke = "adaptiveCard/action";

    public const string SubmitActionInvoke = "composeExtension/submitAction";

    /// <summary>
    /// Message-action command ids (the manifest's <c>composeExtensions[].commands[].id</c>, product.md §4) and the
    /// action ids they run. An id not listed here passes through unchanged, so the router can say it is unknown.
    /// </summary>
    public static IReadOnlyDictionary<string, string> MessageActions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["declareIncident"] = "incident.from_message",
        ["startTimer"] = "timer.from_message",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>An <c>Action.Execute</c> click; null for anything <see cref="MapCardAction"/> does not map.</summary>
    public static ChatRequest? FromCardAction(TeamsActivity a) =>
        MapCardAction(a) is TeamsInvokeMapping.Mapped mapped ? mapped.Request : null;

    /// <summary>
    /// <c>invoke</c> <c>adaptiveCard/action</c>: <c>value.action.verb</c> is the action id and
    /// <c>value.action.data.value</c> the button's value (what the card renderer writes). Like botbuilder's
    /// <c>GetAdaptiveCardInvokeValue</c>: a missing value or action is <c>BadRequest</c>, another action type
    /// (<c>Action.Submit</c> does not arrive as an invoke) is <c>NotSupported</c>.
    /// </summary>
    public static TeamsInvokeMapping MapCardAction(TeamsActivity a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Type != "invoke" || a.Name != AdaptiveCardActionInvoke)
        {
            return TeamsInvokeMapping.BadRequest($"Not an {AdaptiveCardActionInvoke} invoke.");
        }

        var action = a.Value?.Object("action");
        if (action is null)
        {
            return TeamsInvokeMapping.BadRequest("Missing value.action.");
        }

        var type = action.String("type");
        if (type != "Action.Execute")
        {
            return TeamsInvokeMapping.NotSupported($"The action '{type}' is not supported.");
        }

        var verb = action.NonEmpty("verb");
        if (verb is null)
        {
            return TeamsInvokeMapping.BadRequest("Missing value.action.verb.");
        }

        if (Identity(a, "act:") is not { } request)
        {
            return TeamsInvokeMapping.BadRequest("The activity has no tenant.");
        }

        // Action.Execute data may also be a plain string (adaptive-card.json 1.5); take it as the value then.
        var data = action.Value.TryGetProperty("data", out var d) ? d : default;
        var value = data.Text() ?? data.String("value");
        if (data.String(FormDataKey) is { } formId)
        {
            // A form's submit button (TeamsAdaptiveCardRenderer.RenderForm): its verb is the form's callback id.
            return formId == verb
                ? new TeamsInvokeMapping.Mapped(request with { FormId = verb, FormState = string.IsNullOrEmpty(value) ? null : value, Inputs = CardInputs(data) ?? new Dictionary<string, string>() })
                : TeamsInvokeMapping.BadRequest("The form's data names another form than its verb.");
        }

        // A button on one card of a board (TeamsAdaptiveCardRenderer.RenderBoard): the inputs of its own card, and
        // the command that draws the board again.
        var part = data.ValueKind == JsonValueKind.Object ? data.String(PartDataKey) : null;
        var redraw = data.ValueKind == JsonValueKind.Object ? data.String(RedrawDataKey) : null;
        return new TeamsInvokeMapping.Mapped(request with { ActionId = verb, ActionValue = value, Inputs = CardInputs(data, part) })
        {
            Redraw = string.IsNullOrWhiteSpace(redraw) ? null : redraw,
        };
    }

    /// <summary>The <c>data</c> member of a board's button that names the card it is on (inputs there are <c>part/id</c>).</summary>
    public const string PartDataKey = "_part";

    /// <summary>The <c>data</c> member of a board's button that names the command drawing the board again.</summary>
    public const string RedrawDataKey = "_redraw";

    /// <summary>
    /// The <c>data</c> member that marks a form's submit button; it holds the form's callback id, next to
    /// <c>value</c> (the form's state). Form field ids never take these two names.
    /// </summary>
    public const string FormDataKey = "_form";

    /// <summary>
    /// Adaptive Cards: Action.Execute merges the card's input values into <c>data</c>, each under its
    /// input's id, next to the button's own <c>value</c>.
    /// </summary>
    /// <param name="data">The action's data.</param>
    /// <param name="part">For a board's button, its card: only inputs named <c>part/id</c> are taken, by their own id.</param>
    private static Dictionary<string, string>? CardInputs(JsonElement data, string? part = null)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var property in data.EnumerateObject())
            {
                if (property.Name is "value" or FormDataKey or PartDataKey or RedrawDataKey || property.Value.Text() is not { } text)
                {
                    continue;
                }

                if (part is null)
                {
                    inputs[property.Name] = text;
                }
                else if (property.Name.Length > part.Length + 1 && property.Name.StartsWith(part + "/", StringComparison.Ordinal))
                {
                    inputs[property.Name[(part.Length + 1)..]] = text;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // A property name that is not valid UTF-8: no inputs rather than a failed click.
            return null;
        }

        return inputs.Count == 0 ? null : inputs;
    }

    /// <summary>A message action; null for anything <see cref="MapMessageAction"/> does not map.</summary>
    public static ChatRequest? FromMessageAction(TeamsActivity a) =>
        MapMessageAction(a) is TeamsInvokeMapping.Mapped mapped ? mapped.Request : null;

    /// <summary>
    /// <c>invoke</c> <c>composeExtension/submitAction</c> run on a message (<c>commandContext: "message"</c>):
    /// the action id from <see cref="MessageActions"/>, the message's plain text as the value. Teams waits about
    /// 5 seconds for the answer (protocols.md §11).
    /// </summary>
    public static TeamsInvokeMapping MapMessageAction(TeamsActivity a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Type != "invoke" || a.Name != SubmitActionInvoke)
        {
            return TeamsInvokeMapping.BadRequest($"Not a {SubmitActionInvoke} invoke.");
        }

        if (a.Value is not { ValueKind: JsonValueKind.Object } value)
        {
            return TeamsInvokeMapping.BadRequest("Missing value.");
        }

        var context = value.String("commandContext");
        if (context != "message")
        {
            return TeamsInvokeMapping.NotSupported($"Commands from '{context}' are not supported; use the message's actions menu.");
        }

        var commandId = value.NonEmpty("commandId");
        if (commandId is null)
        {
            return TeamsInvokeMapping.BadRequest("Missing value.commandId.");
        }

        if (Identity(a, "act:") is not { } request)
        {
            return TeamsInvokeMapping.BadRequest("The activity has no tenant.");
        }

        var body = value.Object("messagePayload").Object("body");
        var content = body.String("content") ?? "";
        // Teams: body.contentType is "html" for messages typed in Teams; "text" content is already plain.
        var text = body.String("contentType") is "text" ? content.Trim() : TeamsMessageText.ToPlainText(content);
        return new TeamsInvokeMapping.Mapped(request with
        {
            ActionId = MessageActions.TryGetValue(commandId, out var actionId) ? actionId : commandId,
            ActionValue = text,
            // The action's form (the manifest's parameters: title, severity, ci, note) arrives in data.
            Inputs = value.TryGetProperty("data", out var data) ? CardInputs(data) : null,
        });
    }
}
