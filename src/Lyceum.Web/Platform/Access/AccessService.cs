using System.Linq.Expressions;
using System.Security.Claims;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Access;

/// <summary>
/// The one authorization service: endpoints (through their permission policy) and, later, pages ask it whether the
/// caller holds a permission at all (no: 403), and it narrows every query to the records the caller's grants reach
/// (a record outside them is not found: 404).
/// </summary>
public sealed class AccessService(IDbContextFactory<LyceumDbContext> contexts, IServiceProvider services)
{
    /// <summary>The caller of this request, read once and kept for the rest of it (<see cref="CallerScope"/>).</summary>
    public Task<Caller> CallerAsync(HttpContext http) =>
        http.RequestServices.GetRequiredService<CallerScope>().CallerAsync(http.User);

    /// <summary>Reads the caller's grants now. Code running in a request or a circuit asks <see cref="CallerScope"/>.</summary>
    public async Task<Caller> CallerAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (AccountClaims.UserId(principal) is not { } id)
        {
            return Caller.Anonymous;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // A deactivated account holds nothing; a deleted or deactivated one is nobody (its session is refused).
        var grants = await db.UserRoles.AsNoTracking()
            .Where(ur => ur.UserId == id && db.Users.Any(u => u.Id == id && u.DeactivatedAt == null))
            .Join(db.RoleGrants, ur => ur.RoleId, g => g.RoleId, (ur, g) => new { g.Permission, g.Scope, g.SchoolId, g.DepartmentId })
            .ToListAsync(cancellationToken);
        if (grants.Count == 0 && !await db.Users.AnyAsync(u => u.Id == id && u.DeactivatedAt == null, cancellationToken))
        {
            return Caller.Anonymous;
        }

        var distinct = grants.Select(g => new AccessGrant(g.Permission, g.Scope, g.SchoolId, g.DepartmentId)).Distinct().ToList();

        // Only a department grant that names no department needs to know the account's own departments.
        IReadOnlyList<int> departments = [];
        if (distinct.Any(g => g is { Scope: AccessScope.Department, DepartmentId: null }))
        {
            departments = await db.Staff.AsNoTracking()
                .Where(s => s.UserId == id && s.DepartmentId != null)
                .Select(s => s.DepartmentId!.Value)
                .Distinct()
                .ToListAsync(cancellationToken);
        }

        return new Caller(id, AccountClaims.Label(principal, id), distinct, departments, AccountClaims.DisplayName(principal, id));
    }

    /// <summary>
    /// <paramref name="query"/> narrowed to the rows that every one of <paramref name="permissions"/> reaches: a write
    /// asks for its own permission and the view one, so that a record the caller may change but not see (or see but
    /// not change) is not found.
    /// </summary>
    public IQueryable<T> Reachable<T>(IQueryable<T> query, Caller caller, string permission, params string[] permissions) =>
        permissions.Aggregate(Reachable(query, caller, permission), (rows, next) => Reachable(rows, caller, next));

    /// <summary>
    /// <paramref name="query"/> narrowed to the rows that <paramref name="caller"/>'s grants of
    /// <paramref name="permission"/> reach: their union, through the resource's <see cref="ScopeRules{T}"/>.
    /// </summary>
    public IQueryable<T> Reachable<T>(IQueryable<T> query, Caller caller, string permission)
    {
        if (caller.CanEverywhere(permission))
        {
            return query;
        }

        var rules = services.GetRequiredService<ScopeRules<T>>();
        Expression<Func<T, bool>>? reach = null;
        foreach (var grant in caller.GrantsOf(permission))
        {
            if (rules.For(grant, caller) is { } rows)
            {
                reach = reach is null ? rows : Expressions.Or(reach, rows);
            }
        }

        return query.Where(reach ?? (_ => false));
    }
}
