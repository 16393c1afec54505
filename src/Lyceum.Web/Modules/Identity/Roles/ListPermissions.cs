using Lyceum.Platform.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Identity.Roles;

public static class ListPermissionsEndpoint
{
    public static void MapListPermissions(this IEndpointRouteBuilder api) =>
        api.MapGet("/permissions", Ok<IReadOnlyList<PermissionInfo>> () => TypedResults.Ok(Permissions.All))
            .RequireAuthorization(Permissions.RolesManage)
            .WithTags("Roles")
            .WithName("ListPermissions")
            .WithSummary("Every permission a role can grant, and the scopes each may have");
}
