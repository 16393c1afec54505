using Lyceum.Modules.Identity.ListAccounts;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Identity.Accounts;

public static class AccountsEndpoints
{
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Accounts");
        users.MapListAccounts();
        users.MapPost("/invitations", async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> (
                InviteRequest request, Caller caller, HttpContext http, AccountsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.InviteAsync(caller, request, Site(http), cancellationToken);
                return result.IsSuccess
                    ? TypedResults.Created($"/api/v1/users/{result.Value!.UserId}", result.Value)
                    : result.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.UsersCreate)
            .WithName("InviteUser")
            .WithSummary("Give a staff member, guardian or student an account, and get its one-time set-password link")
            .WithDescription("personType: staff, guardian or student; personId: their record. The account takes the person's e-mail " +
                "unless email is given, and the preset of their kind unless roleId is given (staff may also get Tutor or " +
                "Moderator; any other role needs roles.manage). The link is shown once and lasts 7 days. 409 when the person " +
                "has an account already.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        users.MapGet("/{userId:guid}", async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> (
                Guid userId, AccountsHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(userId, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.UsersView)
            .WithName("GetUser")
            .WithSummary("An account: e-mail, name, roles and whether it is deactivated")
            .ProducesProblem(StatusCodes.Status404NotFound);

        users.MapPost("/{userId:guid}/password-link", async Task<Results<Ok<PasswordLinkResponse>, ProblemHttpResult>> (
                Guid userId, Caller caller, HttpContext http, AccountsHandler handler, CancellationToken cancellationToken) =>
            (await handler.PasswordLinkAsync(caller, userId, Site(http), cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.UsersEdit)
            .WithName("NewPasswordLink")
            .WithSummary("A new one-time set-password link for an account (older links stop working)")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        users.MapPost("/{userId:guid}/deactivate", async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> (
                Guid userId, Caller caller, AccountsHandler handler, CancellationToken cancellationToken) =>
            (await handler.SetActiveAsync(caller, userId, active: false, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.UsersDelete)
            .WithName("DeactivateUser")
            .WithSummary("Deactivate an account: signed out everywhere at its next request, and no more sign-in")
            .WithDescription("Idempotent. 409 for your own account, or when it would leave nobody able to manage roles.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        users.MapPost("/{userId:guid}/reactivate", async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> (
                Guid userId, Caller caller, AccountsHandler handler, CancellationToken cancellationToken) =>
            (await handler.SetActiveAsync(caller, userId, active: true, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.UsersDelete)
            .WithName("ReactivateUser")
            .WithSummary("Reactivate a deactivated account (its password is as it was)")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static Uri Site(HttpContext http) =>
        AccountsHandler.SiteFor(http.RequestServices.GetRequiredService<IConfiguration>(),
            new($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/"));
}
