using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lyceum.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class PeopleSearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "Staff",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "Guardians",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "Staff");

            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "Guardians");
        }
    }
}
