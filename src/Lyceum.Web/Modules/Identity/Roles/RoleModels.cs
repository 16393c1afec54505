using System.Text.Json.Serialization;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Identity.Roles;

/// <summary>One grant of a role: a permission and the records it reaches.</summary>
public sealed record GrantItem(string Permission, AccessScope Scope, int? SchoolId, int? DepartmentId);

/// <summary>A role with its grants and how many accounts hold it.</summary>
public sealed record RoleDetails(Guid Id, string Name, string? Description, bool Preset, int Holders, IReadOnlyList<GrantItem> Grants)
{
    /// <summary>The role's concurrency stamp, sent as the ETag header.</summary>
    [JsonIgnore]
    public Guid Version { get; init; }
}

/// <summary>A role as a client sends it: the whole role (PUT replaces the grants).</summary>
public sealed record RoleRequest(string? Name, string? Description, IReadOnlyList<GrantRequest?>? Grants);

public sealed record GrantRequest(string? Permission, AccessScope? Scope, int? SchoolId, int? DepartmentId);

/// <summary>What the role use cases share: reading a role, checking a request, and the rule that someone keeps <c>roles.manage</c>.</summary>
public static class RoleRules
{
    public const int MaxGrants = 300;

    public static async Task<RoleDetails?> ReadAsync(LyceumDbContext db, Guid id, CancellationToken cancellationToken) =>
        (await ReadAsync(db, db.Roles.Where(r => r.Id == id), cancellationToken)).SingleOrDefault();

    /// <summary>The roles of <paramref name="roles"/> as the API shows them: holders, sorted grants and version.</summary>
    public static async Task<IReadOnlyList<RoleDetails>> ReadAsync(LyceumDbContext db, IQueryable<LyceumRole> roles, CancellationToken cancellationToken)
    {
        var rows = await roles.AsNoTracking()
            .Select(r => new { r.Id, r.Name, r.Description, r.IsPreset, r.ConcurrencyStamp, Holders = db.UserRoles.Count(ur => ur.RoleId == r.Id) })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var grants = (await db.RoleGrants.AsNoTracking().Where(g => ids.Contains(g.RoleId)).ToListAsync(cancellationToken)).ToLookup(g => g.RoleId);
        return
        [
            .. rows.Select(r => new RoleDetails(r.Id, r.Name!, r.Description, r.IsPreset, r.Holders,
                Sorted(grants[r.Id].Select(g => new GrantItem(g.Permission, g.Scope, g.SchoolId, g.DepartmentId))))
            {
                Version = VersionOf(r.ConcurrencyStamp),
            }),
        ];
    }

    public static IReadOnlyList<GrantItem> Sorted(IEnumerable<GrantItem> grants) =>
        [.. grants.OrderBy(g => g.Permission, StringComparer.Ordinal).ThenBy(g => g.Scope).ThenBy(g => g.SchoolId).ThenBy(g => g.DepartmentId)];

    public static Guid VersionOf(string? stamp) => Guid.TryParse(stamp, out var version) ? version : Guid.Empty;

    /// <summary>Checks a role request; on success returns its grants without duplicates.</summary>
    public static async Task<Result<GrantItem[]>> ValidateAsync(
        LyceumDbContext db, RoleRequest request, Guid? existingId, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name, 100);
        errors.MaxLength("description", request.Description, 500);
        if (!string.IsNullOrWhiteSpace(request.Name) && request.Name.Trim().Length <= 100)
        {
            var normalized = Normalize(request.Name);
            if (await db.Roles.AnyAsync(r => r.NormalizedName == normalized && r.Id != existingId, cancellationToken))
            {
                errors.Add("name", $"There is already a role named '{request.Name.Trim()}'.");
            }
        }

        if (request.Grants is null)
        {
            errors.Add("grants", "This field is required (an empty list is a role that grants nothing).");
            return errors.ToError();
        }

        if (request.Grants.Count > MaxGrants)
        {
            errors.Add("grants", $"A role has at most {MaxGrants} grants.");
            return errors.ToError();
        }

        var grants = new List<GrantItem>();
        for (var i = 0; i < request.Grants.Count; i++)
        {
            var field = $"grants[{i}]";
            if (request.Grants[i] is not { } grant)
            {
                errors.Add(field, "Must be a grant: {\"permission\", \"scope\"}.");
                continue;
            }

            var info = Permissions.Find(grant.Permission?.Trim());
            if (info is null)
            {
                errors.Add($"{field}.permission", string.IsNullOrWhiteSpace(grant.Permission)
                    ? "This field is required."
                    : "Is not a known permission. GET /api/v1/permissions lists them.");
            }

            if (grant.Scope is not { } scope)
            {
                errors.Add($"{field}.scope", "This field is required: school, department, ownSections, ownChildren or self.");
                continue;
            }

            if (info is not null && !info.Scopes.Contains(scope))
            {
                errors.Add($"{field}.scope", $"{info.Name} can be granted only with scope {string.Join(" or ", info.Scopes.Select(Camel))}.");
            }

            if (grant.SchoolId is not null && scope != AccessScope.School)
            {
                errors.Add($"{field}.schoolId", "Only a grant with scope school names a school.");
            }
            else if (grant.SchoolId is not null && info is { InstallWide: true })
            {
                errors.Add($"{field}.schoolId", $"{info.Name} acts on the whole install: it cannot be limited to one school.");
            }
            else if (grant.SchoolId is { } school && !await db.Schools.AnyAsync(s => s.Id == school, cancellationToken))
            {
                errors.Add($"{field}.schoolId", $"There is no school {school}.");
            }

            if (grant.DepartmentId is not null && scope != AccessScope.Department)
            {
                errors.Add($"{field}.departmentId", "Only a grant with scope department names a department.");
            }
            else if (grant.DepartmentId is { } department && !await db.Departments.AnyAsync(d => d.Id == department, cancellationToken))
            {
                errors.Add($"{field}.departmentId", $"There is no department {department}.");
            }

            if (info is not null)
            {
                grants.Add(new GrantItem(info.Name, scope, grant.SchoolId, grant.DepartmentId));
            }
        }

        return errors.Any ? errors.ToError() : grants.Distinct().ToArray();
    }

    /// <summary>
    /// After a change to roles or their holders, and before it commits: refuses a change that would leave no account
    /// able to manage roles for every school, which no one could undo.
    /// </summary>
    public static async Task<Error?> SomeoneStillManagesRolesAsync(LyceumDbContext db, CancellationToken cancellationToken)
    {
        var anyone = await db.UserRoles
            .Where(ur => db.Users.Any(u => u.Id == ur.UserId && u.DeactivatedAt == null))
            .Join(db.RoleGrants, ur => ur.RoleId, g => g.RoleId, (ur, g) => g)
            .AnyAsync(g => g.Permission == Permissions.RolesManage && g.Scope == AccessScope.School && g.SchoolId == null, cancellationToken);
        return anyone
            ? null
            : new Error.Conflict("This change would leave no account that can manage roles for every school. Give roles.manage to another account first.");
    }

    public static string Normalize(string name) => name.Trim().ToUpperInvariant();

    /// <summary>
    /// Serialises every change to roles and their holders, so that the <see cref="SomeoneStillManagesRolesAsync"/>
    /// check cannot pass in two transactions that together remove the last managers. SQLite's write transactions are
    /// serial already; PostgreSQL takes a transaction-scoped advisory lock.
    /// </summary>
    public static async Task LockAsync(LyceumDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(20261125)", cancellationToken);
        }
    }

    private static string Camel(AccessScope scope) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(scope.ToString());
}
