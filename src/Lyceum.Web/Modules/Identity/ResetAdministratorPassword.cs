using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;

namespace Lyceum.Modules.Identity;

/// <summary>
/// The way back in for whoever runs the server: a new generated password for the administrator (the configured or
/// default e-mail, or <c>--email</c>), shown once, and any lockout lifted. It needs console access to the server,
/// which is the same trust as reading the first start's output.
/// </summary>
public sealed class ResetAdministratorPassword(IServiceScopeFactory scopes, IConfiguration configuration)
{
    public async Task<int> RunAsync(string? email, CancellationToken cancellationToken)
    {
        var settings = configuration.GetSection("Lyceum:Admin").Get<AdminSettings>() ?? new AdminSettings();
        email = !string.IsNullOrWhiteSpace(email) ? email.Trim()
            : !string.IsNullOrWhiteSpace(settings.Email) ? settings.Email.Trim()
            : AdminSettings.DefaultEmail;

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<LyceumUser>>();
        var user = await users.FindByEmailAsync(email);
        if (user is null || !await users.IsInRoleAsync(user, RoleNames.Administrator))
        {
            await Console.Error.WriteLineAsync($"There is no administrator account {email}.");
            return 1;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var password = EnsureAdministrator.NewPassword();
        Check(await users.RemovePasswordAsync(user));
        Check(await users.AddPasswordAsync(user, password));
        Check(await users.SetLockoutEndDateAsync(user, null));
        Check(await users.ResetAccessFailedCountAsync(user));
        EnsureAdministrator.PrintOnce(email, password);
        return 0;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
