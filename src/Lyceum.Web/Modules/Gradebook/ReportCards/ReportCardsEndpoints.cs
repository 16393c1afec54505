using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Gradebook.ReportCards;

/// <summary>Report cards, transcripts (application/pdf) and each school's report-card template.</summary>
public static class ReportCardsEndpoints
{
    private const string Pdf = "application/pdf";

    public static IEndpointRouteBuilder MapReportCards(this IEndpointRouteBuilder api)
    {
        var cards = api.MapGroup("").WithTags("Report cards");

        cards.MapGet("/report-cards", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (
                int? termId, int? schoolId, int? yearGroup, string? formGroup, HttpContext http, Caller caller, ReportCardsHandler handler,
                CancellationToken cancellationToken) =>
            await PdfAsync(http, file => handler.YearGroupAsync(caller, new YearGroupReportCards(schoolId, termId, yearGroup, formGroup), file, null, cancellationToken)))
            .RequireAuthorization(Permissions.ReportCardsPrint)
            .WithName("PrintReportCards")
            .WithSummary("The report cards of a year group (or one form of it) for a term, as one PDF")
            .WithDescription("Every current student of the year group whom the caller's reportcards.print reaches, ordered by form and name, each on pages " +
                "of their own: sections with the grade as it stands (override or computed, published or not), attendance over the term's dates and the " +
                "teachers' comments as the school's template says, signature lines. termId, schoolId and yearGroup are required; a year group (or form) " +
                "without such students is a 400 naming the field.")
            .Produces(StatusCodes.Status200OK, contentType: Pdf)
            .ProducesValidationProblem();

        cards.MapGet("/students/{id:int}/report-card", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (
                int id, int? termId, HttpContext http, Caller caller, ReportCardsHandler handler, CancellationToken cancellationToken) =>
            await PdfAsync(http, file => handler.StudentAsync(caller, id, termId, file, cancellationToken)))
            .RequireAuthorization(Permissions.ReportCardsPrint)
            .WithName("PrintStudentReportCard")
            .WithSummary("One student's report card for a term (termId), as PDF")
            .Produces(StatusCodes.Status200OK, contentType: Pdf)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        cards.MapGet("/students/{id:int}/transcript", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, ReportCardsHandler handler, CancellationToken cancellationToken) =>
            await PdfAsync(http, file => handler.TranscriptAsync(caller, id, file, cancellationToken)))
            .RequireAuthorization(Permissions.ReportCardsPrint)
            .WithName("PrintTranscript")
            .WithSummary("One student's transcript: every academic year and term, each section's final grade, as PDF")
            .Produces(StatusCodes.Status200OK, contentType: Pdf)
            .ProducesProblem(StatusCodes.Status404NotFound);

        cards.MapGet("/schools/{id:int}/report-card-template", async Task<Results<Ok<ReportCardTemplateView>, ProblemHttpResult>> (
                int id, Caller caller, ReportCardTemplatesHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.SchoolView)
            .WithName("GetReportCardTemplate")
            .WithSummary("A school's report-card template (isDefault: the school has saved none and prints with this one)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        cards.MapPut("/schools/{id:int}/report-card-template", async Task<Results<Ok<ReportCardTemplateView>, ProblemHttpResult>> (
                int id, ReportCardTemplateRequest request, HttpContext http, Caller caller, ReportCardTemplatesHandler handler, CancellationToken cancellationToken) =>
            {
                Guid? ifMatch = null;
                if (http.Request.Headers.IfMatch.Count > 0)
                {
                    var version = ETags.ReadIfMatch(http.Request);
                    if (!version.IsSuccess)
                    {
                        return version.Error!.ToProblem();
                    }

                    ifMatch = version.Value;
                }

                return (await handler.SaveAsync(caller, id, ifMatch, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version!.Value);
            })
            .RequireAuthorization(Permissions.SchoolConfigure)
            .WithName("SaveReportCardTemplate")
            .WithSummary("Replace a school's report-card template")
            .WithDescription("Body: { title (≤ 120), logo (base64 PNG or JPEG, ≤ 512 KB; null prints the app's logo), showAttendance, showComments, " +
                "signatureLines (≤ 6, each ≤ 60), footer (≤ 500) }. If-Match is optional: when sent it must be the template's ETag (412 otherwise).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return api;
    }

    /// <summary>
    /// Writes the PDF into a temporary file (PDFsharp writes synchronously, which a response body refuses) that is
    /// deleted once sent; an expected failure is answered as a problem before anything is sent.
    /// </summary>
    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> PdfAsync(HttpContext http, Func<Stream, Task<Result<ReportCardFile>>> write)
    {
        var file = new FileStream(
            Path.Combine(Path.GetTempPath(), $"lyceum-{Guid.NewGuid():N}.pdf"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var result = await write(file);
            if (!result.IsSuccess)
            {
                await file.DisposeAsync();
                return result.Error!.ToProblem();
            }

            file.Position = 0;
            // Grades and comments of named students: never kept by a browser or a proxy.
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.File(file, Pdf, result.Value!.FileName);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}
