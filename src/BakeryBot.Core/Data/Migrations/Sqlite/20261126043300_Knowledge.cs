using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BakeryBot.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Knowledge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KnowledgeArticle",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    CiId = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedById = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KnowledgeArticle", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KnowledgeArticle_ConfigurationItems_CiId",
                        column: x => x.CiId,
                        principalTable: "ConfigurationItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_KnowledgeArticle_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeArticle_CiId",
                table: "KnowledgeArticle",
                column: "CiId");

            migrationBuilder.CreateIndex(
                name: "IX_KnowledgeArticle_TenantId_CiId",
                table: "KnowledgeArticle",
                columns: new[] { "TenantId", "CiId" });

            // Ranked full-text search (FTS5, Porter stemming), kept in step with the articles by triggers.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "KnowledgeSearch" USING fts5("Title", "Body", content='KnowledgeArticle', content_rowid='Id', tokenize='porter unicode61');
                CREATE TRIGGER "KnowledgeArticle_ai" AFTER INSERT ON "KnowledgeArticle" BEGIN
                    INSERT INTO "KnowledgeSearch"(rowid, "Title", "Body") VALUES (new."Id", new."Title", new."Body");
                END;
                CREATE TRIGGER "KnowledgeArticle_ad" AFTER DELETE ON "KnowledgeArticle" BEGIN
                    INSERT INTO "KnowledgeSearch"("KnowledgeSearch", rowid, "Title", "Body") VALUES ('delete', old."Id", old."Title", old."Body");
                END;
                CREATE TRIGGER "KnowledgeArticle_au" AFTER UPDATE ON "KnowledgeArticle" BEGIN
                    INSERT INTO "KnowledgeSearch"("KnowledgeSearch", rowid, "Title", "Body") VALUES ('delete', old."Id", old."Title", old."Body");
                    INSERT INTO "KnowledgeSearch"(rowid, "Title", "Body") VALUES (new."Id", new."Title", new."Body");
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "KnowledgeArticle_au";
                DROP TRIGGER IF EXISTS "KnowledgeArticle_ad";
                DROP TRIGGER IF EXISTS "KnowledgeArticle_ai";
                DROP TABLE IF EXISTS "KnowledgeSearch";
                """);

            migrationBuilder.DropTable(
                name: "KnowledgeArticle");
        }
    }
}
