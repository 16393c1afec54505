using Lyceum.Modules.Gradebook.Demo;
using Lyceum.Modules.Gradebook.EnterMarks;
using Lyceum.Modules.Gradebook.Scales;
using Lyceum.Modules.Gradebook.Setup;
using Lyceum.Modules.Gradebook.StudentGrades;
using Lyceum.Modules.Gradebook.TermGrades;
using Lyceum.Platform.Demo;
using Lyceum.Platform.Startup;

namespace Lyceum.Modules.Gradebook;

public static class GradebookModule
{
    /// <summary>Grading scales, section gradebooks (categories, assessments, marks), term grades, publishing, a student's grades, the demo's term of marks.</summary>
    public static IServiceCollection AddGradebookModule(this IServiceCollection services) =>
        services
            .AddScoped<GradebookAccess>()
            .AddScoped<GradeScalesHandler>()
            .AddScoped<GradebookHandler>()
            .AddScoped<GradebookSetupHandler>()
            .AddScoped<TermGradesHandler>()
            .AddScoped<StudentGradesHandler>()
            .AddStartupTask<EnsureGradeScales>()
            .AddSingleton<IDemoContributor, GradebookDemo>();
}
