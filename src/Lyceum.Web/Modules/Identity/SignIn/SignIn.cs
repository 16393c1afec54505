using Lyceum.Modules.Identity.Demo;
using Lyceum.Platform.Api;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;

namespace Lyceum.Modules.Identity.SignIn;

/// <summary>What the sign-in form posts.</summary>
public sealed class SignInForm
{
    public string? Email { get; set; }

    public string? Password { get; set; }

    public bool RememberMe { get; set; }
}

/// <summary>
/// Cookie sign-in for the pages, on the same Identity store and the same <see cref="CredentialsChecker"/> as the API's
/// tokens: the same rate limits, lockout and one answer for every failure. In demo mode (Development, or
/// <c>Lyceum:Demo:OneClickSignIn</c>) it also signs in as a demo account without a password.
/// </summary>
public sealed class SignInHandler(
    CredentialsChecker credentials, SignInManager<LyceumUser> signIns, UserManager<LyceumUser> users,
    IConfiguration configuration, IHostEnvironment environment)
{
    public bool OneClickEnabled => configuration.GetValue("Lyceum:Demo:OneClickSignIn", environment.IsDevelopment());

    /// <summary>Null when signed in; otherwise the message to show (a text key).</summary>
    public async Task<string?> SignInAsync(HttpContext http, SignInForm form)
    {
        var user = await credentials.CheckAsync(form.Email, form.Password, http.Connection.RemoteIpAddress?.ToString());
        switch (user.Error)
        {
            case null:
                await signIns.SignInAsync(user.Value!, isPersistent: form.RememberMe);
                return null;
            case Error.TooManyRequests:
                return "Too many sign-in attempts. Wait a minute and try again.";
            case Error.Validation:
                return "Enter your e-mail and password.";
            default:
                return CredentialsChecker.Incorrect;
        }
    }

    public async Task<bool> SignInDemoAsync(string? role)
    {
        if (!OneClickEnabled || role is null || !RoleNames.Presets.Contains(role))
        {
            return false;
        }

        var user = await users.FindByEmailAsync($"{role.ToLowerInvariant()}@{DemoAccounts.Domain}");
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return false;
        }

        await signIns.SignInAsync(user, isPersistent: false);
        return true;
    }
}

/// <summary>Where to go after signing in: only a path on this site, never another host (no open redirect).</summary>
public static class LocalUrl
{
    public static string OrHome(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2000 && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl)
            ? url
            : "/";
}
