using System.Linq.Expressions;
using Lyceum.Modules.Identity.Accounts;
using Lyceum.Modules.Identity.UserRoles;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.ListAccounts;

/// <summary>
/// A row of the accounts list. <c>person</c> is the staff member, guardian or student the account belongs to (null
/// for an account linked to nobody, such as the installation's administrator). The last sign-in is not recorded.
/// </summary>
public sealed record AccountListItem(
    Guid Id,
    string Email,
    string DisplayName,
    IReadOnlyList<RoleRef> Roles,
    AccountListPerson? Person,
    bool HasPassword,
    DateTime? DeactivatedAt,
    DateTime CreatedAt);

public sealed record AccountListPerson(PersonType Type, int Id, string Name);

/// <summary>The filters of the accounts list, as the query string gives them (parsed here for field-level errors).</summary>
public sealed record AccountFilter(string? RoleId = null, string? PersonType = null, string? Status = null);

/// <summary>
/// Pages through every account. <c>users.view</c> is install-wide (a grant for one school cannot be made), so there is
/// no scope to narrow by: an account is the install's, not a school's.
/// </summary>
public sealed class ListAccountsHandler(IDbContextFactory<LyceumDbContext> contexts)
{
    private static readonly Dictionary<string, Expression<Func<LyceumUser, object?>>> SortFields = new(StringComparer.Ordinal)
    {
        ["displayName"] = u => u.DisplayName,
        // The normalized address (upper case, as Identity looks it up) sorts alike on both databases.
        ["email"] = u => u.NormalizedEmail ?? string.Empty,
        ["createdAt"] = u => u.CreatedAt,
    };

    private static readonly SortField[] DefaultSort = [new("displayName", false), new("email", false)];

    public static IReadOnlyCollection<string> Sortable => SortFields.Keys;

    public static readonly IReadOnlyList<string> PersonTypes = ["staff", "guardian", "student", "none"];

    public static readonly IReadOnlyList<string> Statuses = ["active", "deactivated"];

    public async Task<Result<PagedResult<AccountListItem>>> HandleAsync(
        Caller caller, ListQuery query, AccountFilter filter, CancellationToken cancellationToken)
    {
        if (!caller.CanEverywhere(Permissions.UsersView))
        {
            return new Error.Forbidden("The list of accounts needs users.view.");
        }

        // Every bad parameter at once, each under its own name.
        var errors = new FieldErrors();
        var parsed = query.Parse(Sortable);
        if (parsed.Error is Error.Validation invalid)
        {
            foreach (var (field, messages) in invalid.Errors)
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }
        }

        Guid? roleId = null;
        if (!string.IsNullOrWhiteSpace(filter.RoleId))
        {
            if (Guid.TryParse(filter.RoleId.Trim(), out var id))
            {
                roleId = id;
            }
            else
            {
                errors.Add("roleId", "Must be a role id (a GUID).");
            }
        }

        var personType = OneOf(errors, "personType", filter.PersonType, PersonTypes);
        var status = OneOf(errors, "status", filter.Status, Statuses);
        if (errors.Any)
        {
            return errors.ToError();
        }

        var request = parsed.Value!;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var users = db.Users.AsNoTracking();
        if (roleId is { } role)
        {
            users = users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == role));
        }

        users = personType switch
        {
            "staff" => users.Where(u => db.Staff.Any(p => p.UserId == u.Id)),
            "guardian" => users.Where(u => db.Guardians.Any(p => p.UserId == u.Id)),
            "student" => users.Where(u => db.Students.Any(p => p.UserId == u.Id)),
            "none" => users.Where(u => !db.Staff.Any(p => p.UserId == u.Id) && !db.Guardians.Any(p => p.UserId == u.Id) && !db.Students.Any(p => p.UserId == u.Id)),
            _ => users,
        };
        users = status switch
        {
            "active" => users.Where(u => u.DeactivatedAt == null),
            "deactivated" => users.Where(u => u.DeactivatedAt != null),
            _ => users,
        };

        if (request.Q is { } q)
        {
            // Each word must match the address, the account's name, or the name (or number, or e-mail) of the person
            // behind it. People's texts are folded in .NET (see ISearchable), so accented and Greek names match alike
            // on both databases; the account's own name goes through the database's lower(), which SQLite knows only
            // for ASCII — an invited account carries its person's name, which the people's texts cover.
            foreach (var term in SearchFolding.Terms(q))
            {
                var pattern = $"%{Like.Escape(term)}%";
                var upper = $"%{Like.Escape(term.ToUpperInvariant())}%";
                users = users.Where(u =>
                    EF.Functions.Like(u.NormalizedEmail!, upper, Like.EscapeCharacter)
                    || EF.Functions.Like(u.DisplayName.ToLower(), pattern, Like.EscapeCharacter)
                    || db.Staff.Any(p => p.UserId == u.Id && EF.Functions.Like(p.SearchText, pattern, Like.EscapeCharacter))
                    || db.Guardians.Any(p => p.UserId == u.Id && EF.Functions.Like(p.SearchText, pattern, Like.EscapeCharacter))
                    || db.Students.Any(p => p.UserId == u.Id && EF.Functions.Like(p.SearchText, pattern, Like.EscapeCharacter)));
            }
        }

        var total = await users.CountAsync(cancellationToken);
        var page = await users
            .SortBy(request.Sort, SortFields, DefaultSort, u => u.Id)
            .Skip(request.Skip)
            .Take(request.PageSize)
            .Select(u => new { u.Id, u.Email, u.DisplayName, HasPassword = u.PasswordHash != null, u.DeactivatedAt, u.CreatedAt })
            .ToListAsync(cancellationToken);
        if (page.Count == 0)
        {
            return new PagedResult<AccountListItem>([], request.Page, request.PageSize, total);
        }

        var ids = page.Select(u => u.Id).ToList();
        var roles = (await db.UserRoles.AsNoTracking().Where(ur => ids.Contains(ur.UserId))
                .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, Role = new RoleRef(r.Id, r.Name!) })
                .ToListAsync(cancellationToken))
            .ToLookup(r => r.UserId, r => r.Role);
        var people = await PeopleAsync(db, ids, cancellationToken);

        return new PagedResult<AccountListItem>(
            [
                .. page.Select(u => new AccountListItem(
                    u.Id, u.Email ?? string.Empty, u.DisplayName,
                    [.. roles[u.Id].OrderBy(r => r.Name, StringComparer.Ordinal)],
                    people.GetValueOrDefault(u.Id), u.HasPassword, u.DeactivatedAt, u.CreatedAt)),
            ],
            request.Page, request.PageSize, total);
    }

    /// <summary>Every role by name, for the list's filter: role names are no secret to whoever sees accounts and their roles.</summary>
    public async Task<IReadOnlyList<RoleRef>> RolesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var roles = await db.Roles.AsNoTracking().Select(r => new { r.Id, r.Name, r.IsPreset }).ToListAsync(cancellationToken);
        return
        [
            .. roles.OrderBy(r => r.IsPreset ? RoleNames.Presets.ToList().IndexOf(r.Name!) : int.MaxValue)
                .ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)
                .Select(r => new RoleRef(r.Id, r.Name!)),
        ];
    }

    /// <summary>
    /// The person behind each account of the page. Invitations link one person to a new account, so there is one;
    /// should an account be linked to several, staff comes before guardian before student, then the oldest record.
    /// Archived people count: their account is still theirs.
    /// </summary>
    private static async Task<Dictionary<Guid, AccountListPerson>> PeopleAsync(LyceumDbContext db, List<Guid> ids, CancellationToken cancellationToken)
    {
        var linked = new List<AccountPerson>();
        linked.AddRange(await db.Staff.AsNoTracking().Where(p => p.UserId != null && ids.Contains(p.UserId.Value)).Select(AccountPeople.Staff).ToListAsync(cancellationToken));
        linked.AddRange(await db.Guardians.AsNoTracking().Where(p => p.UserId != null && ids.Contains(p.UserId.Value)).Select(AccountPeople.Guardian).ToListAsync(cancellationToken));
        linked.AddRange(await db.Students.AsNoTracking().Where(p => p.UserId != null && ids.Contains(p.UserId.Value)).Select(AccountPeople.Student).ToListAsync(cancellationToken));
        return linked
            .GroupBy(p => p.UserId!.Value)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Type).ThenBy(p => p.Id).Select(p => new AccountListPerson(p.Type, p.Id, p.Name)).First());
    }

    /// <summary>One of the allowed words (any case), or null when none was given; an unknown one is an error naming the field.</summary>
    private static string? OneOf(FieldErrors errors, string field, string? text, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var known = allowed.FirstOrDefault(a => string.Equals(a, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (known is null)
        {
            errors.Add(field, $"Must be one of: {string.Join(", ", allowed)}.");
        }

        return known;
    }
}
