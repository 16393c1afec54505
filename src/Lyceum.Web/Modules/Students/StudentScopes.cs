using System.Linq.Expressions;
using Lyceum.Platform.Access;

namespace Lyceum.Modules.Students;

/// <summary>
/// Which students a grant reaches: a school's; those in a current section of a department's courses; those in the
/// holder's current sections; the holder's children; the holder as a student.
/// </summary>
public sealed class StudentScopes : ScopeRules<Student>
{
    protected override Expression<Func<Student, bool>> InSchool(int schoolId) => s => s.SchoolId == schoolId;

    protected override Expression<Func<Student, bool>> InDepartment(int departmentId) =>
        s => s.Enrollments.Any(e => e.WithdrawnOn == null && e.Section!.Course!.DepartmentId == departmentId);

    protected override Expression<Func<Student, bool>> InSectionsOf(int staffId) =>
        s => s.Enrollments.Any(e => e.WithdrawnOn == null && e.Section!.TeacherId == staffId);

    protected override Expression<Func<Student, bool>> ChildrenOf(int guardianId) =>
        s => s.Guardians.Any(g => g.GuardianId == guardianId);

    protected override Expression<Func<Student, bool>>? Self(Caller caller) =>
        caller.Links.StudentId is { } id ? s => s.Id == id : null;
}
