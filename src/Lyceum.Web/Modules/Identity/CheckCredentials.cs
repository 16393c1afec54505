using Lyceum.Platform.Api;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;

namespace Lyceum.Modules.Identity;

/// <summary>
/// The one check of an e-mail and password, for the API's tokens and the pages' sign-in cookie alike. Attempts are
/// counted before any hash is computed; an unknown e-mail, a wrong password and a locked account get the same answer,
/// and an unknown e-mail still costs one hash, so that nothing reveals which accounts exist. Five wrong passwords in a
/// row lock the account for five minutes (Identity's lockout).
/// </summary>
public sealed partial class CredentialsChecker(
    UserManager<LyceumUser> users, IPasswordHasher<LyceumUser> hasher, SignInLimiter limiter, ILogger<CredentialsChecker> logger)
{
    public const string Incorrect = "The e-mail or password is incorrect.";

    private static readonly LyceumUser Nobody = new() { DisplayName = "nobody" };
    private static string? _dummyHash;

    public async Task<Result<LyceumUser>> CheckAsync(string? email, string? password, string? clientAddress)
    {
        var errors = new FieldErrors();
        errors.Required("email", email);
        errors.MaxLength("email", email, 254);
        errors.Required("password", password);
        errors.MaxLength("password", password, 256);
        if (errors.Any)
        {
            return errors.ToError();
        }

        if (limiter.TryEnter(clientAddress, email!) is { } wait)
        {
            return new Error.TooManyRequests("Too many sign-in attempts. Wait a minute and try again.", wait);
        }

        var user = await users.FindByEmailAsync(email!.Trim());
        if (user is null)
        {
            _dummyHash ??= hasher.HashPassword(Nobody, "not-a-password");
            hasher.VerifyHashedPassword(Nobody, _dummyHash, password!);
            return Invalid;
        }

        if (await users.IsLockedOutAsync(user))
        {
            return Invalid;
        }

        if (!await users.CheckPasswordAsync(user, password!))
        {
            await users.AccessFailedAsync(user);
            if (await users.IsLockedOutAsync(user))
            {
                LogLocked(logger, user.Email ?? user.Id.ToString(), await users.GetLockoutEndDateAsync(user));
            }

            return Invalid;
        }

        await users.ResetAccessFailedCountAsync(user);
        return user;
    }

    private static Error.Unauthorized Invalid => new(Incorrect);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {Account} locked after repeated wrong passwords until {Until}")]
    private static partial void LogLocked(ILogger logger, string account, DateTimeOffset? until);
}
