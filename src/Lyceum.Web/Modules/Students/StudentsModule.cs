using Lyceum.Modules.Students.EditStudent;
using Lyceum.Modules.Students.GetStudent;
using Lyceum.Modules.Students.Guardians;
using Lyceum.Modules.Students.ListStudents;
using Lyceum.Modules.Students.ManageStudents;
using Lyceum.Modules.Students.RollForward;
using Lyceum.Platform.Access;
using Lyceum.Platform.Records;

namespace Lyceum.Modules.Students;

public static class StudentsModule
{
    private static readonly GuardianKind Guardians = new();

    public static IServiceCollection AddStudentsModule(this IServiceCollection services)
    {
        services.AddSingleton<ScopeRules<Student>, StudentScopes>();
        services.AddSingleton<ScopeRules<Guardian>, GuardianScopes>();
        services.AddMemoryCache();
        services.AddScoped<ListStudentsHandler>();
        services.AddScoped<GetStudentHandler>();
        services.AddScoped<EditStudentHandler>();
        services.AddScoped<ManageStudentsHandler>();
        services.AddScoped<RollForwardHandler>();
        return services.AddRecordKind(Guardians);
    }

    public static IEndpointRouteBuilder MapStudentsEndpoints(this IEndpointRouteBuilder api)
    {
        var students = api.MapGroup("/students").WithTags("Students");
        students.MapListStudents();
        students.MapGetStudent();
        students.MapEditStudent();
        students.MapManageStudents();
        students.MapRollForward();
        api.MapRecords(Guardians);
        return api;
    }
}
