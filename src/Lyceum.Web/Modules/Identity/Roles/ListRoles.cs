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
        var roles = await db.Roles.AsNoTracking()
            .Select(r => new { r.Id, r.Name, r.Description, r.IsPreset, r.ConcurrencyStamp, Holders = db.UserRoles.Count(ur => ur.RoleId == r.Id) })
            .ToListAsync(cancellationToken);
        var grants = (await db.RoleGrants.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(g => g.RoleId);
        var presetOrder = Lyceum.Platform.Identity.RoleNames.Presets;
        return
        [
            .. roles
                .OrderBy(r => r.IsPreset ? presetOrder.ToList().IndexOf(r.Name!) : int.MaxValue)
                .ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)
                .Select(r => new RoleDetails(r.Id, r.Name!, r.Description, r.IsPreset, r.Holders,
                    RoleRules.Sorted(grants[r.Id].Select(g => new GrantItem(g.Permission, g.Scope, g.SchoolId, g.DepartmentId))))
                {
                    Version = RoleRules.VersionOf(r.ConcurrencyStamp),
                }),
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
