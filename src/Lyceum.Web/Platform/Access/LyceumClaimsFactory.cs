using System.Security.Claims;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Lyceum.Platform.Access;

/// <summary>
/// The sign-in cookie's claims: Identity's own (account id, e-mail, security stamp, role names) plus the account's
/// display name under the JWT's claim name, so pages greet "Ms Jones" on either kind of sign-in. Grants are never
/// put in the cookie: <see cref="AccessService"/> reads them from the database for every request.
/// </summary>
public sealed class LyceumClaimsFactory(UserManager<LyceumUser> users, RoleManager<LyceumRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<LyceumUser, LyceumRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(LyceumUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            identity.AddClaim(new Claim(AccountClaims.DisplayNameClaim, user.DisplayName));
        }

        return identity;
    }
}
