using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReleaseReminderRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Approved changes not reminded yet get the reminder row they would have been given when approved,
            // due Releases:RemindBefore's default of 30 minutes before their window; the job drops those whose window closed.
            migrationBuilder.Sql("""
                INSERT INTO "Reminders" ("TenantId", "Kind", "RecordId", "DueAt")
                SELECT c."TenantId", 'ReleaseWindow', c."Id", c."WindowStart" - interval '30 minutes'
                FROM "Changes" c
                WHERE c."State" = 'Approved'
                  AND NOT EXISTS (SELECT 1 FROM "PostedCards" p
                                  WHERE p."TenantId" = c."TenantId" AND p."RecordType" = 'release-reminder' AND p."RecordKey" = 'CHG-' || c."Number")
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DELETE FROM "Reminders" WHERE "Kind" = 'ReleaseWindow'""");
        }
    }
}
