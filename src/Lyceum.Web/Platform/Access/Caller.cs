using Lyceum.Platform.Identity;

namespace Lyceum.Platform.Access;

/// <summary>One permission a caller holds, with the scope of the role grant it came from.</summary>
public sealed record AccessGrant(string Permission, AccessScope Scope, int? SchoolId = null, int? DepartmentId = null)
{
    /// <summary>A school-scoped grant without a school: every record of every school.</summary>
    public bool IsUnlimited => Scope == AccessScope.School && SchoolId is null;
}

/// <summary>
/// Who is asking and what they may do: every grant of every role the account holds, read from the database for the
/// request (so role changes take effect at once). Made by <see cref="AccessService"/>; handlers take it as a parameter
/// so the API and the pages pass the same thing.
/// </summary>
public sealed class Caller(Guid? userId, string name, IReadOnlyList<AccessGrant> grants, IReadOnlyList<int> departmentIds, string? displayName = null)
{
    /// <summary>Nobody: no account and no grants.</summary>
    public static readonly Caller Anonymous = new(null, "anonymous", [], []);

    public Guid? UserId { get; } = userId;

    /// <summary>The account's e-mail (its id when it has none): what the audit trail records as the actor.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// The person's name as colleagues know it ("Ms Ada Lovelace"), for what people read, such as who took a register;
    /// <see cref="Name"/> when the account has none.
    /// </summary>
    public string DisplayName { get; } = string.IsNullOrWhiteSpace(displayName) ? name : displayName;

    public IReadOnlyList<AccessGrant> Grants { get; } = grants;

    /// <summary>
    /// The departments of the staff records linked to the account: what a department grant without a department
    /// reaches. Read only when such a grant exists. The other narrow scopes follow the account's links in the query.
    /// </summary>
    public IReadOnlyList<int> DepartmentIds { get; } = departmentIds;

    /// <summary>Whether any role grants <paramref name="permission"/> in any scope (no: 403).</summary>
    public bool Can(string permission) => Grants.Any(g => g.Permission == permission);

    /// <summary>Whether a grant of <paramref name="permission"/> reaches every record, so no scope filter is needed.</summary>
    public bool CanEverywhere(string permission) => Grants.Any(g => g.Permission == permission && g.IsUnlimited);

    public IEnumerable<AccessGrant> GrantsOf(string permission) => Grants.Where(g => g.Permission == permission);

    /// <summary>
    /// A key for what this caller's grants of <paramref name="permission"/> reach: equal for two callers whose grants
    /// reach the same records, so a result computed for one may be cached for the other. Narrow scopes follow the
    /// account's own links, so they make the key the account's own.
    /// </summary>
    public string ReachKey(string permission)
    {
        if (CanEverywhere(permission))
        {
            return "*";
        }

        return string.Join(";", GrantsOf(permission)
            .Select(g => g.Scope switch
            {
                AccessScope.School => $"s{g.SchoolId}",
                AccessScope.Department when g.DepartmentId is { } department => $"d{department}",
                AccessScope.Department => $"d[{string.Join(",", DepartmentIds.Order())}]",
                _ => $"{g.Scope}:{UserId}",
            })
            .Distinct()
            .Order(StringComparer.Ordinal));
    }

    /// <summary>Lets a minimal API endpoint take a <see cref="Caller"/> parameter.</summary>
    public static async ValueTask<Caller?> BindAsync(HttpContext context) =>
        await context.RequestServices.GetRequiredService<AccessService>().CallerAsync(context);
}
