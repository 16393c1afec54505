using System.Security.Claims;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Lyceum.Modules.Identity.GetMe;

/// <summary>
/// Who the caller is: the account behind the token, its roles, and what they grant (what a client needs to show only
/// what the caller may use).
/// </summary>
public sealed record MeResponse(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<AccessGrant> Permissions);

public sealed class GetMeHandler(UserManager<LyceumUser> users, AccessService access)
{
    public async Task<Result<MeResponse>> HandleAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var id = AccountClaims.UserId(principal);
        var user = id is null ? null : await users.FindByIdAsync(id.Value.ToString());
        if (user is null)
        {
            // A valid token for an account that no longer exists.
            return new Error.Unauthorized("This account no longer exists.");
        }

        var roles = await users.GetRolesAsync(user);
        var caller = await access.CallerAsync(principal, cancellationToken);
        return new MeResponse(user.Id, user.Email ?? string.Empty, user.DisplayName, [.. roles.Order()],
            [.. caller.Grants.OrderBy(g => g.Permission, StringComparer.Ordinal).ThenBy(g => g.Scope)]);
    }
}

public static class GetMeEndpoint
{
    public static void MapGetMe(this IEndpointRouteBuilder api) =>
        api.MapGet("/me", async Task<Results<Ok<MeResponse>, ProblemHttpResult>> (
                ClaimsPrincipal user, GetMeHandler handler, CancellationToken cancellationToken) =>
                (await handler.HandleAsync(user, cancellationToken)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Identity")
            .WithName("GetMe")
            .WithSummary("The signed-in account, its roles and the permissions they grant")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
}
