using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.Roles;

/// <summary>Every role, presets first, with grants and holder counts. An install has tens of roles, not thousands: no paging.</summary>
public sealed class ListRolesHandler(IDbContextFactory<LyceumDbContext> contexts)
{
    public async Task<IReadOnlyList<RoleDetails>> HandleAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var presetOrder = Lyceum.Platform.Identity.RoleNames.Presets.ToList();
        return
        [
            .. (await RoleRules.ReadAsync(db, db.Roles, cancellationToken))
                .OrderBy(r => r.Preset ? presetOrder.IndexOf(r.Name) : int.MaxValue)
                .ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase),
        ];
    }
}

public static class ListRolesEndpoint
{
    public static void MapListRoles(this IEndpointRouteBuilder roles) =>
        roles.MapGet("/", async Task<Ok<IReadOnlyList<RoleDetails>>> (ListRolesHandler handler, CancellationToken cancellationToken) =>
                TypedResults.Ok(await handler.HandleAsync(cancellationToken)))
            .RequireAuthorization(Permissions.RolesManage)
            .WithName("ListRoles")
            .WithSummary("Every role with its grants");
}
