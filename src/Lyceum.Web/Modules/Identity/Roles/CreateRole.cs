using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.Roles;

/// <summary>Creates a custom role ("Head of Science": grades.view and grades.edit in the Science department).</summary>
public sealed class CreateRoleHandler(IDbContextFactory<LyceumDbContext> contexts)
{
    public async Task<Result<RoleDetails>> HandleAsync(RoleRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var grants = await RoleRules.ValidateAsync(db, request, null, cancellationToken);
        if (!grants.IsSuccess)
        {
            return grants.Error!;
        }

        var role = new LyceumRole(request.Name!.Trim())
        {
            Id = Guid.CreateVersion7(),
            NormalizedName = RoleRules.Normalize(request.Name),
            Description = TextInput.Blank(request.Description),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
        };
        role.Grants.AddRange(grants.Value!.Select(g => new RoleGrant
        {
            Permission = g.Permission,
            Scope = g.Scope,
            SchoolId = g.SchoolId,
            DepartmentId = g.DepartmentId,
        }));
        db.Roles.Add(role);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two creates of the same name at once: the unique index let one through.
            db.ChangeTracker.Clear();
            if (await db.Roles.AnyAsync(r => r.NormalizedName == role.NormalizedName, CancellationToken.None))
            {
                return Error.Field("name", $"There is already a role named '{role.Name}'.");
            }

            throw;
        }

        return (await RoleRules.ReadAsync(db, role.Id, cancellationToken))!;
    }
}

public static class CreateRoleEndpoint
{
    public static void MapCreateRole(this IEndpointRouteBuilder roles) =>
        roles.MapPost("/", async Task<Results<Created<RoleDetails>, ProblemHttpResult>> (
                RoleRequest request, HttpContext http, CreateRoleHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.HandleAsync(request, cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error!.ToProblem();
                }

                http.Response.Headers.ETag = ETags.For(result.Value!.Version);
                return TypedResults.Created($"/api/v1/roles/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Permissions.RolesManage)
            .WithName("CreateRole")
            .WithSummary("Create a custom role")
            .WithDescription("Each grant names a permission (GET /api/v1/permissions) and a scope: school (optionally one schoolId), " +
                "department (a departmentId, or the holder's own department), ownSections, ownChildren or self.")
            .ProducesValidationProblem();
}
