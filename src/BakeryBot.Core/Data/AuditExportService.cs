using System.Globalization;
using System.Text.Json;
using BakeryBot.Core.TimeTracking;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Data;

/// <summary>How <c>bakerybot export audit</c> writes the trail.</summary>
public enum AuditExportFormat
{
    Csv,
    JsonLines,
}

/// <summary>Which audit rows an export holds: every tenant's or one's, on the UTC days from and to (both included).</summary>
public sealed record AuditExportScope(int? TenantId, DateOnly From, DateOnly To);

/// <summary>
/// The audit trail (who changed which record, when, and how) as CSV or JSON lines, oldest first. Rows
/// are streamed from the database in id order, never loaded all at once. The CSV cells that a
/// spreadsheet would run as a formula get a leading <c>'</c>, as in the time export.
/// </summary>
public sealed class AuditExportService(BakeryDbContext db)
{
    public static readonly IReadOnlyList<string> Columns =
        ["id", "at_utc", "tenant", "actor", "actor_id", "platform", "record_type", "record_key", "action", "changes"];

    private static readonly JsonWriterOptions JsonOptions = new() { Indented = false };

    /// <summary>Writes the scope's audit rows in <paramref name="format"/>; how many rows.</summary>
    public async Task<int> WriteAsync(Stream output, AuditExportScope scope, AuditExportFormat format, CancellationToken ct)
    {
        var rows = Rows(scope);
        return format == AuditExportFormat.Csv ? await WriteCsvAsync(output, rows, ct) : await WriteJsonLinesAsync(output, rows, ct);
    }

    private IAsyncEnumerable<AuditRow> Rows(AuditExportScope scope)
    {
        var lo = new DateTimeOffset(scope.From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var hi = new DateTimeOffset(scope.To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return (from a in db.AuditEntries.AsNoTracking()
                where a.At >= lo && a.At < hi && (scope.TenantId == null || a.TenantId == scope.TenantId)
                join t in db.Tenants on a.TenantId equals t.Id
                from p in db.People.Where(p => p.Id == a.ActorId).DefaultIfEmpty()
                orderby a.Id
                select new AuditRow(a.Id, a.At, t.Platform + ":" + t.ExternalId, p == null ? null : p.DisplayName, a.ActorId, a.Platform, a.RecordType, a.RecordKey, a.Action, a.Changes))
            .AsAsyncEnumerable();
    }

    private static async Task<int> WriteCsvAsync(Stream output, IAsyncEnumerable<AuditRow> rows, CancellationToken ct)
    {
        var count = 0;
        await using var csv = CsvWriter.Create(output, TimeExportService.CsvOptions, leaveOpen: true);
        csv.WriteHeader([.. Columns]);
        await foreach (var row in rows.WithCancellation(ct))
        {
            await csv.WriteRecordAsync(
                [
                    row.Id.ToString(CultureInfo.InvariantCulture),
                    Utc(row.At),
                    row.Tenant,
                    row.Actor,
                    row.ActorId?.ToString(CultureInfo.InvariantCulture),
                    row.Platform,
                    row.RecordType,
                    row.RecordKey,
                    row.Action,
                    row.Changes,
                ],
                ct);
            count++;
        }

        await csv.FlushAsync(ct);
        return count;
    }

    private static async Task<int> WriteJsonLinesAsync(Stream output, IAsyncEnumerable<AuditRow> rows, CancellationToken ct)
    {
        var count = 0;
        var newline = "\n"u8.ToArray();
        await using var json = new Utf8JsonWriter(output, JsonOptions);
        await foreach (var row in rows.WithCancellation(ct))
        {
            json.Reset();
            json.WriteStartObject();
            json.WriteNumber("id", row.Id);
            json.WriteString("at_utc", Utc(row.At));
            json.WriteString("tenant", row.Tenant);
            json.WriteString("actor", row.Actor);
            if (row.ActorId is { } actorId)
            {
                json.WriteNumber("actor_id", actorId);
            }
            else
            {
                json.WriteNull("actor_id");
            }

            json.WriteString("platform", row.Platform);
            json.WriteString("record_type", row.RecordType);
            json.WriteString("record_key", row.RecordKey);
            json.WriteString("action", row.Action);
            json.WritePropertyName("changes");
            WriteChanges(json, row.Changes);
            json.WriteEndObject();
            await json.FlushAsync(ct);
            await output.WriteAsync(newline, ct);
            count++;
        }

        await output.FlushAsync(ct);
        return count;
    }

    /// <summary>The changes as the JSON object they are; a row that somehow holds something else, as text.</summary>
    private static void WriteChanges(Utf8JsonWriter json, string changes)
    {
        try
        {
            using var parsed = JsonDocument.Parse(changes);
            parsed.RootElement.WriteTo(json);
        }
        catch (JsonException)
        {
            json.WriteStringValue(changes);
        }
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed record AuditRow(long Id, DateTimeOffset At, string Tenant, string? Actor, int? ActorId, string? Platform, string RecordType, string RecordKey, string Action, string Changes);
}
