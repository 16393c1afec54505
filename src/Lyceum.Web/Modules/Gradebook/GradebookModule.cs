using Lyceum.Modules.Gradebook.Demo;
using Lyceum.Modules.Gradebook.EnterMarks;
using Lyceum.Modules.Gradebook.ReportCards;
using Lyceum.Modules.Gradebook.Scales;
using Lyceum.Modules.Gradebook.Setup;
using Lyceum.Modules.Gradebook.StudentGrades;
using Lyceum.Modules.Gradebook.TermGrades;
using Lyceum.Platform.Demo;
using Lyceum.Platform.Startup;

namespace Lyceum.Modules.Gradebook;

public static class GradebookModule
{
    /// <summary>Grading scales, section gradebooks (categories, assessments, marks), term grades, publishing, a student's grades, the demo's term of marks, report cards.</summary>
    public static IServiceCollection AddGradebookModule(this IServiceCollection services)
    {
        // PDFsharp takes one font resolver per process, before its first font: set it at start, not on the first report.
        ReportCardFonts.Install();
        return services
            .AddScoped<GradebookAccess>()
            .AddScoped<GradeScalesHandler>()
            .AddScoped<GradebookHandler>()
            .AddScoped<GradebookSetupHandler>()
            .AddScoped<TermGradesHandler>()
            .AddScoped<StudentGradesHandler>()
            .AddScoped<ReportCardsHandler>()
            .AddScoped<ReportCardTemplatesHandler>()
            .AddStartupTask<EnsureGradeScales>()
            .AddSingleton<IDemoContributor, GradebookDemo>();
    }

}
