using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Academics.Timetable;

public static class GetTimetableEndpoint
{
    public static IEndpointRouteBuilder MapGetTimetable(this IEndpointRouteBuilder api)
    {
        // Each subject has its own permission, checked by the handler: the route itself asks only for a signed-in caller.
        api.MapGet("/timetable", async Task<Results<Ok<TimetableView>, ProblemHttpResult>> (
                int? studentId, int? staffId, int? roomId, int? sectionId, int? termId, Caller caller, GetTimetableHandler handler,
                CancellationToken cancellationToken) =>
            (await handler.HandleAsync(caller, new TimetableQuery(studentId, staffId, roomId, sectionId, termId), cancellationToken)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Timetables")
            .WithName("GetTimetable")
            .WithSummary("The week grid of a student, a member of staff, a room or a section")
            .WithDescription("Give exactly one of studentId, staffId, roomId or sectionId (else 400 naming the field). " +
                "termId picks a term of the subject's school; by default a section's own term, for anyone else the term under way, " +
                "else the next, else the last. periods is the school's bell schedule by order, days Monday to Friday plus any " +
                "other day with a meeting, meetings the live sections of that term (for a student, only enrolments not withdrawn " +
                "by today). A student needs students.view, a section sections.view, a room school.view, a member of staff " +
                "sections.view and school.view in their school (or to be that person): without the permission 403; a subject " +
                "out of reach is not found (404), exactly like a missing one.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
