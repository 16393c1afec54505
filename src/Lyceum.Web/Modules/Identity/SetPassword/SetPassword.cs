using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.SetPassword;

public sealed class SetPasswordForm
{
    public string? Password { get; set; }

    public string? Confirm { get; set; }
}

/// <summary>
/// Sets an account's password from a one-time link (an invitation, or a new link from the office). The token is
/// Identity's password-reset token: bound to the account's security stamp, so it works once and stops working when a
/// newer link is made. Every failure of the link itself gets one answer, so a link reveals nothing about the account.
/// </summary>
public sealed class SetPasswordHandler(UserManager<LyceumUser> users, IDbContextFactory<LyceumDbContext> contexts, TimeProvider clock)
{
    public const string InvalidLink = "This link is not valid any more. Ask the school office for a new one.";

    /// <summary>The account the link is for, if the link still works.</summary>
    public async Task<LyceumUser?> CheckAsync(string? userId, string? token)
    {
        if (!Guid.TryParse(userId, out var id) || string.IsNullOrEmpty(token) || token.Length > 2000
            || await users.FindByIdAsync(id.ToString()) is not { DeactivatedAt: null } user)
        {
            return null;
        }

        return await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<LyceumUser>.ResetPasswordTokenPurpose, token)
            ? user
            : null;
    }

    /// <summary>Null when the password is set; otherwise what to tell the person (a text key).</summary>
    public async Task<string?> SetAsync(string? userId, string? token, SetPasswordForm form)
    {
        if (string.IsNullOrEmpty(form.Password) || form.Password.Length < users.Options.Password.RequiredLength || form.Password.Length > 256)
        {
            return "Use at least 10 characters.";
        }

        if (form.Password.Distinct().Count() < users.Options.Password.RequiredUniqueChars)
        {
            return "Use at least 4 different characters.";
        }

        if (form.Password != form.Confirm)
        {
            return "The two passwords are not the same.";
        }

        if (await CheckAsync(userId, token) is not { } user)
        {
            return InvalidLink;
        }

        var result = await users.ResetPasswordAsync(user, token!, form.Password);
        if (!result.Succeeded)
        {
            return result.Errors.Any(e => e.Code == "InvalidToken") ? InvalidLink : "This password cannot be used. Choose another one.";
        }

        // Whoever opened the link reads this account's mail: the address is confirmed.
        user.EmailConfirmed = true;
        await users.UpdateAsync(user);
        await users.ResetAccessFailedCountAsync(user);
        // A new password ends every session of the old one: the stamp changed (cookies fail their next check) and the
        // refresh tokens go (an app signed in elsewhere must sign in again).
        await using var db = await contexts.CreateDbContextAsync();
        var now = clock.GetUtcNow().UtcDateTime;
        await db.RefreshTokens.Where(t => t.UserId == user.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.RevokedAt, now));
        return null;
    }
}
