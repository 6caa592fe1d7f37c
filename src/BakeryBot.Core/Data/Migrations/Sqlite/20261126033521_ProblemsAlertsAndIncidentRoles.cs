using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProblemsAlertsAndIncidentRoles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AlertFingerprint",
                table: "Incidents",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ClosedById",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CommunicationsId",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DetectedBy",
                table: "Incidents",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Person");

            migrationBuilder.AddColumn<string>(
                name: "IncidentChannelId",
                table: "Incidents",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MitigatedById",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ProblemId",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ScribeId",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Problem",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RootCause = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Workaround = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedById = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolvedById = table.Column<int>(type: "INTEGER", nullable: true),
                    Platform = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ChannelId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Problem", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Problem_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ProblemSuggestion",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    CiId = table.Column<int>(type: "INTEGER", nullable: false),
                    IncidentKeys = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    SuggestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ProblemId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProblemSuggestion", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProblemSuggestion_ConfigurationItems_CiId",
                        column: x => x.CiId,
                        principalTable: "ConfigurationItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Webhook",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    HookId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Platform = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ChannelId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedById = table.Column<int>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Webhook", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Webhook_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProblemCi",
                columns: table => new
                {
                    ProblemId = table.Column<int>(type: "INTEGER", nullable: false),
                    CiId = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProblemCi", x => new { x.ProblemId, x.CiId });
                    table.ForeignKey(
                        name: "FK_ProblemCi_ConfigurationItems_CiId",
                        column: x => x.CiId,
                        principalTable: "ConfigurationItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ProblemCi_Problem_ProblemId",
                        column: x => x.ProblemId,
                        principalTable: "Problem",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_ProblemId",
                table: "Incidents",
                column: "ProblemId");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_TenantId_AlertFingerprint",
                table: "Incidents",
                columns: new[] { "TenantId", "AlertFingerprint" });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_TenantId_IncidentChannelId",
                table: "Incidents",
                columns: new[] { "TenantId", "IncidentChannelId" });

            migrationBuilder.CreateIndex(
                name: "IX_Problem_TenantId_Number",
                table: "Problem",
                columns: new[] { "TenantId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Problem_TenantId_State",
                table: "Problem",
                columns: new[] { "TenantId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_ProblemCi_CiId",
                table: "ProblemCi",
                column: "CiId");

            migrationBuilder.CreateIndex(
                name: "IX_ProblemSuggestion_CiId",
                table: "ProblemSuggestion",
                column: "CiId");

            migrationBuilder.CreateIndex(
                name: "IX_ProblemSuggestion_TenantId_CiId_SuggestedAt",
                table: "ProblemSuggestion",
                columns: new[] { "TenantId", "CiId", "SuggestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Webhook_HookId",
                table: "Webhook",
                column: "HookId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Webhook_TenantId_Kind",
                table: "Webhook",
                columns: new[] { "TenantId", "Kind" });

            migrationBuilder.AddForeignKey(
                name: "FK_Incidents_Problem_ProblemId",
                table: "Incidents",
                column: "ProblemId",
                principalTable: "Problem",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Incidents_Problem_ProblemId",
                table: "Incidents");

            migrationBuilder.DropTable(
                name: "ProblemCi");

            migrationBuilder.DropTable(
                name: "ProblemSuggestion");

            migrationBuilder.DropTable(
                name: "Webhook");

            migrationBuilder.DropTable(
                name: "Problem");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_ProblemId",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_TenantId_AlertFingerprint",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_TenantId_IncidentChannelId",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "AlertFingerprint",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "ClosedById",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "CommunicationsId",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "DetectedBy",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "IncidentChannelId",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "MitigatedById",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "ProblemId",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "ScribeId",
                table: "Incidents");
        }
    }
}
