namespace BakeryBot.Core.Chat;

/// <summary>Runs one verb or button of a command.</summary>
public delegate Task<ChatReply> CommandHandler(CommandContext context);

/// <summary>A module registers its commands, verbs and button actions here; listed once in the host.</summary>
public interface IChatModule
{
    void Map(CommandMap map);
}

/// <summary>One verb of a command (<c>/incident ack</c>), or a button action.</summary>
public sealed record CommandVerb(string Name, string Usage, string Summary, CommandHandler Handler, string? Role);

/// <summary>Draws a registered form, blank, for its <see cref="Form.State"/>.</summary>
public delegate Form FormBuilder(CommandContext context, string? state);

/// <summary>
/// A form the bot shows, keyed by its callback id: <see cref="Build"/> draws it (the router draws it
/// again, with the values and what was wrong, when a submission is refused), <see cref="Submit"/>
/// runs with the submission.
/// </summary>
public sealed record FormDefinition(string CallbackId, string Summary, FormBuilder Build, CommandHandler Submit, string? Role);

/// <summary>A command word (<c>incident</c>) with its verbs and, optionally, what it does when no verb is given.</summary>
public sealed class CommandDefinition(string name, string summary)
{
    private readonly Dictionary<string, CommandVerb> _verbs = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<CommandVerb> _ordered = [];

    public string Name { get; } = name;

    public string Summary { get; } = summary;

    /// <summary>Runs when the first word is not a verb (<c>/incident burnt-cookie</c> declares).</summary>
    public CommandVerb? Default { get; private set; }

    public IReadOnlyList<CommandVerb> Verbs => _ordered;

    public CommandDefinition Verb(string verb, string usage, string summary, CommandHandler handler, string? role = null)
    {
        var definition = new CommandVerb(verb, usage, summary, handler, role);
        if (!_verbs.TryAdd(verb, definition))
        {
            throw new InvalidOperationException($"/{Name} {verb} is registered twice.");
        }

        _ordered.Add(definition);
        return this;
    }

    /// <summary>Whether the fallback also runs when nothing follows the command word (<c>/catalog</c>).</summary>
    public bool DefaultWhenBare { get; private set; }

    public CommandDefinition Fallback(string usage, string summary, CommandHandler handler, string? role = null, bool whenBare = false)
    {
        Default = new CommandVerb("", usage, summary, handler, role);
        DefaultWhenBare = whenBare;
        return this;
    }

    /// <summary>Runs when nothing at all follows the command word (<c>/change</c> opens its form).</summary>
    public CommandVerb? Bare { get; private set; }

    public CommandDefinition WhenBare(string usage, string summary, CommandHandler handler, string? role = null)
    {
        Bare = new CommandVerb("", usage, summary, handler, role);
        return this;
    }

    public CommandVerb? Find(string verb) => _verbs.GetValueOrDefault(verb);

    /// <summary>The help text: every verb with its usage.</summary>
    public string Help()
    {
        var lines = new List<string> { $"/{Name}: {Summary}" };
        if (Bare is not null)
        {
            lines.Add($"• `{Bare.Usage}`: {Bare.Summary}");
        }

        if (Default is not null)
        {
            lines.Add($"• `{Default.Usage}`: {Default.Summary}");
        }

        lines.AddRange(_ordered.Select(v => $"• `{v.Usage}`: {v.Summary}"));
        lines.Add($"• `/{Name} help`: this list");
        return string.Join('\n', lines);
    }
}

/// <summary>
/// Every command and button of the bot, keyed by name and action id. Help, the router and the
/// platforms' command lists all read it.
/// </summary>
public sealed class CommandMap
{
    private readonly Dictionary<string, CommandDefinition> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CommandVerb> _actions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, FormDefinition> _forms = new(StringComparer.Ordinal);

    public CommandMap(IEnumerable<IChatModule> modules)
    {
        foreach (var module in modules)
        {
            module.Map(this);
        }
    }

    public IEnumerable<CommandDefinition> Commands => _commands.Values.OrderBy(c => c.Name, StringComparer.Ordinal);

    /// <summary>Every registered button, by action id.</summary>
    public IEnumerable<CommandVerb> Actions => _actions.Values.OrderBy(a => a.Name, StringComparer.Ordinal);

    /// <summary>Every registered form, by callback id.</summary>
    public IEnumerable<FormDefinition> Forms => _forms.Values.OrderBy(f => f.CallbackId, StringComparer.Ordinal);

    /// <summary>Whether a command, button or form of that name exists: what may name a request in metrics (the rest is "other").</summary>
    public bool Knows(string? command, string? actionId, string? formId) =>
        formId is not null ? _forms.ContainsKey(formId) : actionId is not null ? _actions.ContainsKey(actionId) : command is not null && _commands.ContainsKey(command);

    public CommandDefinition Command(string name, string summary)
    {
        var definition = new CommandDefinition(name, summary);
        if (!_commands.TryAdd(name, definition))
        {
            throw new InvalidOperationException($"/{name} is registered twice.");
        }

        return definition;
    }

    /// <summary>Registers a button: a lower-case <c>area.verb</c> id run with the button's value.</summary>
    public void Action(string actionId, string summary, CommandHandler handler, string? role = null)
    {
        if (!_actions.TryAdd(actionId, new CommandVerb(actionId, actionId, summary, handler, role)))
        {
            throw new InvalidOperationException($"Action {actionId} is registered twice.");
        }
    }

    /// <summary>Registers a form: a lower-case <c>area.name</c> callback id, how to draw it, and what its submission runs.</summary>
    public void Form(string callbackId, string summary, FormBuilder build, CommandHandler submit, string? role = null)
    {
        if (!_forms.TryAdd(callbackId, new FormDefinition(callbackId, summary, build, submit, role)))
        {
            throw new InvalidOperationException($"Form {callbackId} is registered twice.");
        }
    }

    public CommandDefinition? FindCommand(string name) => _commands.GetValueOrDefault(name);

    public FormDefinition? FindForm(string callbackId) => _forms.GetValueOrDefault(callbackId);

    public CommandVerb? FindAction(string actionId) => _actions.GetValueOrDefault(actionId);

    /// <summary>The overview every <c>help</c> starts from.</summary>
    public string Overview() =>
        "Commands:\n" + string.Join('\n', Commands.Select(c => $"• `/{c.Name}`: {c.Summary}")) +
        "\nAdd `help` to any command for its details, e.g. `/incident help`.";
}
