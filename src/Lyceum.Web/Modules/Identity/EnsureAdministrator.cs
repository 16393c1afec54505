using System.Security.Cryptography;
using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Lyceum.Platform.Startup;
using Microsoft.AspNetCore.Identity;

namespace Lyceum.Modules.Identity;

/// <summary><c>Lyceum:Admin:*</c>: the administrator account created on first start.</summary>
public sealed class AdminSettings
{
    public const string DefaultEmail = "admin@lyceum.local";

    public string? Email { get; set; }

    public string? Password { get; set; }
}

/// <summary>
/// Creates the role presets (with their grants) and the administrator when they are missing; changes nothing that exists. Without a
/// configured password one is generated and printed once, on the console, when the account is created.
/// </summary>
public sealed partial class EnsureAdministrator(
    IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<EnsureAdministrator> logger)
    : IStartupTask
{
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public string Name => "creating the administrator";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = configuration.GetSection("Lyceum:Admin").Get<AdminSettings>() ?? new AdminSettings();
        await using var scope = scopes.CreateAsyncScope();
        await EnsurePresetsAsync(scope.ServiceProvider.GetRequiredService<RoleManager<LyceumRole>>(), cancellationToken);

        var users = scope.ServiceProvider.GetRequiredService<UserManager<LyceumUser>>();
        var email = string.IsNullOrWhiteSpace(settings.Email) ? AdminSettings.DefaultEmail : settings.Email.Trim();
        if (await users.FindByEmailAsync(email) is not null)
        {
            return;
        }

        // One transaction: an interrupted start leaves either a complete administrator or none (and a new password).
        var db = scope.ServiceProvider.GetRequiredService<LyceumDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var generated = string.IsNullOrEmpty(settings.Password);
        var password = generated ? NewPassword() : settings.Password!;
        var user = new LyceumUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = "Administrator",
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        Check(await users.CreateAsync(user, password), $"create the administrator {email} (Lyceum:Admin:Password)");
        Check(await users.AddToRoleAsync(user, RoleNames.Administrator), "grant the Administrator role");
        await transaction.CommitAsync(cancellationToken);
        LogCreated(logger, email);

        if (generated)
        {
            PrintOnce(email, password);
        }
    }

    /// <summary>
    /// Creates each missing role preset with its grants. A preset that exists is the administrators' to edit and is left
    /// as it is; one from before roles had grants (not yet marked as a preset) gets its preset grants once.
    /// </summary>
    private static async Task EnsurePresetsAsync(RoleManager<LyceumRole> roles, CancellationToken cancellationToken)
    {
        foreach (var name in RoleNames.Presets)
        {
            var role = await roles.FindByNameAsync(name);
            if (role is { IsPreset: true })
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var grants = RolePresets.GrantsOf(name);
            if (role is null)
            {
                role = new LyceumRole(name) { IsPreset = true, Description = RolePresets.Descriptions[name] };
                role.Grants.AddRange(grants);
                Check(await roles.CreateAsync(role), $"create role {name}");
            }
            else
            {
                role.IsPreset = true;
                role.Description ??= RolePresets.Descriptions[name];
                role.Grants.AddRange(grants);
                Check(await roles.UpdateAsync(role), $"update role {name}");
            }
        }
    }

    /// <summary>Printed, not logged: log sinks keep what they get, and a password must be seen exactly once.</summary>
    internal static void PrintOnce(string email, string password, string label = "Lyceum administrator")
    {
        var who = $"{label}: {email}";
        Console.WriteLine();
        Console.WriteLine("  ┌──────────────────────────────────────────────────────────────┐");
        Console.WriteLine($"  │ {who,-61}│");
        Console.WriteLine($"  │ Password (shown once): {password,-38}│");
        Console.WriteLine("  └──────────────────────────────────────────────────────────────┘");
        Console.WriteLine();
    }

    internal static string NewPassword() => RandomNumberGenerator.GetString(Alphabet, 20);

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created administrator account {Email}")]
    private static partial void LogCreated(ILogger logger, string email);
}
