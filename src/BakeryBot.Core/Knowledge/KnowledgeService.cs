using System.Text;
using BakeryBot.Core.Chat;
using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Data;
using BakeryBot.Core.People;
using Microsoft.EntityFrameworkCore;

namespace BakeryBot.Core.Knowledge;

/// <summary>Runbooks and recipes, found by ranked full-text search (SQLite FTS5, PostgreSQL text search).</summary>
public sealed class KnowledgeService(BakeryDbContext db, CmdbService cmdb, TimeProvider clock)
{
    public const int MaxResults = 10;

    public async Task<KnowledgeArticle> AddAsync(Tenant tenant, Person actor, string title, string? ciName, string body, CancellationToken ct)
    {
        title = title.Trim();
        body = body.Trim();
        if (title.Length is 0 or > 200)
        {
            throw new UserException(title.Length == 0 ? "Give the article a title, as in `/kb add \"Oven won't heat\" ci:oven-2 check the thermostat fuse`." : "Keep the title under 200 characters.");
        }

        if (body.Length is 0 or > 8000)
        {
            throw new UserException(body.Length == 0 ? "Say what to do (or give a link), after the title." : "Keep it under 8,000 characters; link to a document for more.");
        }

        int? ciId = null;
        if (ciName is not null)
        {
            ciId = (await cmdb.FindAsync(tenant.Id, ciName, ct) ?? throw new UserException($"`{ciName}` is not in the CMDB. Add it with `/cmdb add <type> {ciName}`.")).Id;
        }

        var article = new KnowledgeArticle { TenantId = tenant.Id, Title = title, Body = body, CiId = ciId, CreatedById = actor.Id, CreatedAt = clock.GetUtcNow() };
        db.Set<KnowledgeArticle>().Add(article);
        await db.SaveChangesAsync(ct);
        return article;
    }

    /// <summary>The articles matching every word (prefixes count), best first.</summary>
    public async Task<List<KnowledgeArticle>> SearchAsync(int tenantId, IReadOnlyList<string> words, CancellationToken ct)
    {
        var terms = words.Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray())).Where(w => w.Length > 0).Take(12).ToList();
        if (terms.Count == 0)
        {
            throw new UserException("What to look for? As in `/kb search oven thermostat`.");
        }

        var articles = db.Set<KnowledgeArticle>();
        if (db.Database.IsSqlite())
        {
            // FTS5: each term quoted (so no operator sneaks in) and as a prefix; all must match; bm25 ranks.
            var match = string.Join(' ', terms.Select(t => $"\"{t}\"*"));
            return await articles.FromSqlInterpolated($"""
                SELECT a.* FROM "KnowledgeArticle" a JOIN "KnowledgeSearch" s ON s.rowid = a."Id"
                WHERE "KnowledgeSearch" MATCH {match} AND a."TenantId" = {tenantId}
                ORDER BY bm25("KnowledgeSearch") LIMIT {MaxResults}
                """).AsNoTracking().ToListAsync(ct);
        }

        // PostgreSQL: the same words as an English tsquery of prefixes, ranked by ts_rank over the indexed vector.
        var query = string.Join(" & ", terms.Select(t => t.ToLowerInvariant() + ":*"));
        return await articles.FromSqlInterpolated($"""
            SELECT a.* FROM "KnowledgeArticle" a
            WHERE a."TenantId" = {tenantId} AND to_tsvector('english', a."Title" || ' ' || a."Body") @@ to_tsquery('english', {query})
            ORDER BY ts_rank(to_tsvector('english', a."Title" || ' ' || a."Body"), to_tsquery('english', {query})) DESC, a."Id"
            LIMIT {MaxResults}
            """).AsNoTracking().ToListAsync(ct);
    }

    /// <summary>The runbooks of these CIs (their titles), for incident cards.</summary>
    public Task<List<string>> RunbooksAsync(int tenantId, IReadOnlyCollection<int> ciIds, CancellationToken ct) =>
        ciIds.Count == 0
            ? Task.FromResult(new List<string>())
            : db.Set<KnowledgeArticle>().Where(a => a.TenantId == tenantId && a.CiId != null && ciIds.Contains(a.CiId.Value))
                .OrderBy(a => a.Id).Select(a => a.Title).Take(5).ToListAsync(ct);

    public static string Excerpt(string body) =>
        body.Length <= 300 ? body : new StringBuilder(body, 0, 299, 300).Append('…').ToString();
}
