using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Behaviour.Detentions;

public static class DetentionsEndpoints
{
    public static IEndpointRouteBuilder MapDetentions(this IEndpointRouteBuilder api)
    {
        var detentions = api.MapGroup("/detentions").WithTags("Behaviour");

        detentions.MapPost("/", async Task<Results<Created<DetentionView>, ProblemHttpResult>> (
                DetentionRequest request, Caller caller, HttpContext http, DetentionsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.CreateAsync(caller, request, cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error!.ToProblem();
                }

                http.Response.Headers.ETag = ETags.For(result.Value!.Version);
                return TypedResults.Created($"/api/v1/detentions/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Permissions.DetentionsEdit)
            .WithName("ScheduleDetention")
            .WithSummary("Schedule a detention for a student")
            .WithDescription("date (not before today at the school), startTime, durationMinutes (5–240), supervisorId and roomId of the student's school, " +
                "reason, incidentId (optional, one of the student's). Refused with the field named when the student already has a detention then, " +
                "the supervisor supervises another session or teaches a class then, or the room is taken; several students in the same session " +
                "(same supervisor, room, date, time and length) are a group detention. The guardians and the supervisor are notified. " +
                "Send an Idempotency-Key header to retry safely.")
            .WithIdempotencyKey()
            .ProducesValidationProblem();

        detentions.MapGet("/", async Task<Results<Ok<PagedResult<DetentionView>>, ProblemHttpResult>> (
                [AsParameters] ListQuery query, DateOnly? date, DateOnly? from, DateOnly? to, int? supervisorId, int? studentId, DetentionStatus? status, int? schoolId,
                bool? mine, Caller caller, DetentionsHandler handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, query, new DetentionFilter(date, from, to, supervisorId, studentId, status, schoolId, mine ?? false), cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.DetentionsView)
            .WithName("ListDetentions")
            .WithSummary("List detentions, a page at a time: a day's list for a supervisor, a student's")
            .WithDescription("Sortable fields: " + string.Join(", ", DetentionsHandler.SortFields.Keys) + ". status is scheduled, completed, cancelled or missed. " +
                "Lists the detentions of the students you may see and those you supervise; mine=true keeps only those you supervise.")
            .ProducesValidationProblem();

        detentions.MapGet("/{id:int}", async Task<Results<Ok<DetentionView>, StatusCodeHttpResult, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, DetentionsHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOkOrNotModified(http, v => v.Version))
            .RequireAuthorization(Permissions.DetentionsView)
            .WithName("GetDetention")
            .WithSummary("One detention")
            .ProducesProblem(StatusCodes.Status404NotFound);

        detentions.MapPost("/{id:int}/status", async Task<Results<Ok<DetentionView>, ProblemHttpResult>> (
                int id, DetentionStatusRequest request, HttpContext http, Caller caller, DetentionsHandler handler, CancellationToken cancellationToken) =>
            (await handler.SetStatusAsync(caller, id, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version))
            .RequireAuthorization(Permissions.DetentionsEdit)
            .WithName("MarkDetention")
            .WithSummary("Mark a detention completed or missed, or cancel it")
            .WithDescription("Safe to repeat: the same status again answers the detention unchanged. A detention no longer scheduled cannot change (409), " +
                "nor can one that has not taken place yet be marked completed or missed. Marking it missed runs the school's rules.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }
}
