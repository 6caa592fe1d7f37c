using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StaleAssetFlags : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DiscoveredByHookId",
                table: "ConfigurationItems",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "StaleFlaggedFor",
                table: "ConfigurationItems",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DiscoveredByHookId",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "StaleFlaggedFor",
                table: "ConfigurationItems");
        }
    }
}
