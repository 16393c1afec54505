using Lyceum.Modules.Academics;
using Lyceum.Platform.Access;
using Lyceum.Platform.Records;

namespace Lyceum.Modules.Schools;

/// <summary>
/// The school's structure as reference records (<see cref="RecordKind{TEntity, TRequest, TView}"/>): schools, branches,
/// academic years and terms, rooms, the bell schedule and departments, each with the same list, read, create, edit,
/// archive, restore and delete endpoints under <c>/api/v1</c>. Viewing needs <c>school.view</c>, changing
/// <c>school.configure</c>, both in the school concerned.
/// </summary>
public static class SchoolsModule
{
    private static readonly SchoolKind Schools = new();
    private static readonly BranchKind Branches = new();
    private static readonly AcademicYearKind Years = new();
    private static readonly TermKind Terms = new();
    private static readonly RoomKind Rooms = new();
    private static readonly PeriodKind Periods = new();
    private static readonly DepartmentKind Departments = new();

    public static IServiceCollection AddSchoolsModule(this IServiceCollection services)
    {
        services.AddSingleton<ScopeRules<School>, SchoolScopes>();
        services.AddSingleton<ScopeRules<Branch>, SchoolOwnedScopes<Branch>>();
        services.AddSingleton<ScopeRules<AcademicYear>, SchoolOwnedScopes<AcademicYear>>();
        services.AddSingleton<ScopeRules<Term>, TermScopes>();
        services.AddSingleton<ScopeRules<Room>, SchoolOwnedScopes<Room>>();
        services.AddSingleton<ScopeRules<Period>, SchoolOwnedScopes<Period>>();
        services.AddSingleton<ScopeRules<Department>, SchoolOwnedScopes<Department>>();
        return services
            .AddRecordKind(Schools)
            .AddRecordKind(Branches)
            .AddRecordKind(Years)
            .AddRecordKind(Terms)
            .AddRecordKind(Rooms)
            .AddRecordKind(Periods)
            .AddRecordKind(Departments);
    }

    public static IEndpointRouteBuilder MapSchoolsEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapRecords(Schools);
        api.MapRecords(Branches);
        api.MapRecords(Years);
        api.MapRecords(Terms);
        api.MapRecords(Rooms);
        api.MapRecords(Periods);
        api.MapRecords(Departments);
        return api;
    }
}
