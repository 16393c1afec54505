using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.Roles;

public sealed class GetRoleHandler(IDbContextFactory<LyceumDbContext> contexts)
{
    public async Task<Result<RoleDetails>> HandleAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await RoleRules.ReadAsync(db, id, cancellationToken) is { } role
            ? role
            : new Error.NotFound($"There is no role {id}.");
    }
}

public static class GetRoleEndpoint
{
    public static void MapGetRole(this IEndpointRouteBuilder roles) =>
        roles.MapGet("/{id:guid}", async Task<Results<Ok<RoleDetails>, ProblemHttpResult>> (
                Guid id, HttpContext http, GetRoleHandler handler, CancellationToken cancellationToken) =>
                (await handler.HandleAsync(id, cancellationToken)).ToOkWithETag(http.Response, r => r.Version))
            .RequireAuthorization(Permissions.RolesManage)
            .WithName("GetRole")
            .WithSummary("A role with its grants")
            .WithDescription("The ETag header carries the role's version: send it back in If-Match to change the role.")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
