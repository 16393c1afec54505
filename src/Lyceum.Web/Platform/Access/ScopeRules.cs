using System.Linq.Expressions;
using Lyceum.Platform.Identity;

namespace Lyceum.Platform.Access;

/// <summary>
/// What each scope means for the rows of one resource. A module registers one per resource it guards; the
/// <see cref="AccessService"/> combines the caller's grants through it. A scope the resource has no meaning for
/// (or that the caller has no link for, such as "own sections" for an account without a staff record) reaches nothing.
/// </summary>
public abstract class ScopeRules<T>
{
    protected abstract Expression<Func<T, bool>> InSchool(int schoolId);

    protected virtual Expression<Func<T, bool>>? InDepartment(int departmentId) => null;

    protected virtual Expression<Func<T, bool>>? InSectionsOf(int staffId) => null;

    protected virtual Expression<Func<T, bool>>? ChildrenOf(int guardianId) => null;

    protected virtual Expression<Func<T, bool>>? Self(Caller caller) => null;

    /// <summary>The rows <paramref name="grant"/> reaches for <paramref name="caller"/>, or null for none.</summary>
    public Expression<Func<T, bool>>? For(AccessGrant grant, Caller caller) => grant.Scope switch
    {
        AccessScope.School => grant.SchoolId is { } school ? InSchool(school) : _ => true,
        AccessScope.Department => (grant.DepartmentId ?? caller.Links.StaffDepartmentId) is { } department
            ? InDepartment(department)
            : null,
        AccessScope.OwnSections => caller.Links.StaffId is { } staff ? InSectionsOf(staff) : null,
        AccessScope.OwnChildren => caller.Links.GuardianId is { } guardian ? ChildrenOf(guardian) : null,
        AccessScope.Self => Self(caller),
        _ => null,
    };
}
