using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Identity.IssueToken;

/// <summary>E-mail and password in, a token pair out.</summary>
public sealed record TokenRequest(string? Email, string? Password);

/// <summary>Checks the credentials (<see cref="CredentialsChecker"/>) and issues a token pair.</summary>
public sealed class IssueTokenHandler(CredentialsChecker credentials, LyceumDbContext db, TokenIssuer issuer)
{
    public async Task<Result<TokenResponse>> HandleAsync(
        TokenRequest request, string? clientAddress, CancellationToken cancellationToken)
    {
        var user = await credentials.CheckAsync(request.Email, request.Password, clientAddress);
        return user.IsSuccess ? await issuer.IssueAsync(db, user.Value!, cancellationToken) : user.Error!;
    }
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
