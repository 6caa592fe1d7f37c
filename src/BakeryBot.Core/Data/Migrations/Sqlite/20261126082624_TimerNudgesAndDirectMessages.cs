using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TimerNudgesAndDirectMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "KeptAt",
                table: "Timers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NudgedAt",
                table: "Timers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UserId",
                table: "ChatConversation",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChatConversation_TenantId_UserId",
                table: "ChatConversation",
                columns: new[] { "TenantId", "UserId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ChatConversation_TenantId_UserId",
                table: "ChatConversation");

            migrationBuilder.DropColumn(
                name: "KeptAt",
                table: "Timers");

            migrationBuilder.DropColumn(
                name: "NudgedAt",
                table: "Timers");

            migrationBuilder.DropColumn(
                name: "UserId",
                table: "ChatConversation");
        }
    }
}
