using System.Linq.Expressions;
using System.Security.Claims;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Access;

/// <summary>
/// The one authorization service: endpoints (through their permission policy) and, later, pages ask it whether the
/// caller holds a permission at all (no: 403), and it narrows every query to the records the caller's grants reach
/// (a record outside them is not found: 404).
/// </summary>
public sealed class AccessService(IDbContextFactory<LyceumDbContext> contexts, IServiceProvider services)
{
    private static readonly object ItemKey = new();

    /// <summary>The caller of this request, read once and kept for the rest of it.</summary>
    public async Task<Caller> CallerAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var cached) && cached is Caller caller)
        {
            return caller;
        }

        caller = await CallerAsync(http.User, http.RequestAborted);
        http.Items[ItemKey] = caller;
        return caller;
    }

    public async Task<Caller> CallerAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (principal.Identity?.IsAuthenticated != true || !Guid.TryParse(principal.FindFirstValue("sub"), out var id))
        {
            return Caller.Anonymous;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var grants = await db.UserRoles.AsNoTracking()
            .Where(ur => ur.UserId == id)
            .Join(db.RoleGrants, ur => ur.RoleId, g => g.RoleId, (ur, g) => new { g.Permission, g.Scope, g.SchoolId, g.DepartmentId })
            .ToListAsync(cancellationToken);
        var distinct = grants.Select(g => new AccessGrant(g.Permission, g.Scope, g.SchoolId, g.DepartmentId)).Distinct().ToList();

        // The people an account is linked to matter only to the narrower scopes: an administrator's request skips this.
        var links = PersonLinks.None;
        if (distinct.Any(g => !g.IsUnlimited))
        {
            links = await db.Users.AsNoTracking().Where(u => u.Id == id)
                .Select(u => new PersonLinks(
                    db.Staff.Where(s => s.UserId == id).Select(s => (int?)s.Id).FirstOrDefault(),
                    db.Staff.Where(s => s.UserId == id).Select(s => (int?)s.SchoolId).FirstOrDefault(),
                    db.Staff.Where(s => s.UserId == id).Select(s => s.DepartmentId).FirstOrDefault(),
                    db.Guardians.Where(g => g.UserId == id).Select(g => (int?)g.Id).FirstOrDefault(),
                    db.Students.Where(s => s.UserId == id).Select(s => (int?)s.Id).FirstOrDefault()))
                .FirstOrDefaultAsync(cancellationToken) ?? PersonLinks.None;
        }

        var name = principal.FindFirstValue("email") is { Length: > 0 } email ? email : id.ToString();
        return new Caller(id, name, distinct, links);
    }

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
                reach = reach is null ? rows : Or(reach, rows);
            }
        }

        return query.Where(reach ?? (_ => false));
    }

    private static Expression<Func<T, bool>> Or<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right)
    {
        var row = left.Parameters[0];
        var rightBody = new Rebind(right.Parameters[0], row).Visit(right.Body);
        return Expression.Lambda<Func<T, bool>>(Expression.OrElse(left.Body, rightBody), row);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
