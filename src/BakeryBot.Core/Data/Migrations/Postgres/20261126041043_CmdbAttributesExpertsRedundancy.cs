using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CmdbAttributesExpertsRedundancy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "KeyRisks",
                table: "ConfigurationItems",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PrimaryUses",
                table: "ConfigurationItems",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ThirdParty",
                table: "ConfigurationItems",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<double>(
                name: "UptimeCommitment",
                table: "ConfigurationItems",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Vendor",
                table: "ConfigurationItems",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RedundancyGroup",
                table: "CiRelationships",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CiExpert",
                columns: table => new
                {
                    CiId = table.Column<int>(type: "integer", nullable: false),
                    PersonId = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CiExpert", x => new { x.CiId, x.PersonId });
                    table.ForeignKey(
                        name: "FK_CiExpert_ConfigurationItems_CiId",
                        column: x => x.CiId,
                        principalTable: "ConfigurationItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CiExpert_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CiExpert_PersonId",
                table: "CiExpert",
                column: "PersonId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CiExpert");

            migrationBuilder.DropColumn(
                name: "KeyRisks",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "PrimaryUses",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "ThirdParty",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "UptimeCommitment",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "Vendor",
                table: "ConfigurationItems");

            migrationBuilder.DropColumn(
                name: "RedundancyGroup",
                table: "CiRelationships");
        }
    }
}
