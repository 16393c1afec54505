using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lyceum.Migrations.PostgreSql.Migrations
{
    /// <summary>
    /// PostgreSQL only, and on purpose not in the model (whose snapshot keeps the relationship, so that EF Core joins
    /// marks to their codes as before and never adds the constraint back): a mark no longer has a foreign-key
    /// constraint to its attendance code, nor the index that comes with it. Every inserted mark's constraint check
    /// took a KEY SHARE lock on its code's row, and a school has a handful of codes: during the 08:40 burst all
    /// concurrent submissions locked the same "/" row (multixacts), and each mark also went into a four-value index.
    /// Without both the burst benchmark went from 238 to 313 registers/s (docs/benchmarks.md). Codes are never deleted
    /// while any mark uses them (AttendanceCodeKind.InUseAsync; they are archived instead), which is what the
    /// constraint guarded. SQLite keeps the constraint: it takes no row locks for it.
    /// </summary>
    public partial class AttendanceMarksWithoutCodeLock : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_AttendanceMarks_AttendanceCodes_CodeId",
                table: "AttendanceMarks");

            migrationBuilder.DropIndex(
                name: "IX_AttendanceMarks_CodeId",
                table: "AttendanceMarks");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AttendanceMarks_CodeId",
                table: "AttendanceMarks",
                column: "CodeId");

            migrationBuilder.AddForeignKey(
                name: "FK_AttendanceMarks_AttendanceCodes_CodeId",
                table: "AttendanceMarks",
                column: "CodeId",
                principalTable: "AttendanceCodes",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
