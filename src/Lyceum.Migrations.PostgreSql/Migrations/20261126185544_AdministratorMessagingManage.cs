using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Lyceum.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AdministratorMessagingManage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The Administrator preset is "everything": an install from before messaging.manage existed gets it once
            // here (a new install gets it with the preset). Later edits of the role stand.
            migrationBuilder.Sql("""
                INSERT INTO "RoleGrants" ("RoleId", "Permission", "Scope")
                SELECT r."Id", 'messaging.manage', 'School' FROM "AspNetRoles" r
                WHERE r."Name" = 'Administrator' AND r."IsPreset" = TRUE
                  AND NOT EXISTS (SELECT 1 FROM "RoleGrants" g WHERE g."RoleId" = r."Id" AND g."Permission" = 'messaging.manage');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DELETE FROM "RoleGrants" WHERE "Permission" = 'messaging.manage';""");
        }
    }
}
