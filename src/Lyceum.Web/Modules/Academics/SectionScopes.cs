using System.Linq.Expressions;
using Lyceum.Modules.Academics.Enrollments;
using Lyceum.Modules.Academics.Timetable;
using Lyceum.Platform.Access;
using Lyceum.Platform.Records;

namespace Lyceum.Modules.Academics;

/// <summary>
/// Which sections (classes, and with them timetables) a grant reaches: a school's; a department's; those the holder
/// teaches (as lead or co-teacher); those the holder's children are enrolled in; those the holder is enrolled in.
/// </summary>
public sealed class SectionScopes : ScopeRules<Section>
{
    protected override Expression<Func<Section, bool>> InSchool(int schoolId) => s => s.Course!.SchoolId == schoolId;

    protected override Expression<Func<Section, bool>> InDepartment(int departmentId) => s => s.Course!.DepartmentId == departmentId;

    protected override Expression<Func<Section, bool>> InSectionsOf(Guid userId) =>
        s => s.Teacher!.UserId == userId || s.CoTeachers.Any(c => c.StaffMember!.UserId == userId);

    protected override Expression<Func<Section, bool>> ChildrenOf(Guid userId) =>
        s => s.Enrollments.Any(e => e.WithdrawnOn == null && e.Student!.Guardians.Any(g => g.Guardian!.UserId == userId));

    protected override Expression<Func<Section, bool>> Self(Guid userId) =>
        s => s.Enrollments.Any(e => e.WithdrawnOn == null && e.Student!.UserId == userId);
}

/// <summary>Which courses a grant reaches: a school's, or a department's.</summary>
public sealed class CourseScopes : ScopeRules<Course>
{
    protected override Expression<Func<Course, bool>> InSchool(int schoolId) => c => c.SchoolId == schoolId;

    protected override Expression<Func<Course, bool>> InDepartment(int departmentId) => c => c.DepartmentId == departmentId;
}

public static class AcademicsModule
{
    private static readonly CourseKind Courses = new();
    private static readonly SectionKind Sections = new();

    /// <summary>
    /// Courses and sections (with their weekly meetings) as reference records, the access rules for them, enrolments
    /// and the timetables (week grids) of students, staff, rooms and sections.
    /// </summary>
    public static IServiceCollection AddAcademicsModule(this IServiceCollection services) =>
        services
            .AddSingleton<ScopeRules<Section>, SectionScopes>()
            .AddSingleton<ScopeRules<Course>, CourseScopes>()
            .AddRecordKind(Courses)
            .AddRecordKind(Sections)
            .AddScoped<EnrollmentsHandler>()
            .AddScoped<GetTimetableHandler>();

    public static IEndpointRouteBuilder MapAcademicsEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapRecords(Courses);
        api.MapRecords(Sections);
        return api.MapEnrollmentsEndpoints().MapGetTimetable();
    }
}
