using Microsoft.AspNetCore.Authorization;

namespace Lyceum.Platform.Access;

/// <summary>The authorization policy named after a permission: met when any of the caller's roles grants it.</summary>
public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

public sealed class PermissionHandler(AccessService access) : AuthorizationHandler<PermissionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var caller = context.Resource is HttpContext http
            ? await access.CallerAsync(http)
            : await access.CallerAsync(context.User, CancellationToken.None);
        var granted = Permissions.Find(requirement.Permission) is { InstallWide: true }
            ? caller.CanEverywhere(requirement.Permission)
            : caller.Can(requirement.Permission);
        if (granted)
        {
            context.Succeed(requirement);
        }
    }
}
