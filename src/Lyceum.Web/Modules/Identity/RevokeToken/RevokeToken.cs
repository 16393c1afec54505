using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.RevokeToken;

public sealed record RevokeRequest(string? RefreshToken);

/// <summary>
/// Signs a session out: the refresh token and every token rotated from the same sign-in stop working. Answers 204
/// whether or not the token was known (RFC 7009), so the endpoint tells nothing to someone guessing tokens. Access
/// tokens already issued run out on their own (15 minutes by default).
/// </summary>
public sealed class RevokeTokenHandler(LyceumDbContext db, TokenIssuer issuer)
{
    public async Task<Result<bool>> HandleAsync(RevokeRequest request, CancellationToken cancellationToken)
    {
        var submitted = TokenIssuer.HashOfSubmitted(request.RefreshToken);
        if (!submitted.IsSuccess)
        {
            return submitted.Error!;
        }

        var hash = submitted.Value;
        var family = await db.RefreshTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.FamilyId)
            .FirstOrDefaultAsync(cancellationToken);
        if (family is { } f)
        {
            await issuer.RevokeFamilyAsync(db, f, cancellationToken);
        }

        return true;
    }
}

public static class RevokeTokenEndpoint
{
    public static void MapRevokeToken(this IEndpointRouteBuilder auth) =>
        auth.MapPost("/revoke", async Task<Results<NoContent, ProblemHttpResult>> (
                RevokeRequest request, RevokeTokenHandler handler, CancellationToken cancellationToken) =>
            await handler.HandleAsync(request, cancellationToken) is { IsSuccess: false, Error: { } error }
                ? error.ToProblem()
                : TypedResults.NoContent())
            .AllowAnonymous()
            .WithName("RevokeToken")
            .WithSummary("Sign out a session: its refresh token and all rotated from it stop working")
            .ProducesValidationProblem();
}
