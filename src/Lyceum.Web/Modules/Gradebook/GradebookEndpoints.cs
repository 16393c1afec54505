using Lyceum.Modules.Gradebook.EnterMarks;
using Lyceum.Modules.Gradebook.ReportCards;
using Lyceum.Modules.Gradebook.Scales;
using Lyceum.Modules.Gradebook.Setup;
using Lyceum.Modules.Gradebook.StudentGrades;
using Lyceum.Modules.Gradebook.TermGrades;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Gradebook;

public static class GradebookEndpoints
{
    public static IEndpointRouteBuilder MapGradebookEndpoints(this IEndpointRouteBuilder api)
    {
        MapScales(api.MapGroup("/grading-scales").WithTags("Gradebook"));
        api.MapReportCards();
        var gradebook = api.MapGroup("").WithTags("Gradebook");

        gradebook.MapGet("/sections/{id:int}/gradebook", async Task<Results<Ok<GradebookView>, ProblemHttpResult>> (
                int id, Caller caller, GradebookHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.GradesView)
            .WithName("GetGradebook")
            .WithSummary("A section's gradebook: scale, categories, assessments, every student's marks and term grade, statistics")
            .WithDescription("Only for staff whose grades.view reaches the section (school, department, own sections); students and guardians " +
                "read /students/{id}/grades. Term grades are computed by one rule (see docs/ARCHITECTURE.md, Gradebook): points pooled per category, " +
                "weights as relative shares over the categories with marks, one rounding to one decimal at the end, half away from zero.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        gradebook.MapPut("/sections/{id:int}/gradebook/scale", async Task<Results<Ok<GradebookSettingsRequest>, ProblemHttpResult>> (
                int id, GradebookSettingsRequest request, Caller caller, GradebookSetupHandler handler, CancellationToken cancellationToken) =>
            (await handler.SetScaleAsync(caller, id, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.GradesEdit)
            .WithName("SetGradebookScale")
            .WithSummary("Choose the grading scale of a section's term grades")
            .ProducesValidationProblem();

        gradebook.MapPost("/sections/{id:int}/grade-categories", async Task<Results<Created<CategoryView>, ProblemHttpResult>> (
                int id, CategoryRequest request, HttpContext http, Caller caller, GradebookSetupHandler handler, CancellationToken cancellationToken) =>
            Created(await handler.AddCategoryAsync(caller, id, request, cancellationToken), http, v => $"/api/v1/grade-categories/{v.Id}", v => v.Version))
            .RequireAuthorization(Permissions.GradesEdit)
            .WithName("AddGradeCategory")
            .WithSummary("Add a weighted category (\"Tests\", weight 50) to a section's gradebook")
            .WithDescription("Weights are relative shares (0–1000) and need not add up to 100; dropLowest (0–10) leaves out each student's lowest percentages.")
            .WithIdempotencyKey()
            .ProducesValidationProblem();

        gradebook.MapPut("/grade-categories/{id:int}", async Task<Results<Ok<CategoryView>, ProblemHttpResult>> (
                int id, CategoryRequest request, HttpContext http, Caller caller, GradebookSetupHandler handler, CancellationToken cancellationToken) =>
            {
                var version = ETags.ReadIfMatch(http.Request);
                return version.IsSuccess
                    ? (await handler.EditCategoryAsync(caller, id, version.Value, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version)
                    : version.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.GradesEdit)
            .WithName("EditGradeCategory")
            .WithSummary("Change a category (If-Match required)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        gradebook.MapDelete("/grade-categories/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (
                int id, Caller caller, GradebookSetupHandler handler, CancellationToken cancellationToken) =>
            NoContent(await handler.DeleteCategoryAsync(caller, id, cancellationToken)))
            .RequireAuthorization(Permissions.GradesEdit)
            .WithName("DeleteGradeCategory")
            .WithSummary("Delete a category without assessments (409 while it has any)")
            .ProducesProblem(StatusCodes.Status409Conflict);

        gradebook.MapPost("/sections/{id:int}/assessments", async Task<Results<Created<AssessmentView>, ProblemHttpResult>> (
                int id, AssessmentRequest request, HttpContext http, Caller caller, GradebookSetupHandler handler, CancellationToken cancellationToken) =>
            Created(await handler.AddAssessmentAsync(caller, id, request, cancellationToken), http, v => $"/api/v1/assessments/{v.Id}", v => v.Version))
            .RequireAuthorization(Permissions.GradesEdit)
            .WithName("AddAssessment")
            .WithSummary("Add an assessment (title, date, maxPoints, categoryId, counts) to a section; its term is the section's")
            .WithIdempotencyKey()
            .ProducesValidationProblem();

        gradebook.MapPut("/assessments/{id:int}", async Task<Results<Ok<AssessmentView>, ProblemHttpResult>> (
                int id, AssessmentRequest request, HttpContext http, Caller caller, GradebookSetupHandler handler, CancellationToken cancellationToken) =>
            {
                var version = ETags.ReadIfMatch(http.Request);
                return version.IsSuccess
                    ? (await handler.EditAssessmentAsync(caller, id, version.Value, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version)
                    : version.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.GradesEdit)
            .WithName("EditAssessment")
            .WithSummary("Change an assessment (If-Match required); maxPoints cannot go below a mark already given")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        gradebook.MapDelete("/assessments/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (
                int id, Caller caller, GradebookSetupHandler handler, CancellationToken cancellationToken) =>
            NoContent(await handler.DeleteAssessmentAsync(caller, id, cancellationToken)))
            .RequireAuthorization(Permissions.GradesEdit)
            .WithName("DeleteAssessment")
            .WithSummary("Delete an assessment and its marks");

        gradebook.MapPut("/sections/{id:int}/marks", async Task<Results<Ok<SaveMarksResult>, ProblemHttpResult>> (
                int id, SaveMarksRequest request, Caller caller, GradebookHandler handler, CancellationToken cancellationToken) =>
            (await handler.SaveAsync(caller, id, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.GradesEdit)
            .WithName("SaveMarks")
            .WithSummary("Save cells of the grade grid, all or nothing")
            .WithDescription("marks: [{assessmentId, studentId, status (Scored, Late, Missing, Excused; left out with points = Scored), points (0..maxPoints, two decimals), " +
                "version (the mark's version as read; null when there was none)}]; status and points both null clear a cell. A bad cell refuses the save " +
                "with its field (marks[3].points). A cell someone else changed since you read it refuses the save with 409 and the current values in " +
                "'conflicts'. Sending the same values again changes nothing (safe to retry).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        gradebook.MapPut("/sections/{id:int}/term-grades/{studentId:int}", async Task<Results<Ok<TermGradeView>, ProblemHttpResult>> (
                int id, int studentId, TermGradeRequest request, Caller caller, TermGradesHandler handler, CancellationToken cancellationToken) =>
            (await handler.SetAsync(caller, id, studentId, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.GradesEdit)
            .WithName("SetTermGrade")
            .WithSummary("Override a student's term grade (a grade of the section's scale, with a required reason) and set the report comment")
            .WithDescription("overrideGrade null returns to the computed grade. version: the term grade's version as read (null when there was none); 409 when it changed.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        gradebook.MapPost("/assessments/{id:int}/publish", async Task<Results<Ok<AssessmentView>, ProblemHttpResult>> (
                int id, Caller caller, TermGradesHandler handler, CancellationToken cancellationToken) =>
            (await handler.PublishAssessmentAsync(caller, id, true, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.GradesPublish)
            .WithName("PublishAssessment")
            .WithSummary("Let students and guardians see an assessment's marks (each is notified; publishing again does nothing)");

        gradebook.MapPost("/assessments/{id:int}/unpublish", async Task<Results<Ok<AssessmentView>, ProblemHttpResult>> (
                int id, Caller caller, TermGradesHandler handler, CancellationToken cancellationToken) =>
            (await handler.PublishAssessmentAsync(caller, id, false, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.GradesPublish)
            .WithName("UnpublishAssessment")
            .WithSummary("Hide an assessment's marks from students and guardians again");

        gradebook.MapPost("/sections/{id:int}/term-grades/publish", async Task<Results<Ok<PublishResult>, ProblemHttpResult>> (
                int id, PublishTermGradesRequest? request, Caller caller, TermGradesHandler handler, CancellationToken cancellationToken) =>
            (await handler.PublishTermGradesAsync(caller, id, request ?? new PublishTermGradesRequest(null), cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.GradesPublish)
            .WithName("PublishTermGrades")
            .WithSummary("Publish the section's term grades as they stand (all students, or studentIds)")
            .WithDescription("A snapshot is published: later marks do not change what students see until published again. Unchanged grades are not sent again.")
            .ProducesValidationProblem();

        gradebook.MapPost("/sections/{id:int}/term-grades/unpublish", async Task<Results<Ok<PublishResult>, ProblemHttpResult>> (
                int id, Caller caller, TermGradesHandler handler, CancellationToken cancellationToken) =>
            (await handler.UnpublishTermGradesAsync(caller, id, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.GradesPublish)
            .WithName("UnpublishTermGrades")
            .WithSummary("Take a section's published term grades back");

        gradebook.MapGet("/students/{id:int}/grades", async Task<Results<Ok<StudentGradesView>, ProblemHttpResult>> (
                int id, int? termId, int? academicYearId, Caller caller, StudentGradesHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, termId, academicYearId, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.GradesView)
            .WithName("GetStudentGrades")
            .WithSummary("A student's grades per section (every term, or termId / academicYearId)")
            .WithDescription("Staff who reach a section's gradebook see everything in it; the student and their guardians see only published marks and " +
                "published term grades (publishedOnly: true).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    private static void MapScales(RouteGroupBuilder scales)
    {
        scales.MapGet("/", async Task<Results<Ok<IReadOnlyList<ScaleView>>, ProblemHttpResult>> (
                int? schoolId, bool? includeArchived, Caller caller, GradeScalesHandler handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, schoolId, includeArchived ?? false, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.SchoolView)
            .WithName("ListGradingScales")
            .WithSummary("The grading scales of the schools you see");

        scales.MapGet("/{id:int}", async Task<Results<Ok<ScaleView>, StatusCodeHttpResult, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, GradeScalesHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOkOrNotModified(http, v => v.Version))
            .RequireAuthorization(Permissions.SchoolView)
            .WithName("GetGradingScale")
            .WithSummary("One grading scale (its version as the ETag)");

        scales.MapPost("/", async Task<Results<Created<ScaleView>, ProblemHttpResult>> (
                ScaleRequest request, HttpContext http, Caller caller, GradeScalesHandler handler, CancellationToken cancellationToken) =>
            Created(await handler.CreateAsync(caller, request, cancellationToken), http, v => $"/api/v1/grading-scales/{v.Id}", v => v.Version))
            .RequireAuthorization(Permissions.SchoolConfigure)
            .WithName("AddGradingScale")
            .WithSummary("Add a grading scale to a school")
            .WithDescription("kind: Percentage, Bands (bands: [{label, from, to}] covering 0–100 without gaps or overlaps; from included, to not, except 100) " +
                "or Points (pointsMax, e.g. 20). isDefault makes it the scale new gradebooks start with.")
            .WithIdempotencyKey()
            .ProducesValidationProblem();

        scales.MapPut("/{id:int}", async Task<Results<Ok<ScaleView>, ProblemHttpResult>> (
                int id, ScaleRequest request, HttpContext http, Caller caller, GradeScalesHandler handler, CancellationToken cancellationToken) =>
            {
                var version = ETags.ReadIfMatch(http.Request);
                return version.IsSuccess
                    ? (await handler.EditAsync(caller, id, version.Value, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version)
                    : version.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.SchoolConfigure)
            .WithName("EditGradingScale")
            .WithSummary("Replace a grading scale (If-Match required)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        scales.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (
                int id, Caller caller, GradeScalesHandler handler, CancellationToken cancellationToken) =>
            NoContent(await handler.DeleteAsync(caller, id, cancellationToken)))
            .RequireAuthorization(Permissions.SchoolConfigure)
            .WithName("DeleteGradingScale")
            .WithSummary("Delete a scale no gradebook uses (409 otherwise: archive it instead)")
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static Results<Created<T>, ProblemHttpResult> Created<T>(Result<T> result, HttpContext http, Func<T, string> location, Func<T, Guid> version)
    {
        if (!result.IsSuccess)
        {
            return result.Error!.ToProblem();
        }

        http.Response.Headers.ETag = ETags.For(version(result.Value!));
        return TypedResults.Created(location(result.Value!), result.Value);
    }

    private static Results<NoContent, ProblemHttpResult> NoContent(Result<bool> result) =>
        result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
}
