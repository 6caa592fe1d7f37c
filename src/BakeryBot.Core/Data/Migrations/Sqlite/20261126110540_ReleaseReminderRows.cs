using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReleaseReminderRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Approved changes not reminded yet get the reminder row they would have been given when approved,
            // due Releases:RemindBefore's default of 30 minutes before their window; the job drops those whose window closed.
            // Stored times are DateTimeOffsetToBinaryConverter longs: (ticks / 1000) << 11 plus the offset's minutes,
            // so 30 minutes (18,000,000,000 ticks) is 18,000,000 << 11 = 36,864,000,000 (the offset bits are kept).
            migrationBuilder.Sql("""
                INSERT INTO "Reminders" ("TenantId", "Kind", "RecordId", "DueAt")
                SELECT c."TenantId", 'ReleaseWindow', c."Id", c."WindowStart" - 36864000000
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
