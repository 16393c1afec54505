using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Attendance.TakeRegister;

public static class TakeRegisterEndpoints
{
    private const string LessonRoute = "/attendance/registers/lessons/{sectionId:int}/{date}/{periodId:int}";
    private const string DailyRoute = "/attendance/registers/daily/{schoolId:int}/{formGroup}/{date}/{session}";

    private const string SubmitDescription =
        "Body: { marks: [{ studentId, code, lateMinutes?, timeIn?, timeOut?, note? }], reason? } with one mark for every student on " +
        "the register. The first submission takes the register (outcome 'created'); the same marks again change nothing " +
        "(outcome 'unchanged': safe to retry after a dropped connection); other marks for a taken register are an amendment " +
        "and need a reason (outcome 'amended', recorded with each mark before and after), otherwise 409 naming who took it. " +
        "If-Match (the ETag of the register read) is optional; when sent, an amendment of a register changed since is 412. " +
        "Unexplained absences raise an event and notify the student's guardians (once per student and day).";

    public static IEndpointRouteBuilder MapTakeRegister(this IEndpointRouteBuilder api)
    {
        api.MapGet(LessonRoute, async Task<Results<Ok<RegisterSheet>, ProblemHttpResult>> (
                int sectionId, string date, int periodId, Caller caller, TakeRegisterHandler handler, HttpResponse response, CancellationToken cancellationToken) =>
                RouteDate(date) is { } on
                    ? WithETag(await handler.GetAsync(caller, new RegisterKey.Lesson(sectionId, on, periodId), cancellationToken), response)
                    : BadDate())
            .RequireAuthorization(Permissions.AttendanceEdit)
            .WithTags("Attendance")
            .WithName("GetLessonRegister")
            .WithSummary("A section meeting's register on a date: everyone on it, their marks if taken, and the codes")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPut(LessonRoute, async Task<Results<Ok<RegisterSheet>, ProblemHttpResult>> (
                int sectionId, string date, int periodId, SubmitRegisterRequest request, Caller caller, TakeRegisterHandler handler, HttpRequest http,
                CancellationToken cancellationToken) =>
                RouteDate(date) is not { } on ? BadDate()
                : IfMatch(http) is { Error: { } error } ? error.ToProblem()
                : WithETag(await handler.SubmitAsync(caller, new RegisterKey.Lesson(sectionId, on, periodId), request, IfMatch(http).Value, cancellationToken), http.HttpContext.Response))
            .RequireAuthorization(Permissions.AttendanceEdit)
            .WithTags("Attendance")
            .WithName("SubmitLessonRegister")
            .WithSummary("Take (or amend, with a reason) a section meeting's register")
            .WithDescription(SubmitDescription)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet(DailyRoute, async Task<Results<Ok<RegisterSheet>, ProblemHttpResult>> (
                int schoolId, string formGroup, string date, string session, Caller caller, TakeRegisterHandler handler, HttpResponse response,
                CancellationToken cancellationToken) =>
                RouteDate(date) is not { } on ? BadDate()
                : RouteSession(session) is not { } half ? BadSession()
                : WithETag(await handler.GetAsync(caller, new RegisterKey.Daily(schoolId, formGroup, on, half), cancellationToken), response))
            .RequireAuthorization(Permissions.AttendanceEdit)
            .WithTags("Attendance")
            .WithName("GetDailyRegister")
            .WithSummary("A form group's AM or PM register on a date (year groups in daily registration mode)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPut(DailyRoute, async Task<Results<Ok<RegisterSheet>, ProblemHttpResult>> (
                int schoolId, string formGroup, string date, string session, SubmitRegisterRequest request, Caller caller, TakeRegisterHandler handler,
                HttpRequest http, CancellationToken cancellationToken) =>
                RouteDate(date) is not { } on ? BadDate()
                : RouteSession(session) is not { } half ? BadSession()
                : IfMatch(http) is { Error: { } error } ? error.ToProblem()
                : WithETag(await handler.SubmitAsync(caller, new RegisterKey.Daily(schoolId, formGroup, on, half), request, IfMatch(http).Value, cancellationToken), http.HttpContext.Response))
            .RequireAuthorization(Permissions.AttendanceEdit)
            .WithTags("Attendance")
            .WithName("SubmitDailyRegister")
            .WithSummary("Take (or amend, with a reason) a form group's AM or PM register")
            .WithDescription(SubmitDescription)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static DateOnly? RouteDate(string date) =>
        DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var on) ? on : null;

    private static DaySession? RouteSession(string session) =>
        Enum.TryParse<DaySession>(session, ignoreCase: true, out var half) && Enum.IsDefined(half) ? half : null;

    private static ProblemHttpResult BadDate() => Error.Field("date", "Give the date as yyyy-MM-dd, e.g. 2026-11-26.").ToProblem();

    private static ProblemHttpResult BadSession() => Error.Field("session", "Must be AM or PM.").ToProblem();

    /// <summary>If-Match is optional here (a first submission has no version to match); when sent it must be well formed.</summary>
    private static Result<Guid?> IfMatch(HttpRequest request) =>
        request.Headers.IfMatch.Count == 0 ? (Guid?)null
        : ETags.ReadIfMatch(request) is { Error: { } error } ? error : ETags.ReadIfMatch(request).Value;

    private static Results<Ok<RegisterSheet>, ProblemHttpResult> WithETag(Result<RegisterSheet> result, HttpResponse response)
    {
        if (result.Value?.Version is { } version)
        {
            response.Headers.ETag = ETags.For(version);
        }

        return result.ToOk(response);
    }
}
