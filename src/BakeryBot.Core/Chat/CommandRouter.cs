using System.Security.Cryptography;
using BakeryBot.Core.Data;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Core.Chat;

/// <summary>
/// Turns a <see cref="ChatRequest"/> into a reply: finds the command verb or button in the
/// <see cref="CommandMap"/>, checks roles, runs the handler in its own scope, and is the one place
/// that catches. A rule broken by the person becomes a private warning with the usage; anything
/// unexpected is logged with a short reference the person sees.
/// </summary>
public sealed partial class CommandRouter(CommandMap map, IServiceScopeFactory scopes, TimeProvider clock, ILogger<CommandRouter> logger)
{
    public async Task<ChatReply> HandleAsync(ChatRequest request, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // Only names the bot knows, so that a mistyped word does not become a metric of its own.
        var what = !map.Knows(request.IsFormSubmission || request.IsAction ? null : request.Command, request.IsAction ? request.ActionId : null, request.IsFormSubmission ? request.FormId : null) ? "other"
            : request.IsFormSubmission ? $"form:{request.FormId}" : request.IsAction ? $"button:{request.ActionId}" : request.Command;
        // Every log line of the request carries where it came from and what it was.
        using var logScope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["Platform"] = request.Platform,
            ["Tenant"] = request.TenantId,
            ["Command"] = what,
            ["RecordId"] = RecordIdIn(request),
        });
        using var activity = Telemetry.BakeryTelemetry.Activities.StartActivity($"command {what}");
        activity?.SetTag("bakerybot.platform", request.Platform);
        activity?.SetTag("bakerybot.command", what);
        var reply = await HandleCoreAsync(request, ct);
        var outcome = reply.Kind switch { ReplyKind.Warning => "refused", ReplyKind.Error => "error", _ => "ok" };
        var tags = new System.Diagnostics.TagList { { "platform", request.Platform }, { "command", what }, { "outcome", outcome } };
        Telemetry.BakeryTelemetry.Commands.Add(1, tags);
        Telemetry.BakeryTelemetry.CommandDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        return reply;
    }

    /// <summary>The first record id (INC-42) a request names, for its log lines.</summary>
    private static string? RecordIdIn(ChatRequest request)
    {
        var text = request.IsAction ? request.ActionValue : request.Text;
        return text is null ? null : RecordIdPattern().Match(text) is { Success: true } m ? m.Value.ToUpperInvariant() : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(?:INC|PRB|CHG|DRL)-\d+\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex RecordIdPattern();

    private async Task<ChatReply> HandleCoreAsync(ChatRequest request, CancellationToken ct)
    {
        CommandVerb? verb = null;
        string? usage = null;
        try
        {
            CheckStorable(request);
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<BakeryDbContext>();

            // Who and where first: even a mistyped command tells where the conversation is served.
            db.Actor = new AuditActor(null, request.Platform);
            var identity = await services.GetRequiredService<IdentityService>().ResolveAsync(request, ct);
            if (request.Conversation is { } conversation)
            {
                // Saves on its own, so before the delivery row below joins the unit of work.
                await services.GetRequiredService<ConversationDirectory>().RememberAsync(identity.Tenant.Id, conversation, ct);
            }

            CommandArgs args;
            FormDefinition? form = null;
            if (request.IsFormSubmission)
            {
                form = map.FindForm(request.FormId!)
                    ?? throw new UserException("That form no longer does anything here. Run the command again (`/bakery help`).");
                verb = new CommandVerb(form.CallbackId, form.CallbackId, form.Summary, form.Submit, form.Role);
                args = new CommandArgs(string.IsNullOrEmpty(request.FormState) ? [] : [new CommandToken(TokenKind.Word, request.FormState)]);
            }
            else if (request.IsAction)
            {
                verb = map.FindAction(request.ActionId!)
                    ?? throw new UserException("That button no longer does anything here. Try the command instead (`/bakery help`).");
                args = new CommandArgs(string.IsNullOrEmpty(request.ActionValue) ? [] : [new CommandToken(TokenKind.Word, request.ActionValue)]);
            }
            else
            {
                (verb, args, var help) = Resolve(request);
                if (help is not null)
                {
                    return ChatReply.Private(help);
                }
            }

            usage = verb.Usage;
            if (request.DeliveryId is { } deliveryId)
            {
                if (await db.WasDeliveredAsync(request.Platform, deliveryId, ct))
                {
                    logger.LogInformation("Delivery {DeliveryId} from {Platform} was handled already", deliveryId, request.Platform);
                    return ChatReply.None;
                }

                // Saved by the handler's own SaveChanges, in its transaction: a retry then finds it.
                db.InboundDeliveries.Add(new InboundDelivery { Platform = request.Platform, DeliveryId = deliveryId, ReceivedAt = clock.GetUtcNow() });
            }

            db.Actor = new AuditActor(identity.Person.Id, request.Platform);
            if (verb.Role is { } role && !identity.Roles.Contains(role))
            {
                return ChatReply.Warning($"Only people with the `{role}` role can do that. An admin can grant it with `/bakery role add @you {role}`.");
            }

            var context = new CommandContext(request, args, identity.Tenant, identity.Person, identity.Roles, clock.GetUtcNow(), services, ct);
            return form is null ? await verb.Handler(context) : await SubmitAsync(form, context);
        }
        catch (UserException ex)
        {
            return ChatReply.Warning(usage is null || request.IsAction || request.IsFormSubmission ? ex.Message : $"{ex.Message}\nUsage: `{usage}`");
        }
        catch (DbUpdateConcurrencyException)
        {
            return ChatReply.Warning("Someone changed that at the same moment. Look at the card again and retry if it is still needed.");
        }
        catch (DbUpdateException ex) when (request.DeliveryId is not null)
        {
            if (await WasHandledAsync(request, ct))
            {
                // The same delivery was handled by a concurrent retry, which won: it has one effect.
                logger.LogInformation("Delivery {DeliveryId} from {Platform} was handled concurrently", request.DeliveryId, request.Platform);
                return ChatReply.None;
            }

            return Unexpected(ex, request, verb);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return Unexpected(ex, request, verb);
        }
    }

    /// <summary>What the person typed, clicked or filled in, refused before anything is read or saved when the database could not keep it.</summary>
    private static void CheckStorable(ChatRequest request)
    {
        StorableText.Check(request.Text, "That text");
        StorableText.Check(request.ActionValue, "That button's value");
        StorableText.Check(request.FormState, "That form");
        foreach (var (field, value) in request.Inputs ?? new Dictionary<string, string>())
        {
            StorableText.Check(field, "A field's name");
            StorableText.Check(value, "A field");
        }
    }

    /// <summary>
    /// Runs a form's submission. A refusal shows the form again, with the values as submitted and
    /// the message under the field it names (or above them all): nothing was saved, and the person
    /// corrects what was wrong instead of starting over.
    /// </summary>
    private static async Task<ChatReply> SubmitAsync(FormDefinition definition, CommandContext context)
    {
        try
        {
            return await definition.Submit(context);
        }
        catch (UserException ex)
        {
            var form = definition.Build(context, context.Request.FormState).WithValues(context.Request.Inputs);
            var errors = ex is FieldException field ? field.Errors : new Dictionary<string, string>();
            var underFields = errors.Where(e => form.Field(e.Key) is not null).ToDictionary(StringComparer.Ordinal);
            var above = ex is FieldException ? errors.Where(e => form.Field(e.Key) is null).Select(e => e.Value).ToList() : [ex.Message];
            form = form with
            {
                Errors = underFields.Count == 0 ? null : underFields,
                Notice = above.Count == 0 ? null : string.Join('\n', above),
            };
            return ChatReply.Warning(ex.Message) with { Form = form };
        }
    }

    /// <summary>
    /// Posts a reply in the request's conversation (its thread, where it has one) through the outbox,
    /// for platforms without private answers in the HTTP response: it is retried like every post.
    /// A sensitive reply is not stored: false, and the caller delivers it directly.
    /// </summary>
    public Task<bool> PostReplyAsync(ChatRequest request, ChatReply reply, CancellationToken ct) =>
        PostThroughOutboxAsync(request, reply, (publisher, tenantId, text) => publisher.PostReply(tenantId, request.Platform, request.ChannelId, request.ThreadId, text, reply.Cards), ct);

    /// <summary>
    /// Posts a reply through the outbox as a message only the request's author sees, in the request's
    /// conversation (where an answer has no other way back, as after a form was submitted). A
    /// sensitive reply is not stored: false, and the caller delivers it directly.
    /// </summary>
    public Task<bool> PostPrivateAsync(ChatRequest request, ChatReply reply, CancellationToken ct) =>
        PostThroughOutboxAsync(request, reply, (publisher, tenantId, text) =>
        {
            if (reply.Cards.Count == 0)
            {
                publisher.PostPrivate(tenantId, request.Platform, request.ChannelId, request.UserId, text);
            }

            for (var i = 0; i < reply.Cards.Count; i++)
            {
                publisher.PostPrivate(tenantId, request.Platform, request.ChannelId, request.UserId, i == 0 ? text : "", reply.Cards[i]);
            }
        }, ct);

    /// <summary>Adds a reply's outbox rows in the request's tenant (none when it has never been seen) and saves them.</summary>
    private async Task<bool> PostThroughOutboxAsync(ChatRequest request, ChatReply reply, Action<CardPublisher, int, string> post, CancellationToken ct)
    {
        if (reply.Kind == ReplyKind.None)
        {
            return true;
        }

        if (reply.Sensitive)
        {
            return false;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        var tenantId = await db.Tenants.Where(t => t.Platform == request.Platform && t.ExternalId == request.TenantId).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct);
        if (tenantId is not { } id)
        {
            return true;
        }

        post(scope.ServiceProvider.GetRequiredService<CardPublisher>(), id, Marked(reply));
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static string Marked(ChatReply reply) => reply.Kind switch
    {
        ReplyKind.Warning => "⚠️ " + reply.Text,
        ReplyKind.Error => "❌ " + reply.Text,
        _ => reply.Text,
    };

    private ChatReply Unexpected(Exception ex, ChatRequest request, CommandVerb? verb)
    {
        var reference = Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        logger.LogError(ex, "Request {Reference} failed: {Platform} {Command} {Verb} {ActionId}", reference, request.Platform, request.Command, verb?.Name, request.ActionId);
        return ChatReply.Error($"Something went wrong on our side; nothing was changed. Reference: {reference}.");
    }

    /// <summary>One edit away (two for longer words): <c>resovle</c>, <c>lsit</c>, <c>ak</c>.</summary>
    internal static bool LooksLike(string word, string verb)
    {
        // Verbs have no digits: "sev2" or "oven-2" start a title, they are not typos.
        if (word.Length < 2 || word.Any(char.IsDigit) || string.Equals(word, verb, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var allowed = verb.Length >= 6 ? 2 : 1;
        return Math.Abs(word.Length - verb.Length) <= allowed && Distance(word.ToLowerInvariant(), verb) <= allowed;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private async Task<bool> WasHandledAsync(ChatRequest request, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BakeryDbContext>();
        return await db.WasDeliveredAsync(request.Platform, request.DeliveryId!, ct);
    }

    private (CommandVerb Verb, CommandArgs Args, string? Help) Resolve(ChatRequest request)
    {
        var command = map.FindCommand(request.Command)
            ?? throw new UserException($"`/{request.Command}` is not a command I know.\n{map.Overview()}");
        var tokens = CommandTokenizer.Tokenize(request.Text, request.MentionIds);
        var first = tokens.Count > 0 && tokens[0].Kind == TokenKind.Word ? tokens[0].Text : null;
        // A command with a help verb of its own (/bakery help: every command) answers a bare help itself.
        var ownHelp = tokens.Count == 1 && command.Find("help") is not null;
        if (first is not null && string.Equals(first, "help", StringComparison.OrdinalIgnoreCase) && !ownHelp)
        {
            var about = tokens.Count > 1 ? command.Find(tokens[1].Text) : null;
            var text = about is not null ? $"`{about.Usage}`: {about.Summary}" : command.Help();
            return (command.Default ?? command.Verbs[0], CommandArgs.Empty, text);
        }

        if (tokens.Count == 0 && command.Bare is { } bare)
        {
            return (bare, CommandArgs.Empty, null);
        }

        if (first is not null && command.Find(first) is { } verb)
        {
            return (verb, new CommandArgs(tokens.Skip(1)), null);
        }

        // Where any other first word starts a title (/incident shop down), a near-verb is a typo only
        // alone (/incident lsit) or before a record id (/incident resovle INC-1).
        var typoLikely = command.Default is null || tokens.Count == 1 || tokens.Skip(1).Any(t => RecordId.TryParse(t.Text, out _));
        if (first is not null && typoLikely && command.Verbs.Where(v => LooksLike(first, v.Name)).MinBy(v => Distance(first.ToLowerInvariant(), v.Name)) is { } meant)
        {
            var declare = command.Default is null ? "" : $" (If `{first}` was meant as the start of a title, write `/{command.Name} {command.Verbs[0].Name} {first} ...`.)";
            throw new UserException($"`{first}` looks like a typo for `{meant.Name}`: `{meant.Usage}`.{declare}");
        }

        if (command.Default is not null && (tokens.Count > 0 || command.DefaultWhenBare))
        {
            return (command.Default, new CommandArgs(tokens), null);
        }

        var what = first is null ? $"`/{command.Name}` needs more." : $"`{first}` is not something `/{command.Name}` can do.";
        throw new UserException($"{what}\n{command.Help()}");
    }
}
