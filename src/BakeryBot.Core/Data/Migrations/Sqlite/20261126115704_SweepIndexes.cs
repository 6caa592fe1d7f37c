using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SweepIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Incidents_DeclaredAt",
                table: "Incidents",
                column: "DeclaredAt");

            migrationBuilder.CreateIndex(
                name: "IX_ConfigurationItems_Type_LastSeenAt",
                table: "ConfigurationItems",
                columns: new[] { "Type", "LastSeenAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Incidents_DeclaredAt",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_ConfigurationItems_Type_LastSeenAt",
                table: "ConfigurationItems");
        }
    }
}
