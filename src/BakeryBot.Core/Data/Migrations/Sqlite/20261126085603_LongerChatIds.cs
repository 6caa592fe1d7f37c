using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LongerChatIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
