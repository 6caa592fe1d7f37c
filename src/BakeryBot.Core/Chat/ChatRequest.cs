namespace BakeryBot.Core.Chat;

/// <summary>
/// What an adapter hands to the core: a typed command or a button click, with who, where and from which tenant.
/// </summary>
public sealed record ChatRequest
{
    /// <summary>The adapter's key, lower case (stored with tenants, identities and posted cards).</summary>
    public required string Platform { get; init; }

    /// <summary>The workspace or directory id on that platform.</summary>
    public required string TenantId { get; init; }

    public string? TenantName { get; init; }

    public required string ChannelId { get; init; }

    public string? ChannelName { get; init; }

    /// <summary>Thread or reply-chain id inside the channel, where the request came from one.</summary>
    public string? ThreadId { get; init; }

    public required string UserId { get; init; }

    public string? UserName { get; init; }

    /// <summary>Another id the platform uses for the same person (mentions may name them by it), as Teams' channel account id beside the Entra object id.</summary>
    public string? UserAlias { get; init; }

    /// <summary>The command word without its slash (<c>incident</c>); empty for a button click.</summary>
    public string Command { get; init; } = "";

    /// <summary>Everything typed after the command word.</summary>
    public string Text { get; init; } = "";

    /// <summary>For a button click: the registered action id (<c>incident.ack</c>).</summary>
    public string? ActionId { get; init; }

    /// <summary>For a button click: the button's value (usually a record id).</summary>
    public string? ActionValue { get; init; }

    /// <summary>
    /// For a button click: what the person typed into the card's inputs, by input id. For a submitted
    /// form: its values, by field id (a field left empty is absent).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Inputs { get; init; }

    /// <summary>For a submitted form: its <see cref="Form.CallbackId"/>.</summary>
    public string? FormId { get; init; }

    /// <summary>For a submitted form: its <see cref="Form.State"/>, as it was given.</summary>
    public string? FormState { get; init; }

    /// <summary>
    /// Whether an answer may open a form as a dialog over the conversation, for this person alone
    /// (Slack: a modal, which needs the trigger id that came with this request). Where false, a form is
    /// shown as a message, or its reply's text stands in for it.
    /// </summary>
    public bool CanOpenDialog { get; init; }

    /// <summary>The platform's id for this delivery, so that a retried delivery has one effect.</summary>
    public string? DeliveryId { get; init; }

    /// <summary>Mentions whose display text stands in <see cref="Text"/> as <c>&lt;at&gt;name&lt;/at&gt;</c>, mapped to user ids.</summary>
    public IReadOnlyDictionary<string, string>? MentionIds { get; init; }

    /// <summary>For an action on a message: a link to that message, where the platform gives one.</summary>
    public string? SourceLink { get; init; }

    /// <summary>What the platform says about the conversation, for platforms that need it to post there later.</summary>
    public Data.ConversationSighting? Conversation { get; init; }

    /// <summary>
    /// Whether answers reach only the person who asked (false where the platform can answer only in
    /// front of the whole conversation): secrets are not shown where they would be seen by all.
    /// </summary>
    public bool PrivateReplies { get; init; } = true;

    public bool IsAction => ActionId is not null;

    public bool IsFormSubmission => FormId is not null;
}
