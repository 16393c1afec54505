using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.Roles;

/// <summary>
/// Replaces a role's name, description and grants (a preset keeps its name). Takes effect on the holders' next
/// request: access is read per request, not from their tokens.
/// </summary>
public sealed class EditRoleHandler(IDbContextFactory<LyceumDbContext> contexts)
{
    public async Task<Result<RoleDetails>> HandleAsync(Guid id, Guid expectedVersion, RoleRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RoleRules.LockAsync(db, cancellationToken);
        var role = await db.Roles.Include(r => r.Grants).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (role is null)
        {
            return new Error.NotFound($"There is no role {id}.");
        }

        if (RoleRules.VersionOf(role.ConcurrencyStamp) != expectedVersion)
        {
            return Stale;
        }

        var grants = await RoleRules.ValidateAsync(db, request, id, cancellationToken);
        if (!grants.IsSuccess)
        {
            return grants.Error!;
        }

        if (role.IsPreset && RoleRules.Normalize(request.Name!) != role.NormalizedName)
        {
            return Error.Field("name", $"'{role.Name}' is a preset: its grants can change, its name cannot.");
        }

        role.Name = request.Name!.Trim();
        role.NormalizedName = RoleRules.Normalize(request.Name);
        role.Description = TextInput.Blank(request.Description);
        role.ConcurrencyStamp = Guid.NewGuid().ToString();

        // Keep the grants that stay, so the audit trail shows only what was taken away and what was added.
        var wanted = grants.Value!.ToHashSet();
        foreach (var grant in role.Grants.ToList())
        {
            if (!wanted.Remove(new GrantItem(grant.Permission, grant.Scope, grant.SchoolId, grant.DepartmentId)))
            {
                db.RoleGrants.Remove(grant);
            }
        }

        role.Grants.AddRange(wanted.Select(g => new RoleGrant
        {
            RoleId = role.Id,
            Permission = g.Permission,
            Scope = g.Scope,
            SchoolId = g.SchoolId,
            DepartmentId = g.DepartmentId,
        }));

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale;
        }
        catch (DbUpdateException)
        {
            // A department deleted meanwhile, or another role renamed to this name at the same moment.
            return new Error.Conflict("Something this role refers to changed at the same time. Reload it and apply your change again.");
        }

        if (await RoleRules.SomeoneStillManagesRolesAsync(db, cancellationToken) is { } lockout)
        {
            return lockout; // the transaction rolls back on dispose
        }

        await transaction.CommitAsync(cancellationToken);
        return (await RoleRules.ReadAsync(db, id, cancellationToken))!;
    }

    private static Error.PreconditionFailed Stale =>
        new("This role was changed by someone else since you read it. Reload it and apply your change again.");
}

public static class EditRoleEndpoint
{
    public static void MapEditRole(this IEndpointRouteBuilder roles) =>
        roles.MapPut("/{id:guid}", async Task<Results<Ok<RoleDetails>, ProblemHttpResult>> (
                Guid id, RoleRequest request, HttpContext http, EditRoleHandler handler, CancellationToken cancellationToken) =>
            {
                var version = ETags.ReadIfMatch(http.Request);
                if (!version.IsSuccess)
                {
                    return version.Error!.ToProblem();
                }

                return (await handler.HandleAsync(id, version.Value, request, cancellationToken)).ToOkWithETag(http.Response, r => r.Version);
            })
            .RequireAuthorization(Permissions.RolesManage)
            .WithName("EditRole")
            .WithSummary("Change a role's name, description and grants")
            .WithDescription("Send the ETag from GET in If-Match. The holders' access changes with their next request.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
