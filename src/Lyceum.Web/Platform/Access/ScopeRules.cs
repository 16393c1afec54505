using System.Linq.Expressions;
using Lyceum.Platform.Identity;

namespace Lyceum.Platform.Access;

/// <summary>
/// What each scope means for the rows of one resource. A module registers one per resource it guards; the
/// <see cref="AccessService"/> combines the caller's grants through it. A scope the resource has no meaning for
/// (or that the caller has no link for, such as "own sections" for an account without a staff record) reaches nothing.
/// The narrow scopes follow the account's links (<c>UserId</c> on staff, guardian and student records) inside the
/// query, so an account linked to people in several schools reaches all of them.
/// </summary>
public abstract class ScopeRules<T>
{
    protected abstract Expression<Func<T, bool>> InSchool(int schoolId);

    protected virtual Expression<Func<T, bool>>? InDepartment(int departmentId) => null;

    /// <summary>Rows of the sections taught by the staff records linked to the account.</summary>
    protected virtual Expression<Func<T, bool>>? InSectionsOf(Guid userId) => null;

    /// <summary>Rows of the students whose guardian records are linked to the account.</summary>
    protected virtual Expression<Func<T, bool>>? ChildrenOf(Guid userId) => null;

    /// <summary>The rows of the person records linked to the account.</summary>
    protected virtual Expression<Func<T, bool>>? Self(Guid userId) => null;

    /// <summary>The rows <paramref name="grant"/> reaches for <paramref name="caller"/>, or null for none.</summary>
    public Expression<Func<T, bool>>? For(AccessGrant grant, Caller caller)
    {
        if (grant.Scope == AccessScope.School)
        {
            return grant.SchoolId is { } school ? InSchool(school) : _ => true;
        }

        if (grant.Scope == AccessScope.Department)
        {
            IEnumerable<int> departments = grant.DepartmentId is { } one ? [one] : caller.DepartmentIds;
            return departments.Select(InDepartment).Aggregate((Expression<Func<T, bool>>?)null, (all, next) =>
                next is null ? all : all is null ? next : Expressions.Or(all, next));
        }

        return caller.UserId is not { } user ? null : grant.Scope switch
        {
            AccessScope.OwnSections => InSectionsOf(user),
            AccessScope.OwnChildren => ChildrenOf(user),
            AccessScope.Self => Self(user),
            _ => null,
        };
    }
}

internal static class Expressions
{
    public static Expression<Func<T, bool>> Or<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right)
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
