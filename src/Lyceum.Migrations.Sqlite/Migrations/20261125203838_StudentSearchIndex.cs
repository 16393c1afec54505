using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lyceum.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// The students search, indexed: an FTS5 table with the trigram tokenizer over "Students"."SearchText" (external
    /// content, kept in step by triggers), so that "SearchText contains x" is an index lookup rather than a scan of
    /// every student. NOTE for later migrations: when EF rebuilds the "Students" table on SQLite (some column changes
    /// do), the triggers go with the old table; recreate them (and rebuild the index) in that migration. The search
    /// tests fail if they are missing.
    /// </summary>
    public partial class StudentSearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE VIRTUAL TABLE "StudentSearch" USING fts5("SearchText", content='Students', content_rowid='Id', tokenize='trigram');""");
            migrationBuilder.Sql("""INSERT INTO "StudentSearch"("StudentSearch") VALUES ('rebuild');""");
            migrationBuilder.Sql("""
                CREATE TRIGGER "Students_Search_Insert" AFTER INSERT ON "Students" BEGIN
                    INSERT INTO "StudentSearch"(rowid, "SearchText") VALUES (new."Id", new."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Students_Search_Delete" AFTER DELETE ON "Students" BEGIN
                    INSERT INTO "StudentSearch"("StudentSearch", rowid, "SearchText") VALUES ('delete', old."Id", old."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Students_Search_Update" AFTER UPDATE OF "SearchText" ON "Students" BEGIN
                    INSERT INTO "StudentSearch"("StudentSearch", rowid, "SearchText") VALUES ('delete', old."Id", old."SearchText");
                    INSERT INTO "StudentSearch"(rowid, "SearchText") VALUES (new."Id", new."SearchText");
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Students_Search_Update";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Students_Search_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Students_Search_Insert";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "StudentSearch";""");
        }
    }
}
