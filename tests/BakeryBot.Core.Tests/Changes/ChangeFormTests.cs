using BakeryBot.Core.Changes;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Tests.Changes;

/// <summary>
/// The change request form and the reason-to-reject form through the router: opened by the bare
/// command or a Reject click, submitted as the platforms submit them, refused field by field.
/// </summary>
public abstract class ChangeFormTests(DbProvider provider)
{
    private static readonly Dictionary<string, string> Good = new()
    {
        [ChangeForms.Title] = "replace thermostat",
        [ChangeForms.Cis] = "oven-2",
        [ChangeForms.Window] = "tomorrow 22:00",
        [ChangeForms.Duration] = "2h",
        [ChangeForms.Risk] = "low",
        [ChangeForms.Type] = "normal",
        [ChangeForms.Rollback] = "refit the old one",
        [ChangeForms.Schema] = "no",
    };

    private static async Task<CoreTestApp> AppAsync(DbProvider provider)
    {
        var app = await CoreTestApp.CreateAsync(provider);
        await app.SendAsync("bakery", "role add <@bob> cab", user: "admin");
        await app.SendAsync("change", "cab channel", user: "admin", channel: "C-CAB");
        await app.SendAsync("cmdb", "add asset oven-2");
        return app;
    }

    [SkippableTheory]
    [InlineData("request")]
    [InlineData("")]
    public async Task The_bare_command_opens_the_request_form_and_changes_nothing(string text)
    {
        await using var app = await AppAsync(provider);
        var before = await app.SnapshotAsync();

        var reply = await app.SendAsync("change", text);

        var form = Assert.IsType<Form>(reply.Form);
        Assert.Equal(ReplyKind.Private, reply.Kind);
        Assert.StartsWith("Describe the change: `/change request <title>", reply.Text, StringComparison.Ordinal);
        Assert.Equal(ChangeForms.RequestForm, form.CallbackId);
        Assert.Equal(["title", "ci", "window", "duration", "risk", "type", "rollback", "schema", "rollback-migration"], form.Fields.Select(f => f.Id));
        Assert.Equal(["title", "ci", "window", "risk", "type"], form.Fields.Where(f => f.Required).Select(f => f.Id));
        Assert.Equal("1h", form.Field("duration")!.Value);
        Assert.Equal(["low", "medium", "high"], Assert.IsType<ChoiceField>(form.Field("risk")).Choices.Select(c => c.Value));
        Assert.Contains("(UTC)", form.Field("window")!.Hint, StringComparison.Ordinal);
        Assert.Null(form.Errors);
        Assert.Equal(before, await app.SnapshotAsync());
    }

    [SkippableFact]
    public async Task A_good_submission_records_the_change_and_posts_its_card_as_the_command_does()
    {
        await using var app = await AppAsync(provider);

        var reply = await SubmitAsync(app, ChangeForms.RequestForm, Good);

        Assert.Null(reply.Form);
        Assert.Equal("CHG-1 requested. It is posted to the CAB for its votes.", reply.Text);
        var change = await app.QueryAsync(db => db.Changes.Include(c => c.Cis).SingleAsync());
        Assert.Equal(("replace thermostat", ChangeRisk.Low, ChangeType.Normal, "refit the old one"), (change.Title, change.Risk, change.Type, change.Rollback));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 22, 0, 0, TimeSpan.Zero), change.WindowStart);
        Assert.Equal(TimeSpan.FromHours(2), change.WindowEnd - change.WindowStart);
        Assert.Equal(["C1", "C-CAB"], await app.QueryAsync(db => db.Outbox.Where(o => o.Kind == OutboxKind.Post).OrderBy(o => o.Id).Select(o => o.ChannelId).ToListAsync()));
    }

    [SkippableTheory]
    [InlineData("window", "soon", "window", "`soon` is not a window start")]
    [InlineData("window", "", "window", "When does it start?")]
    [InlineData("window", "2026-11-20 22:00", "window", "The window has begun already")]
    [InlineData("duration", "forever", "duration", "Write how long the window lasts")]
    [InlineData("duration", "40d", "duration", "at most 30 days")]
    [InlineData("ci", "oven-9", "ci", "`oven-9` is not in the CMDB")]
    [InlineData("ci", " , ", "ci", "Which CI does it change?")]
    [InlineData("title", "  ", "title", "Give the change a title")]
    [InlineData("risk", "huge", "risk", "Pick one of: Low, Medium, High.")]
    [InlineData("type", "sneaky", "type", "Pick one of:")]
    [InlineData("schema", "yes", "rollback-migration", "This change touches a database schema")]
    [InlineData("type", "standard", "rollback", "A standard change is approved by policy")]
    public async Task A_wrong_value_comes_back_under_its_field_with_the_values_kept_and_nothing_changed(string field, string value, string blamed, string expected)
    {
        await using var app = await AppAsync(provider);
        var values = new Dictionary<string, string>(Good) { [field] = value };
        if (blamed == "rollback")
        {
            values.Remove(ChangeForms.Rollback);
        }

        var before = await app.SnapshotAsync();

        var reply = await SubmitAsync(app, ChangeForms.RequestForm, values);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        var form = Assert.IsType<Form>(reply.Form);
        var error = Assert.Single(form.Errors!);
        Assert.Equal(blamed, error.Key);
        Assert.Contains(expected, error.Value, StringComparison.Ordinal);
        Assert.Null(form.Notice);
        Assert.All(form.Fields, f => Assert.Equal(values.GetValueOrDefault(f.Id), f.Value));
        Assert.Equal(before, await app.SnapshotAsync());
        Assert.Equal(0, await app.QueryAsync(db => db.Changes.CountAsync()));
    }

    [SkippableFact]
    public async Task Texts_longer_than_the_database_holds_are_refused_under_their_field_not_failed_on()
    {
        await using var app = await AppAsync(provider);
        await SubmitAsync(app, ChangeForms.RequestForm, Good);

        var rollback = await SubmitAsync(app, ChangeForms.RequestForm, new(Good) { [ChangeForms.Rollback] = new string('r', 4001) });
        var migration = await SubmitAsync(app, ChangeForms.RequestForm, new(Good) { [ChangeForms.Schema] = "yes", [ChangeForms.RollbackMigration] = new string('m', 201) });
        var reason = await SubmitAsync(app, ChangeForms.RejectForm, new() { [ChangeCards.ReasonInput] = new string('w', 1001) }, user: "bob", state: "CHG-1");

        Assert.Equal("Keep the rollback steps under 4,000 characters.", rollback.Form!.Errors![ChangeForms.Rollback]);
        Assert.Equal("Keep the rollback migration's name under 200 characters.", migration.Form!.Errors![ChangeForms.RollbackMigration]);
        Assert.Equal("Keep the reason under 1,000 characters.", reason.Form!.Errors![ChangeCards.ReasonInput]);
        Assert.Equal(1, await app.QueryAsync(db => db.Changes.CountAsync()));
        Assert.Equal(0, await app.QueryAsync(db => db.ChangeVotes.CountAsync()));
    }

    [SkippableFact]
    public async Task Every_value_the_form_reads_itself_is_refused_at_once()
    {
        await using var app = await AppAsync(provider);
        var values = new Dictionary<string, string>(Good) { [ChangeForms.Window] = "whenever", [ChangeForms.Duration] = "0h" };
        values.Remove(ChangeForms.Risk);

        var reply = await SubmitAsync(app, ChangeForms.RequestForm, values);

        Assert.Equal(["duration", "risk", "window"], reply.Form!.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("How risky is it? Pick low, medium or high.", reply.Form.Errors["risk"]);
    }

    [SkippableFact]
    public async Task A_freeze_is_blamed_on_the_window()
    {
        await using var app = await AppAsync(provider);
        await app.SendAsync("change", "freeze add 2026-11-27..2026-11-28 stocktake", user: "admin");

        var reply = await SubmitAsync(app, ChangeForms.RequestForm, Good);

        Assert.StartsWith("The window falls in the change freeze \"stocktake\"", reply.Form!.Errors!["window"], StringComparison.Ordinal);
        Assert.Equal(0, await app.QueryAsync(db => db.Changes.CountAsync()));
    }

    [SkippableFact]
    public async Task Reject_without_a_reason_opens_the_reason_form_where_a_dialog_can_open_and_warns_elsewhere()
    {
        await using var app = await AppAsync(provider);
        await SubmitAsync(app, ChangeForms.RequestForm, Good);

        var inDialog = await ClickRejectAsync(app, "bob", canOpenDialog: true);
        var inline = await ClickRejectAsync(app, "bob", canOpenDialog: false);
        var notCab = await ClickRejectAsync(app, "erin", canOpenDialog: true);

        var form = Assert.IsType<Form>(inDialog.Form);
        Assert.Equal((ChangeForms.RejectForm, "Reject CHG-1", "CHG-1"), (form.CallbackId, form.Title, form.State));
        var reason = Assert.IsType<TextField>(Assert.Single(form.Fields));
        Assert.Equal((ChangeCards.ReasonInput, true, true), (reason.Id, reason.Required, reason.Multiline));
        Assert.Null(inline.Form);
        Assert.StartsWith("Say why you reject CHG-1", inline.Text, StringComparison.Ordinal);
        Assert.Null(notCab.Form);
        Assert.StartsWith("Only CAB members vote on changes", notCab.Text, StringComparison.Ordinal);
        Assert.Equal(0, await app.QueryAsync(db => db.ChangeVotes.CountAsync()));
    }

    [SkippableFact]
    public async Task The_reason_form_refuses_an_empty_reason_under_its_field_and_rejects_with_one()
    {
        await using var app = await AppAsync(provider);
        await SubmitAsync(app, ChangeForms.RequestForm, Good);

        var empty = await SubmitAsync(app, ChangeForms.RejectForm, new() { [ChangeCards.ReasonInput] = "   " }, user: "bob", state: "CHG-1");
        var rejected = await SubmitAsync(app, ChangeForms.RejectForm, new() { [ChangeCards.ReasonInput] = "not before the audit" }, user: "bob", state: "CHG-1");

        Assert.Equal("Say why you reject it: the requester needs the reason.", empty.Form!.Errors![ChangeCards.ReasonInput]);
        Assert.Equal("CHG-1", empty.Form.State);
        Assert.Equal(ReplyKind.None, rejected.Kind);
        Assert.Contains(new CardField("Status", "rejected"), rejected.UpdatedCard!.Sections.OfType<FieldsSection>().Single().Fields);
        var change = await app.QueryAsync(db => db.Changes.SingleAsync());
        Assert.Equal((ChangeState.Rejected, "rejected by Bob: not before the audit"), (change.State, change.DecisionReason));
    }

    [SkippableTheory]
    [InlineData("change.nope", null, "That form no longer does anything here")]
    [InlineData(ChangeForms.RejectForm, "INC-1", "`INC-1` is not a CHG id")]
    [InlineData(ChangeForms.RejectForm, "CHG-9", "There is no CHG-9")]
    public async Task An_unknown_form_or_a_state_naming_no_change_is_refused_above_the_fields(string formId, string? state, string expected)
    {
        await using var app = await AppAsync(provider);
        await SubmitAsync(app, ChangeForms.RequestForm, Good);

        var reply = await SubmitAsync(app, formId, new() { [ChangeCards.ReasonInput] = "no" }, user: "bob", state: state);

        Assert.Equal(ReplyKind.Warning, reply.Kind);
        Assert.Contains(expected, reply.Form?.Notice ?? reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, await app.QueryAsync(db => db.ChangeVotes.CountAsync()));
    }

    private static Task<ChatReply> SubmitAsync(CoreTestApp app, string formId, Dictionary<string, string> values, string user = "alice", string? state = null) =>
        app.Router.HandleAsync(CoreTestApp.Request(user) with { FormId = formId, FormState = state, Inputs = values }, CancellationToken.None);

    private static Task<ChatReply> ClickRejectAsync(CoreTestApp app, string user, bool canOpenDialog) =>
        app.Router.HandleAsync(CoreTestApp.Request(user) with { ActionId = ChangeCommands.RejectAction, ActionValue = "CHG-1", CanOpenDialog = canOpenDialog }, CancellationToken.None);
}

public sealed class SqliteChangeFormTests() : ChangeFormTests(DbProvider.Sqlite);

public sealed class PostgresChangeFormTests() : ChangeFormTests(DbProvider.Postgres);
