using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Postgres
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
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "StaleFlaggedFor",
                table: "ConfigurationItems",
                type: "timestamp with time zone",
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
