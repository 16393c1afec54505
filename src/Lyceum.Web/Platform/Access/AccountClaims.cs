using System.Security.Claims;

namespace Lyceum.Platform.Access;

/// <summary>
/// Reads the account from either sign-in: API tokens carry JWT names (<c>sub</c>, <c>email</c>), Identity's cookie
/// the .NET claim types (<see cref="ClaimTypes.NameIdentifier"/>, <see cref="ClaimTypes.Email"/>).
/// </summary>
public static class AccountClaims
{
    public static Guid? UserId(ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true
        && Guid.TryParse(principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? id
            : null;

    /// <summary>The account's display name: the JWT's <c>name</c> claim, which the sign-in cookie carries too.</summary>
    public const string DisplayNameClaim = "name";

    /// <summary>The display name to greet the account with; its <see cref="Label"/> when it has none.</summary>
    public static string DisplayName(ClaimsPrincipal principal, Guid id) =>
        principal.FindFirstValue(DisplayNameClaim) is { Length: > 0 } name ? name : Label(principal, id);

    /// <summary>The e-mail to show and to record as the actor; the account id when there is none.</summary>
    public static string Label(ClaimsPrincipal principal, Guid id) =>
        (principal.FindFirstValue("email") ?? principal.FindFirstValue(ClaimTypes.Email)) is { Length: > 0 } email ? email : id.ToString();
}
