using Lyceum.Modules.Students.EditStudent;
using Lyceum.Modules.Students.GetStudent;
using Lyceum.Modules.Students.ListStudents;
using Lyceum.Platform.Access;

namespace Lyceum.Modules.Students;

public static class StudentsModule
{
    public static IServiceCollection AddStudentsModule(this IServiceCollection services)
    {
        services.AddSingleton<ScopeRules<Student>, StudentScopes>();
        services.AddSingleton<ScopeRules<Guardian>, GuardianScopes>();
        services.AddMemoryCache();
        services.AddScoped<ListStudentsHandler>();
        services.AddScoped<GetStudentHandler>();
        services.AddScoped<EditStudentHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapStudentsEndpoints(this IEndpointRouteBuilder api)
    {
        var students = api.MapGroup("/students").WithTags("Students");
        students.MapListStudents();
        students.MapGetStudent();
        students.MapEditStudent();
        return api;
    }
}
