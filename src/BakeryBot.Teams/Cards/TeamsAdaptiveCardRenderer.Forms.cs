using System.Diagnostics;
using System.Text.Json.Nodes;
using BakeryBot.Core.Chat;

namespace BakeryBot.Teams.Cards;

public static partial class TeamsAdaptiveCardRenderer
{
    /// <summary>Teams' compact choice set lists this many choices at most here; a form offers a few.</summary>
    public const int MaxChoices = 100;

    /// <summary>
    /// A <see cref="Form"/> as an Adaptive Card 1.5: each field an <c>Input.Text</c> or a compact
    /// <c>Input.ChoiceSet</c> (id = field id, <c>isRequired</c> with an <c>errorMessage</c> so Teams checks it
    /// before sending), its hint and its error (a TextBlock in the attention colour) under it, a notice above the
    /// fields, and one <c>Action.Execute</c> whose <c>verb</c> is the form's callback id and whose <c>data</c> holds
    /// the form's state in <c>value</c> and the callback id again under
    /// <see cref="Activities.TeamsActivityMapper.FormDataKey"/>; Teams adds the inputs' values next to them.
    /// </summary>
    public static JsonObject RenderForm(Form form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var items = new JsonArray();
        var title = TextBlock(TeamsMarkdown.Escape(Cut(form.Title, MaxTitleLength)));
        title["weight"] = "bolder";
        title["size"] = "medium";
        items.Add(title);
        if (!string.IsNullOrWhiteSpace(form.Intro))
        {
            items.Add(TextBlock(TeamsMarkdown.Escape(Cut(form.Intro, MaxTextBlockLength))));
        }

        if (!string.IsNullOrWhiteSpace(form.Notice))
        {
            items.Add(Attention(form.Notice));
        }

        foreach (var field in form.Fields)
        {
            items.Add(FormInput(field));
            if (!string.IsNullOrWhiteSpace(field.Hint))
            {
                var hint = Small(TeamsMarkdown.Escape(Cut(field.Hint, MaxTextBlockLength)));
                hint["spacing"] = "none";
                items.Add(hint);
            }

            if (form.Errors?.GetValueOrDefault(field.Id) is { } error)
            {
                var message = Attention(error);
                message["size"] = "small";
                message["spacing"] = "none";
                items.Add(message);
            }
        }

        var submit = new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = Cut(string.IsNullOrWhiteSpace(form.SubmitLabel) ? "Submit" : form.SubmitLabel, MaxButtonTitleLength),
            ["verb"] = form.CallbackId,
            ["style"] = "positive",
            ["data"] = new JsonObject
            {
                ["value"] = form.State ?? "",
                [Activities.TeamsActivityMapper.FormDataKey] = form.CallbackId,
            },
        };
        return new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = SchemaUrl,
            ["version"] = CardVersion,
            ["body"] = new JsonArray { new JsonObject { ["type"] = "Container", ["style"] = "default", ["items"] = items } },
            ["actions"] = new JsonArray { submit },
            ["msteams"] = new JsonObject { ["width"] = "Full" },
        };
    }

    /// <summary>A message activity that carries the form (a reply to the person who asked for it).</summary>
    public static JsonObject RenderFormMessage(Form form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return new JsonObject
        {
            ["type"] = "message",
            ["textFormat"] = "markdown",
            ["text"] = "",
            // Bot Framework: summary stands in for the card where it cannot be shown (notifications).
            ["summary"] = Cut(form.Title, MaxTitleLength),
            ["attachments"] = new JsonArray { Attachment(RenderForm(form)) },
        };
    }

    /// <summary>
    /// The invoke response that shows the form in place of the card its submit button was on, for the person
    /// who pressed it: <c>{"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": form}</c>.
    /// </summary>
    public static JsonObject RenderInvokeFormResponse(Form form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return Invoke(200, ContentType, RenderForm(form));
    }

    private static JsonObject FormInput(FormField field)
    {
        var label = Cut(string.IsNullOrWhiteSpace(field.Label) ? field.Id : field.Label, MaxTextBlockLength);
        JsonObject input;
        switch (field)
        {
            case TextField text:
                var max = Math.Clamp(text.MaxLength, 1, TextField.MaxMaxLength);
                input = new JsonObject
                {
                    ["type"] = "Input.Text",
                    ["id"] = text.Id,
                    ["label"] = label,
                    ["isMultiline"] = text.Multiline,
                    ["maxLength"] = max,
                };
                if (!string.IsNullOrEmpty(text.Placeholder))
                {
                    input["placeholder"] = Cut(text.Placeholder, MaxTextBlockLength);
                }

                if (!string.IsNullOrEmpty(text.Value))
                {
                    input["value"] = text.Value.Length <= max ? text.Value : text.Value[..max];
                }

                break;
            case ChoiceField choice:
                var choices = new JsonArray();
                foreach (var option in choice.Choices.Where(c => c.Value.Length > 0).Take(MaxChoices))
                {
                    choices.Add(new JsonObject { ["title"] = Cut(string.IsNullOrWhiteSpace(option.Label) ? option.Value : option.Label, MaxFactTitleLength), ["value"] = option.Value });
                }

                input = new JsonObject
                {
                    ["type"] = "Input.ChoiceSet",
                    ["id"] = choice.Id,
                    ["label"] = label,
                    ["style"] = "compact",
                    ["placeholder"] = "Choose",
                    ["choices"] = choices,
                };
                if (choice.Choices.Any(c => c.Value == choice.Value))
                {
                    input["value"] = choice.Value;
                }

                break;
            default:
                throw new UnreachableException($"No Adaptive Card rendering for {field.GetType().Name}.");
        }

        if (field.Required)
        {
            input["isRequired"] = true;
            input["errorMessage"] = Cut($"{label}: this is needed.", MaxTextBlockLength);
        }

        return input;
    }

    /// <summary>A problem to see at once: plain text (code marks dropped) in the attention colour.</summary>
    private static JsonObject Attention(string text)
    {
        var block = TextBlock(TeamsMarkdown.Escape(Cut(text.Replace("`", "", StringComparison.Ordinal), MaxTextBlockLength)));
        block["color"] = "attention";
        return block;
    }
}
