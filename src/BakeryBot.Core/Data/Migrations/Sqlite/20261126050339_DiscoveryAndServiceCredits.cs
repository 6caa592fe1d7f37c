using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DiscoveryAndServiceCredits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Currency",
                table: "ConfigurationItems",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DiscoveredBy",
                table: "ConfigurationItems",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastSeenAt",
                table: "ConfigurationItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "MonthlyFee",
                table: "ConfigurationItems",
                type: "TEXT",
                precision: 18,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Serial",
                table: "ConfigurationItems",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ServiceCredits",
                table: "ConfigurationItems",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DiscoveredItems",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Vendor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Attributes = table.Column<string>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    FirstSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Sightings = table.Column<int>(type: "INTEGER", nullable: false),
                    Review = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ReviewedById = table.Column<int>(type: "INTEGER", nullable: true),
                    ReviewedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CiId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DiscoveredItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DiscoveredItems_ConfigurationItems_CiId",
                        column: x => x.CiId,
                        principalTable: "ConfigurationItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConfigurationItems_TenantId_Serial",
                table: "ConfigurationItems",
                columns: new[] { "TenantId", "Serial" });

            migrationBuilder.CreateIndex(
                name: "IX_DiscoveredItems_CiId",
                table: "DiscoveredItems",
                column: "CiId");

            migrationBuilder.CreateIndex(
                name: "IX_DiscoveredItems_TenantId_Kind_Key",
                table: "DiscoveredItems",
                columns: new[] { "TenantId", "Kind", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DiscoveredItems_TenantId_Review",
                table: "DiscoveredItems",
                columns: new[] { "TenantId", "Review" });

            // The serial number was a free attribute before it had a column of its own.
            migrationBuilder.Sql("""
                UPDATE "ConfigurationItems" SET "Serial" = json_extract("Attributes", '$.serial'), "Attributes" = json_remove("Attributes", '$.serial') WHERE json_extract("Attributes", '$.serial') IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE "ConfigurationItems" SET "Attributes" = json_set("Attributes", '$.serial', "Serial") WHERE "Serial" IS NOT NULL;
                """);

            migrationBuilder.DropTable(
                name: "DiscoveredItems");

            migrationBuilder.DropIndex(
                name: "IX_ConfigurationItems_TenantId_Serial",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "Currency",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "DiscoveredBy",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "LastSeenAt",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "MonthlyFee",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "Serial",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "ServiceCredits",
                table: "ConfigurationItems");
        }
    }
}
