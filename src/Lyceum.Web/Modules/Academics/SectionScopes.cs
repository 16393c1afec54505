using System.Linq.Expressions;
using Lyceum.Platform.Access;

namespace Lyceum.Modules.Academics;

/// <summary>
/// Which sections (classes, and with them timetables) a grant reaches: a school's; a department's; those the holder
/// teaches; those the holder's children are enrolled in; those the holder is enrolled in.
/// </summary>
public sealed class SectionScopes : ScopeRules<Section>
{
    protected override Expression<Func<Section, bool>> InSchool(int schoolId) => s => s.Course!.SchoolId == schoolId;

    protected override Expression<Func<Section, bool>> InDepartment(int departmentId) => s => s.Course!.DepartmentId == departmentId;

    protected override Expression<Func<Section, bool>> InSectionsOf(Guid userId) => s => s.Teacher!.UserId == userId;

    protected override Expression<Func<Section, bool>> ChildrenOf(Guid userId) =>
        s => s.Enrollments.Any(e => e.WithdrawnOn == null && e.Student!.Guardians.Any(g => g.Guardian!.UserId == userId));

    protected override Expression<Func<Section, bool>> Self(Guid userId) =>
        s => s.Enrollments.Any(e => e.WithdrawnOn == null && e.Student!.UserId == userId);
}

public static class AcademicsModule
{
    /// <summary>Sections, courses and the timetable: today only the access rules other modules filter with.</summary>
    public static IServiceCollection AddAcademicsModule(this IServiceCollection services) =>
        services.AddSingleton<ScopeRules<Section>, SectionScopes>();
}
