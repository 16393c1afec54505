using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.RefreshAccessToken;

public sealed record RefreshRequest(string? RefreshToken);

/// <summary>
/// Trades a refresh token for a new token pair and retires it (rotation). A token that was already used, or that
/// two callers present at once, is a sign it was stolen: the whole family is revoked and both callers get 401.
/// </summary>
public sealed partial class RefreshAccessTokenHandler(
    UserManager<LyceumUser> users, LyceumDbContext db, TokenIssuer issuer, TimeProvider clock,
    ILogger<RefreshAccessTokenHandler> logger)
{
    public async Task<Result<TokenResponse>> HandleAsync(RefreshRequest request, CancellationToken cancellationToken)
    {
        var submitted = TokenIssuer.HashOfSubmitted(request.RefreshToken);
        if (!submitted.IsSuccess)
        {
            return submitted.Error!;
        }

        var hash = submitted.Value;
        var stored = await db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (stored is null || stored.ExpiresAt <= now)
        {
            return Invalid;
        }

        // Claim the token and store its successor in one transaction: of two concurrent refreshes with one token only
        // one can win, and the loser's family revocation (after the winner commits) also reaches the successor.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = stored.RevokedAt is null && await db.RefreshTokens
            .Where(t => t.Id == stored.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken) == 1;
        if (!claimed)
        {
            await transaction.RollbackAsync(cancellationToken);
            var revoked = await issuer.RevokeFamilyAsync(db, stored.FamilyId, cancellationToken);
            LogReuse(logger, stored.UserId, stored.FamilyId, revoked);
            return Invalid;
        }

        var user = await users.FindByIdAsync(stored.UserId.ToString());
        if (user is null || await users.IsLockedOutAsync(user))
        {
            await issuer.RevokeFamilyAsync(db, stored.FamilyId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Invalid;
        }

        var pair = await issuer.IssueAsync(db, user, cancellationToken, stored.FamilyId);
        await transaction.CommitAsync(cancellationToken);
        return pair;
    }

    private static Error.Unauthorized Invalid => new("This refresh token is not valid. Sign in again.");

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Refresh token reused for user {UserId}: family {FamilyId} revoked ({Revoked} live tokens)")]
    private static partial void LogReuse(ILogger logger, Guid userId, Guid familyId, int revoked);
}

public static class RefreshAccessTokenEndpoint
{
    public static void MapRefreshAccessToken(this IEndpointRouteBuilder auth) =>
        auth.MapPost("/refresh", async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> (
                RefreshRequest request, RefreshAccessTokenHandler handler, CancellationToken cancellationToken) =>
            (await handler.HandleAsync(request, cancellationToken)).ToOk())
            .AllowAnonymous()
            .WithName("RefreshAccessToken")
            .WithSummary("Trade a refresh token for a new token pair (the old refresh token stops working)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
}
