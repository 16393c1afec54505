using System.Security.Claims;
using Lyceum.Platform.Api;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Lyceum.Modules.Identity.GetMe;

/// <summary>Who the caller is: the account behind the token and its roles.</summary>
public sealed record MeResponse(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles);

public sealed class GetMeHandler(UserManager<LyceumUser> users)
{
    public async Task<Result<MeResponse>> HandleAsync(ClaimsPrincipal principal)
    {
        var id = principal.FindFirstValue("sub");
        var user = id is null ? null : await users.FindByIdAsync(id);
        if (user is null)
        {
            // A valid token for an account that no longer exists.
            return new Error.Unauthorized("This account no longer exists.");
        }

        var roles = await users.GetRolesAsync(user);
        return new MeResponse(user.Id, user.Email ?? string.Empty, user.DisplayName, [.. roles.Order()]);
    }
}

public static class GetMeEndpoint
{
    public static void MapGetMe(this IEndpointRouteBuilder api) =>
        api.MapGet("/me", async Task<Results<Ok<MeResponse>, ProblemHttpResult>> (ClaimsPrincipal user, GetMeHandler handler) =>
                (await handler.HandleAsync(user)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Identity")
            .WithName("GetMe")
            .WithSummary("The signed-in account and its roles")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
}
