using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OutboxIndexesFollowThePending : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Outbox_CoalesceKey_Status",
                table: "Outbox");

            migrationBuilder.DropIndex(
                name: "IX_Outbox_Status_NextAttemptAt",
                table: "Outbox");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_Status_CoalesceKey",
                table: "Outbox",
                columns: new[] { "Status", "CoalesceKey" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_Status_Id",
                table: "Outbox",
                columns: new[] { "Status", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Outbox_Status_CoalesceKey",
                table: "Outbox");

            migrationBuilder.DropIndex(
                name: "IX_Outbox_Status_Id",
                table: "Outbox");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_CoalesceKey_Status",
                table: "Outbox",
                columns: new[] { "CoalesceKey", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_Status_NextAttemptAt",
                table: "Outbox",
                columns: new[] { "Status", "NextAttemptAt" });
        }
    }
}
