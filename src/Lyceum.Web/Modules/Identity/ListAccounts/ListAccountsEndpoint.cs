using System.ComponentModel;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Identity.ListAccounts;

public static class ListAccountsEndpoint
{
    public static void MapListAccounts(this IEndpointRouteBuilder users) =>
        users.MapGet("/", async Task<Results<Ok<PagedResult<AccountListItem>>, ProblemHttpResult>> (
                [AsParameters] ListQuery query,
                [Description("Only the accounts holding this role (its id).")] string? roleId,
                [Description("Only the accounts of staff, guardian or student records, or none: accounts linked to nobody.")] string? personType,
                [Description("active or deactivated.")] string? status,
                Caller caller,
                ListAccountsHandler handler,
                CancellationToken cancellationToken) =>
            (await handler.HandleAsync(caller, query, new AccountFilter(roleId, personType, status), cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.UsersView)
            .WithName("ListUsers")
            .WithSummary("List accounts, a page at a time")
            .WithDescription("Sortable fields: " + string.Join(", ", ListAccountsHandler.Sortable) + " (default displayName, email). " +
                "q matches the e-mail address, the account's name and the name, number or e-mail of the person behind it. " +
                "Each row has the account's roles and its person (staff, guardian or student, with the record's id), if any. " +
                "users.view is granted for the whole install only, so every account is listed: accounts are not scoped to a school " +
                "(one account may stand for people in several schools, and an administrator's for none).")
            .ProducesValidationProblem();
}
