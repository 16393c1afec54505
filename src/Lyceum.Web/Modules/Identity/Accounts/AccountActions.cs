using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Components;

namespace Lyceum.Modules.Identity.Accounts;

/// <summary>
/// <see cref="AccountsHandler"/> for pages (a person's <c>AccountPanel</c>, the accounts list): each action in a DI
/// scope of its own, so the handler's DbContext lives for one action rather than for the whole circuit; links point at
/// the site the page was reached at (or <c>Lyceum:PublicUrl</c>); a failure becomes one line to show.
/// </summary>
public sealed class AccountActions(IServiceScopeFactory scopes, NavigationManager navigation, IConfiguration configuration)
{
    private Uri Site => AccountsHandler.SiteFor(configuration, new Uri(navigation.BaseUri));

    public Task<PersonAccount?> ForPersonAsync(Caller caller, PersonType type, int personId) =>
        RunAsync(handler => handler.ForPersonAsync(caller, type, personId, CancellationToken.None));

    public Task<Result<InvitationResponse>> InviteAsync(Caller caller, PersonType type, int personId) =>
        RunAsync(handler => handler.InviteAsync(caller, new InviteRequest(type, personId, null, null), Site, CancellationToken.None));

    public Task<Result<PasswordLinkResponse>> NewPasswordLinkAsync(Caller caller, Guid userId) =>
        RunAsync(handler => handler.PasswordLinkAsync(caller, userId, Site, CancellationToken.None));

    public Task<Result<AccountResponse>> SetActiveAsync(Caller caller, Guid userId, bool active) =>
        RunAsync(handler => handler.SetActiveAsync(caller, userId, active, CancellationToken.None));

    /// <summary>What a page says when an action fails: the field messages of a validation, else the problem's detail.</summary>
    public static string? MessageOf(Error? error) => error switch
    {
        null => null,
        Error.Validation v => string.Join(" ", v.Errors.SelectMany(e => e.Value)),
        _ => error.Detail,
    };

    private async Task<T> RunAsync<T>(Func<AccountsHandler, Task<T>> action)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<AccountsHandler>());
    }
}
