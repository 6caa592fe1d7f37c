using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Digests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DigestSubscriptions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TenantId = table.Column<int>(type: "integer", nullable: false),
                    Platform = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ChannelId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedById = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    NextDueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastPeriodStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DigestSubscriptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DigestSubscriptions_People_CreatedById",
                        column: x => x.CreatedById,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DigestSubscriptions_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TimeEntry_TenantId_StartedAt",
                table: "TimeEntry",
                columns: new[] { "TenantId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_TenantId_DeclaredAt",
                table: "Incidents",
                columns: new[] { "TenantId", "DeclaredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_TenantId_ResolvedAt",
                table: "Incidents",
                columns: new[] { "TenantId", "ResolvedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Changes_TenantId_ReleasedAt",
                table: "Changes",
                columns: new[] { "TenantId", "ReleasedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DigestSubscriptions_CreatedById",
                table: "DigestSubscriptions",
                column: "CreatedById");

            migrationBuilder.CreateIndex(
                name: "IX_DigestSubscriptions_NextDueAt",
                table: "DigestSubscriptions",
                column: "NextDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_DigestSubscriptions_TenantId_ChannelId",
                table: "DigestSubscriptions",
                columns: new[] { "TenantId", "ChannelId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DigestSubscriptions");

            migrationBuilder.DropIndex(
                name: "IX_TimeEntry_TenantId_StartedAt",
                table: "TimeEntry");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_TenantId_DeclaredAt",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_TenantId_ResolvedAt",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_Changes_TenantId_ReleasedAt",
                table: "Changes");
        }
    }
}
