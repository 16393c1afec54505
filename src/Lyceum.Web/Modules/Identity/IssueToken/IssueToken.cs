using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Lyceum.Modules.Identity.IssueToken;

/// <summary>E-mail and password in, a token pair out.</summary>
public sealed record TokenRequest(string? Email, string? Password);

/// <summary>
/// Checks the credentials and issues tokens. An unknown e-mail, a wrong password and a locked account get the same
/// answer, and an unknown e-mail still costs one hash, so that responses do not reveal which accounts exist. Five
/// wrong passwords in a row lock the account for five minutes (Identity's lockout).
/// </summary>
public sealed partial class IssueTokenHandler(
    UserManager<LyceumUser> users, LyceumDbContext db, TokenIssuer issuer, IPasswordHasher<LyceumUser> hasher,
    SignInLimiter limiter, ILogger<IssueTokenHandler> logger)
{
    private static readonly LyceumUser Nobody = new() { DisplayName = "nobody" };
    private static string? _dummyHash;

    public async Task<Result<TokenResponse>> HandleAsync(
        TokenRequest request, string? clientAddress, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Required("email", request.Email);
        errors.MaxLength("email", request.Email, 254);
        errors.Required("password", request.Password);
        errors.MaxLength("password", request.Password, 256);
        if (errors.Any)
        {
            return errors.ToError();
        }

        if (limiter.TryEnter(clientAddress, request.Email!) is { } wait)
        {
            return new Error.TooManyRequests("Too many sign-in attempts. Wait a minute and try again.", wait);
        }

        var user = await users.FindByEmailAsync(request.Email!.Trim());
        if (user is null)
        {
            _dummyHash ??= hasher.HashPassword(Nobody, "not-a-password");
            hasher.VerifyHashedPassword(Nobody, _dummyHash, request.Password!);
            return Invalid;
        }

        if (await users.IsLockedOutAsync(user))
        {
            return Invalid;
        }

        if (!await users.CheckPasswordAsync(user, request.Password!))
        {
            // Identity locks the account after Lockout.MaxFailedAccessAttempts failures in a row.
            await users.AccessFailedAsync(user);
            if (await users.IsLockedOutAsync(user))
            {
                LogLocked(logger, user.Email ?? user.Id.ToString(), await users.GetLockoutEndDateAsync(user));
            }

            return Invalid;
        }

        await users.ResetAccessFailedCountAsync(user);

        return await issuer.IssueAsync(db, user, cancellationToken);
    }

    private static Error.Unauthorized Invalid => new("The e-mail or password is incorrect.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} locked after repeated wrong passwords until {Until}")]
    private static partial void LogLocked(ILogger logger, string account, DateTimeOffset? until);
}

public static class IssueTokenEndpoint
{
    public static void MapIssueToken(this IEndpointRouteBuilder auth) =>
        auth.MapPost("/token", async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> (
                TokenRequest request, HttpContext http, IssueTokenHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.HandleAsync(request, http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
                return result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error!.ToProblem(http.Response);
            })
            .AllowAnonymous()
            .WithName("IssueToken")
            .WithSummary("Sign in with e-mail and password and get a bearer token")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
