using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Lyceum.Modules.Tutoring.Sessions;

public static class SessionsEndpoints
{
    public static IEndpointRouteBuilder MapTutoringSessions(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/tutoring").WithTags("Tutoring");

        group.MapGet("/sessions", async Task<IResult> (
                DateOnly? from, DateOnly? to, int? tutorId, int? studentId, int? branchId, string? subject, SessionStatus? status, int? schoolId, bool? mine,
                HttpContext http, Caller caller, TutoringSessionsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.QueryAsync(
                    caller, new SessionFilter(from, to, tutorId, studentId, branchId, subject, status, schoolId, mine ?? false), cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error!.ToProblem(http.Response);
                }

                var week = result.Value!;
                if (week.ETag is { } etag)
                {
                    http.Response.Headers.ETag = etag;
                    // Per caller (rates show with finance only): never from a shared cache; revalidate each time.
                    http.Response.Headers.CacheControl = "private, no-cache";
                    if (EntityTagHeaderValue.TryParseList(http.Request.Headers.IfNoneMatch, out var tags)
                        && tags.Any(t => t.Compare(EntityTagHeaderValue.Parse(etag), useStrongComparison: false)))
                    {
                        return TypedResults.StatusCode(StatusCodes.Status304NotModified);
                    }
                }

                return week.Body is { } body ? body.ToResult(http.Request) : TypedResults.Ok(week.Sessions);
            })
            .RequireAuthorization(Permissions.SessionsView)
            .WithName("ListTutoringSessions")
            .WithSummary("The calendar: sessions starting on the days from..to (local days, at most 92)")
            .WithDescription("Filters: tutorId, studentId, branchId, subject, status (scheduled, completed, cancelled, noShow), schoolId, mine (sessions you teach). " +
                "A tutor sees their own sessions, a guardian their children's, a student their own. start/end are local to timeZone; rates only with finance.view. " +
                "A query of a whole school's calendar (schoolId, by someone who sees all of it) has a weak ETag that changes with any change there: " +
                "send it in If-None-Match to get 304 while nothing changed.")
            .Produces<IReadOnlyList<SessionView>>()
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/sessions", async Task<Results<Created<BookingView>, ProblemHttpResult>> (
                SessionRequest request, Caller caller, TutoringSessionsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.BookAsync(caller, request, cancellationToken);
                return result.IsSuccess
                    ? TypedResults.Created($"/api/v1/tutoring/sessions/{result.Value!.Sessions[0].Id}", result.Value)
                    : result.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.SessionsCreate)
            .WithName("BookTutoringSession")
            .WithSummary("Book a session, or a series with recurrence (an RFC 5545 rule, or days + interval + until/count)")
            .WithDescription("start and end are local times in timeZone (default: the school's); 5 minutes to 12 hours. A rule must end (UNTIL or COUNT; " +
                "at most 400 lessons within two years). A clash with the tutor's or a student's other sessions, or a time outside the tutor's availability, " +
                "is 409 with the clashes in 'conflicts'; a coordinator may book anyway with overrideConflicts and overrideReason (audited). " +
                "Send an Idempotency-Key header to retry safely.")
            .WithIdempotencyKey()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/sessions/{id:int}", async Task<Results<Ok<SessionView>, StatusCodeHttpResult, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, TutoringSessionsHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOkOrNotModified(http, v => v.Version))
            .RequireAuthorization(Permissions.SessionsView)
            .WithName("GetTutoringSession")
            .WithSummary("One session")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/sessions/{id:int}", async Task<Results<Ok<SessionView>, ProblemHttpResult>> (
                int id, SessionChangeRequest request, HttpContext http, Caller caller, TutoringSessionsHandler handler, CancellationToken cancellationToken) =>
            {
                Guid? version = null;
                if (http.Request.Headers.IfMatch.Count > 0)
                {
                    var read = ETags.ReadIfMatch(http.Request);
                    if (!read.IsSuccess)
                    {
                        return read.Error!.ToProblem();
                    }

                    version = read.Value;
                }

                return (await handler.ChangeAsync(caller, id, request, version, cancellationToken)).ToOkWithETag(http.Response, v => v.Version);
            })
            .RequireAuthorization(Permissions.SessionsEdit)
            .WithName("ChangeTutoringSession")
            .WithSummary("Move, resize or change a session (scope 'this'), or it and the rest of its series (scope 'following')")
            .WithDescription("Fields left out stay as they are. Send If-Match with the session's ETag to refuse the change if someone else changed it meanwhile (412). " +
                "Only scheduled sessions change (409 otherwise); clashes as when booking.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPost("/sessions/{id:int}/cancel", async Task<Results<Ok<SessionView>, ProblemHttpResult>> (
                int id, CancelSessionRequest request, HttpContext http, Caller caller, TutoringSessionsHandler handler, CancellationToken cancellationToken) =>
            (await handler.CancelAsync(caller, id, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version))
            .RequireAuthorization(Permissions.SessionsEdit)
            .WithName("CancelTutoringSession")
            .WithSummary("Cancel a session (scope 'this') or it and every later one of its series (scope 'following'), with a reason")
            .WithDescription("Safe to repeat. A completed or no-show session cannot be cancelled (409). Guardians and the tutor are notified.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/sessions/{id:int}/log", async Task<Results<Ok<SessionView>, ProblemHttpResult>> (
                int id, LogSessionRequest request, HttpContext http, Caller caller, TutoringSessionsHandler handler, CancellationToken cancellationToken) =>
            (await handler.LogAsync(caller, id, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version))
            .RequireAuthorization(Permissions.SessionsLog)
            .WithName("LogTutoringSession")
            .WithSummary("The tutor's one-tap log: completed, noShow or cancelled, a note and each student's attendance")
            .WithDescription("logId is made by the client (a UUID per log, kept in its offline queue): sending the same log again changes nothing and " +
                "answers the session. A new log corrects the previous one until the session is invoiced (409 then). Completed and noShow only once it has started.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/options", async Task<Results<Ok<TutoringOptions>, ProblemHttpResult>> (
                int? schoolId, Caller caller, TutoringSessionsHandler handler, CancellationToken cancellationToken) =>
            (await handler.OptionsAsync(caller, schoolId, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.SessionsView)
            .WithName("TutoringOptions")
            .WithSummary("What a booking form offers at a school: tutors, branches, subjects, the zone and currency, and what you may do")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/tutors/{id:int}/availability", async Task<Results<Ok<AvailabilityView>, ProblemHttpResult>> (
                int id, Caller caller, AvailabilityHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.SessionsView)
            .WithName("GetTutorAvailability")
            .WithSummary("A tutor's weekly windows and exceptions")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/tutors/{id:int}/availability", async Task<Results<Ok<AvailabilityView>, ProblemHttpResult>> (
                int id, AvailabilityRequest request, Caller caller, AvailabilityHandler handler, CancellationToken cancellationToken) =>
            (await handler.SetAsync(caller, id, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.SessionsView)
            .WithName("SetTutorAvailability")
            .WithSummary("Replace a tutor's weekly windows and exceptions (the tutor, or a coordinator)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }
}
