using System.Text.Json.Serialization;
using Lyceum.Modules.Identity.Roles;
using Lyceum.Modules.Identity.UserRoles;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.Accounts;

[JsonConverter(typeof(JsonStringEnumConverter<PersonType>))]
public enum PersonType
{
    Staff,
    Guardian,
    Student,
}

/// <summary>
/// An account for a person on record. <c>email</c> defaults to the person's own; <c>roleId</c> to the preset of their
/// kind (staff: Teacher, guardian: Guardian, student: Student).
/// </summary>
public sealed record InviteRequest(PersonType? PersonType, int? PersonId, string? Email, Guid? RoleId);

/// <summary>The new account and its one-time set-password link: shown once, never stored (only its hash's stamp is).</summary>
public sealed record InvitationResponse(
    Guid UserId, string Email, string DisplayName, RoleRef Role, PersonType PersonType, int PersonId, string SetPasswordUrl, DateTime ExpiresAt);

public sealed record PasswordLinkResponse(Guid UserId, string Email, string SetPasswordUrl, DateTime ExpiresAt);

public sealed record AccountResponse(Guid UserId, string Email, string DisplayName, DateTime? DeactivatedAt, IReadOnlyList<RoleRef> Roles);

/// <summary>A person's account as the person's page shows it: none yet, or its e-mail and state.</summary>
public sealed record PersonAccount(Guid? UserId, string? Email, DateTime? DeactivatedAt, bool HasPassword);

/// <summary>
/// Accounts for the people on record: inviting one (an account linked to the person, a role, a set-password link),
/// a new set-password link, and deactivating or reactivating an account. Who may do what:
/// <list type="bullet">
/// <item>users.create invites with the preset of the person's kind (staff may also get Tutor or Moderator); any other
/// role, Administrator included, needs roles.manage too: nobody gives an account more than they could give themselves.</item>
/// <item>users.edit makes a new set-password link, and users.delete (de)activates, for accounts that hold only those
/// presets — an account with any other role only by someone with roles.manage (no taking over an administrator).</item>
/// </list>
/// </summary>
public sealed class AccountsHandler(
    LyceumDbContext db, UserManager<LyceumUser> users, AccessService access, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<DataProtectionTokenProviderOptions> tokens)
{
    /// <summary>The presets the office may give and manage without roles.manage, per kind of person.</summary>
    private static readonly IReadOnlyDictionary<PersonType, string[]> OfficePresets = new Dictionary<PersonType, string[]>
    {
        [PersonType.Staff] = [RoleNames.Teacher, RoleNames.Tutor, RoleNames.Moderator],
        [PersonType.Guardian] = [RoleNames.Guardian],
        [PersonType.Student] = [RoleNames.Student],
    };

    private static readonly string[] AnyOfficePreset = [.. OfficePresets.Values.SelectMany(p => p).Distinct()];

    /// <summary>
    /// Whether the caller may make links for, or (de)activate, an account holding these roles, as far as its roles go
    /// (the action's own permission aside): pages offer only what the handler would do.
    /// </summary>
    public static bool MayManage(Caller caller, IEnumerable<string> roleNames) =>
        caller.CanEverywhere(Permissions.RolesManage) || roleNames.All(AnyOfficePreset.Contains);

    /// <summary>
    /// Where set-password links point: <c>Lyceum:PublicUrl</c> when set (the address people use, behind a proxy that
    /// terminates TLS), else <paramref name="reached"/>, the site's root as the caller reached it.
    /// </summary>
    public static Uri SiteFor(IConfiguration configuration, Uri reached) =>
        configuration["Lyceum:PublicUrl"] is { Length: > 0 } configured
            && Uri.TryCreate(configured.TrimEnd('/') + "/", UriKind.Absolute, out var url)
            ? url
            : reached;

    public async Task<Result<InvitationResponse>> InviteAsync(Caller caller, InviteRequest request, Uri site, CancellationToken cancellationToken)
    {
        if (!caller.CanEverywhere(Permissions.UsersCreate))
        {
            return new Error.Forbidden("Giving accounts needs users.create.");
        }

        var errors = new FieldErrors();
        if (request.PersonType is not { } type)
        {
            errors.Add("personType", "This field is required: staff, guardian or student.");
            return errors.ToError();
        }

        var person = request.PersonId is { } personId ? await FindPersonAsync(caller, type, personId, cancellationToken) : null;
        if (request.PersonId is null)
        {
            errors.Add("personId", "This field is required.");
        }
        else if (person is null)
        {
            errors.Add("personId", $"There is no {Noun(type)} {request.PersonId} that you can see (or the record is archived).");
        }

        var email = string.IsNullOrWhiteSpace(request.Email) ? person?.Email : request.Email.Trim();
        if (person is not null && string.IsNullOrWhiteSpace(email))
        {
            errors.Add("email", $"This {Noun(type)} has no e-mail address on record: give the one the account signs in with.");
        }
        else if (email is not null)
        {
            Contact.CheckEmail(errors, "email", email);
        }

        var role = request.RoleId is { } roleId
            ? await db.Roles.AsNoTracking().Where(r => r.Id == roleId).Select(r => new RoleRef(r.Id, r.Name!)).FirstOrDefaultAsync(cancellationToken)
            : await db.Roles.AsNoTracking().Where(r => r.Name == OfficePresets[type][0]).Select(r => new RoleRef(r.Id, r.Name!)).FirstOrDefaultAsync(cancellationToken);
        if (role is null)
        {
            errors.Add("roleId", $"There is no role {request.RoleId}.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        if (!OfficePresets[type].Contains(role!.Name) && !caller.CanEverywhere(Permissions.RolesManage))
        {
            return new Error.Forbidden($"Giving a {Noun(type)} the role {role.Name} needs roles.manage. Ask an administrator.");
        }

        if (person!.UserId is not null)
        {
            return new Error.Conflict($"This {Noun(type)} has an account already. Send a new set-password link from it instead.");
        }

        if (await users.FindByEmailAsync(email!) is not null)
        {
            return Error.Field("email", "An account with this e-mail address exists already.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = new LyceumUser
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            DisplayName = person.Name,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user);
        }
        catch (DbUpdateException ex) when (Platform.Records.UniqueViolation.Is(ex))
        {
            // Another invitation with this address committed a moment ago.
            return Error.Field("email", "An account with this e-mail address exists already.");
        }

        if (!created.Succeeded)
        {
            return Error.Field("email", string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = user.Id, RoleId = role.Id });
        if (!await LinkAsync(type, person.Id, user.Id, cancellationToken))
        {
            return new Error.Conflict($"This {Noun(type)} was given an account, or removed, by someone else a moment ago.");
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Error.Conflict($"This {Noun(type)} was changed by someone else a moment ago. Try again.");
        }

        await transaction.CommitAsync(cancellationToken);
        var link = await LinkFor(user, site);
        return new InvitationResponse(user.Id, email!, user.DisplayName, role, type, person.Id, link.Url, link.ExpiresAt);
    }

    /// <summary>A new set-password link; every older one stops working.</summary>
    public async Task<Result<PasswordLinkResponse>> PasswordLinkAsync(Caller caller, Guid userId, Uri site, CancellationToken cancellationToken)
    {
        if (!caller.CanEverywhere(Permissions.UsersEdit))
        {
            return new Error.Forbidden("New set-password links need users.edit.");
        }

        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return new Error.NotFound($"There is no account {userId}.");
        }

        if (await RefusalAsync(caller, userId, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (user.DeactivatedAt is not null)
        {
            return new Error.Conflict("This account is deactivated. Reactivate it first.");
        }

        await users.UpdateSecurityStampAsync(user);
        var link = await LinkFor(user, site);
        return new PasswordLinkResponse(user.Id, user.Email ?? string.Empty, link.Url, link.ExpiresAt);
    }

    /// <summary>
    /// Deactivates (signs out everywhere: sessions and tokens fail at their next request, refresh tokens are revoked,
    /// sign-in is refused) or reactivates an account. Doing it twice is the same as once.
    /// </summary>
    public async Task<Result<AccountResponse>> SetActiveAsync(Caller caller, Guid userId, bool active, CancellationToken cancellationToken)
    {
        if (!caller.CanEverywhere(Permissions.UsersDelete))
        {
            return new Error.Forbidden("Deactivating and reactivating accounts needs users.delete.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RoleRules.LockAsync(db, cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return new Error.NotFound($"There is no account {userId}.");
        }

        if (await RefusalAsync(caller, userId, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (!active && userId == caller.UserId)
        {
            return new Error.Conflict("You cannot deactivate your own account.");
        }

        if ((user.DeactivatedAt is null) != active)
        {
            var now = clock.GetUtcNow();
            user.DeactivatedAt = active ? null : now.UtcDateTime;
            user.LockoutEnabled = true;
            user.LockoutEnd = active ? null : DateTimeOffset.MaxValue;
            user.AccessFailedCount = 0;
            user.SecurityStamp = Guid.NewGuid().ToString("N");
            if (!active)
            {
                await db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now.UtcDateTime), cancellationToken);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return new Error.Conflict("This account was changed at the same time. Read it again and repeat your change.");
            }

            if (!active && await RoleRules.SomeoneStillManagesRolesAsync(db, cancellationToken) is { } lockout)
            {
                return lockout;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return (await ReadAsync(userId, cancellationToken))!;
    }

    /// <summary>The account of a person the caller can see (the kind's view permission), or null when they cannot.</summary>
    public async Task<PersonAccount?> ForPersonAsync(Caller caller, PersonType type, int personId, CancellationToken cancellationToken)
    {
        var person = await FindPersonAsync(caller, type, personId, cancellationToken, includeArchived: true);
        if (person is null)
        {
            return null;
        }

        if (person.UserId is not { } userId)
        {
            return new PersonAccount(null, null, null, false);
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Email, u.DeactivatedAt, HasPassword = u.PasswordHash != null })
            .FirstOrDefaultAsync(cancellationToken);
        return user is null ? new PersonAccount(null, null, null, false) : new PersonAccount(userId, user.Email, user.DeactivatedAt, user.HasPassword);
    }

    public async Task<Result<AccountResponse>> GetAsync(Guid userId, CancellationToken cancellationToken) =>
        await ReadAsync(userId, cancellationToken) is { } account ? account : new Error.NotFound($"There is no account {userId}.");

    private async Task<AccountResponse?> ReadAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.DeactivatedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return null;
        }

        var roles = await db.UserRoles.AsNoTracking().Where(ur => ur.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new RoleRef(r.Id, r.Name!))
            .ToListAsync(cancellationToken);
        return new AccountResponse(user.Id, user.Email ?? string.Empty, user.DisplayName, user.DeactivatedAt, [.. roles.OrderBy(r => r.Name, StringComparer.Ordinal)]);
    }

    /// <summary>403 when the account holds a role beyond the office presets and the caller may not manage roles.</summary>
    private async Task<Error?> RefusalAsync(Caller caller, Guid userId, CancellationToken cancellationToken)
    {
        if (caller.CanEverywhere(Permissions.RolesManage))
        {
            return null;
        }

        var beyond = await db.UserRoles.AsNoTracking().Where(ur => ur.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!)
            .Where(name => !AnyOfficePreset.Contains(name))
            .ToListAsync(cancellationToken);
        return beyond.Count == 0
            ? null
            : new Error.Forbidden($"This account holds {string.Join(", ", beyond)}: only someone who may manage roles can do this.");
    }

    /// <summary>The person if the caller may see them (the kind's view permission) and the record is not archived.</summary>
    private Task<AccountPerson?> FindPersonAsync(Caller caller, PersonType type, int id, CancellationToken cancellationToken, bool includeArchived = false) => type switch
    {
        PersonType.Staff => access.Reachable(db.Staff.AsNoTracking(), caller, Permissions.StaffView)
            .Where(p => p.Id == id && (includeArchived || p.ArchivedAt == null))
            .Select(AccountPeople.Staff)
            .FirstOrDefaultAsync(cancellationToken),
        PersonType.Guardian => access.Reachable(db.Guardians.AsNoTracking(), caller, Permissions.GuardiansView)
            .Where(p => p.Id == id && (includeArchived || p.ArchivedAt == null))
            .Select(AccountPeople.Guardian)
            .FirstOrDefaultAsync(cancellationToken),
        _ => access.Reachable(db.Students.AsNoTracking(), caller, Permissions.StudentsView)
            .Where(p => p.Id == id && (includeArchived || p.ArchivedAt == null))
            .Select(AccountPeople.Student)
            .FirstOrDefaultAsync(cancellationToken),
    };

    /// <summary>
    /// Links the person to the account (tracked, so the trail has it, and saved with the record's version: two
    /// invitations at once cannot both link), unless someone linked another account meanwhile (false).
    /// </summary>
    private Task<bool> LinkAsync(PersonType type, int id, Guid userId, CancellationToken cancellationToken) => type switch
    {
        PersonType.Staff => LinkAsync<Lyceum.Modules.Staff.StaffMember>(id, userId, cancellationToken),
        PersonType.Guardian => LinkAsync<Lyceum.Modules.Students.Guardian>(id, userId, cancellationToken),
        _ => LinkAsync<Lyceum.Modules.Students.Student>(id, userId, cancellationToken),
    };

    private async Task<bool> LinkAsync<T>(int id, Guid userId, CancellationToken cancellationToken)
        where T : Entity, IPerson
    {
        var person = await db.Set<T>().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (person is null || person.UserId is not null)
        {
            return false;
        }

        person.UserId = userId;
        return true;
    }

    private async Task<(string Url, DateTime ExpiresAt)> LinkFor(LyceumUser user, Uri site)
    {
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var url = new Uri(site, $"/set-password?user={user.Id}&token={Uri.EscapeDataString(token)}");
        return (url.ToString(), clock.GetUtcNow().UtcDateTime + tokens.Value.TokenLifespan);
    }

    private static string Noun(PersonType type) => type switch
    {
        PersonType.Staff => "staff member",
        PersonType.Guardian => "guardian",
        _ => "student",
    };
}
