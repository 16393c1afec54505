using Microsoft.AspNetCore.Authorization;

namespace Lyceum.Platform.Access;

/// <summary>The authorization policy named after a permission: met when any of the caller's roles grants it.</summary>
public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

public sealed class PermissionHandler(CallerScope callers) : AuthorizationHandler<PermissionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        var caller = await callers.CallerAsync(context.User);
        var granted = Permissions.Find(requirement.Permission) is { InstallWide: true }
            ? caller.CanEverywhere(requirement.Permission)
            : caller.Can(requirement.Permission);
        if (granted)
        {
            context.Succeed(requirement);
        }
    }
}
