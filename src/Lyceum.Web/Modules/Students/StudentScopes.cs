using System.Linq.Expressions;
using Lyceum.Platform.Access;

namespace Lyceum.Modules.Students;

/// <summary>
/// Which students a grant reaches: a school's; those with an active enrolment in a section of a department's courses;
/// those with an active enrolment in the holder's sections; the holder's children; the holder as a student.
/// </summary>
public sealed class StudentScopes : ScopeRules<Student>
{
    protected override Expression<Func<Student, bool>> InSchool(int schoolId) => s => s.SchoolId == schoolId;

    protected override Expression<Func<Student, bool>> InDepartment(int departmentId) =>
        s => s.Enrollments.Any(e => e.WithdrawnOn == null && e.Section!.Course!.DepartmentId == departmentId);

    /// <summary>The students of the holder's classes and, for a tutor, their tutees (booked into one of their sessions).</summary>
    protected override Expression<Func<Student, bool>> InSectionsOf(Guid userId) =>
        s => s.Enrollments.Any(
                 e => e.WithdrawnOn == null && (e.Section!.Teacher!.UserId == userId || e.Section.CoTeachers.Any(c => c.StaffMember!.UserId == userId)))
             || s.TutoringSessions.Any(t => t.Session!.Tutor!.UserId == userId);

    protected override Expression<Func<Student, bool>> ChildrenOf(Guid userId) =>
        s => s.Guardians.Any(g => g.Guardian!.UserId == userId);

    protected override Expression<Func<Student, bool>> Self(Guid userId) => s => s.UserId == userId;
}

/// <summary>
/// Which guardians a grant reaches: a school's; those of students the department or the holder teaches; those of the
/// holder's children (the holder and the children's other guardians); the holder as a guardian.
/// </summary>
public sealed class GuardianScopes : ScopeRules<Guardian>
{
    protected override Expression<Func<Guardian, bool>> InSchool(int schoolId) => g => g.SchoolId == schoolId;

    protected override Expression<Func<Guardian, bool>> InDepartment(int departmentId) =>
        g => g.Students.Any(l => l.Student!.Enrollments.Any(e => e.WithdrawnOn == null && e.Section!.Course!.DepartmentId == departmentId));

    protected override Expression<Func<Guardian, bool>> InSectionsOf(Guid userId) =>
        g => g.Students.Any(l => l.Student!.Enrollments.Any(
            e => e.WithdrawnOn == null && (e.Section!.Teacher!.UserId == userId || e.Section.CoTeachers.Any(c => c.StaffMember!.UserId == userId))));

    protected override Expression<Func<Guardian, bool>> ChildrenOf(Guid userId) =>
        g => g.Students.Any(l => l.Student!.Guardians.Any(o => o.Guardian!.UserId == userId));

    protected override Expression<Func<Guardian, bool>> Self(Guid userId) => g => g.UserId == userId;
}
