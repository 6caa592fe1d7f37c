using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Postgres
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
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DiscoveredBy",
                table: "ConfigurationItems",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastSeenAt",
                table: "ConfigurationItems",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "MonthlyFee",
                table: "ConfigurationItems",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Serial",
                table: "ConfigurationItems",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ServiceCredits",
                table: "ConfigurationItems",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DiscoveredItems",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TenantId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Vendor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Attributes = table.Column<string>(type: "text", nullable: false),
                    Source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    FirstSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Sightings = table.Column<int>(type: "integer", nullable: false),
                    Review = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReviewedById = table.Column<int>(type: "integer", nullable: true),
                    ReviewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CiId = table.Column<int>(type: "integer", nullable: true)
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
                UPDATE "ConfigurationItems" SET "Serial" = "Attributes"::jsonb ->> 'serial', "Attributes" = ("Attributes"::jsonb - 'serial')::text WHERE "Attributes"::jsonb ? 'serial';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE "ConfigurationItems" SET "Attributes" = jsonb_set("Attributes"::jsonb, '{serial}', to_jsonb("Serial"))::text WHERE "Serial" IS NOT NULL;
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
