using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.Roles;

/// <summary>Deletes a custom role that nobody holds. Presets stay; a held role must be taken from its holders first.</summary>
public sealed class DeleteRoleHandler(IDbContextFactory<LyceumDbContext> contexts)
{
    public async Task<Result<bool>> HandleAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Under the roles lock, so that nobody is given the role between the count and the delete.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RoleRules.LockAsync(db, cancellationToken);
        var role = await db.Roles.Include(r => r.Grants).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (role is null)
        {
            return new Error.NotFound($"There is no role {id}.");
        }

        if (role.IsPreset)
        {
            return new Error.Conflict($"'{role.Name}' is a preset and cannot be deleted; its grants can be changed.");
        }

        var holders = await db.UserRoles.CountAsync(ur => ur.RoleId == id, cancellationToken);
        if (holders > 0)
        {
            return new Error.Conflict($"{holders} account(s) hold '{role.Name}'. Take the role from them first.");
        }

        db.Roles.Remove(role); // its grants are tracked, so each is deleted (and audited) too
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}

public static class DeleteRoleEndpoint
{
    public static void MapDeleteRole(this IEndpointRouteBuilder roles) =>
        roles.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (
                Guid id, DeleteRoleHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.HandleAsync(id, cancellationToken);
                return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.RolesManage)
            .WithName("DeleteRole")
            .WithSummary("Delete a custom role that no account holds")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
