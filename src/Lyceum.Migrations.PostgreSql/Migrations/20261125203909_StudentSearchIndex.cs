using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lyceum.Migrations.PostgreSql.Migrations
{
    /// <summary>
    /// The students search, indexed: a trigram GIN index (pg_trgm, a trusted extension the database owner may create)
    /// on "Students"."SearchText", which PostgreSQL uses for LIKE '%x%' itself: no change to the query.
    /// </summary>
    public partial class StudentSearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            migrationBuilder.Sql("""CREATE INDEX "IX_Students_SearchText_Trigram" ON "Students" USING gin ("SearchText" gin_trgm_ops);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Students_SearchText_Trigram";""");
        }
    }
}
