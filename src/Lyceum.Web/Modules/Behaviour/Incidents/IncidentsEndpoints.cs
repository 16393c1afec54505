using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Behaviour.Incidents;

public static class IncidentsEndpoints
{
    public static IEndpointRouteBuilder MapIncidents(this IEndpointRouteBuilder api)
    {
        var incidents = api.MapGroup("/incidents").WithTags("Behaviour");

        incidents.MapPost("/", async Task<Results<Created<IncidentView>, ProblemHttpResult>> (
                IncidentRequest request, Caller caller, HttpContext http, IncidentsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.CreateAsync(caller, request, cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error!.ToProblem();
                }

                http.Response.Headers.ETag = ETags.For(result.Value!.Version);
                return TypedResults.Created($"/api/v1/incidents/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Permissions.BehaviourCreate)
            .WithName("LogIncident")
            .WithSummary("Log an incident for one or more students")
            .WithDescription("studentIds (every one within your behaviour.create reach, one school), typeId (a live type of that school); " +
                "severity (1–4) and points (0–100, subtracted for a negative type) default to the type's; occurredAt defaults to now. " +
                "The reporter is your staff record. The students' guardians are notified and the school's rules run in the same transaction. " +
                "Send an Idempotency-Key header to retry safely: the same key answers the first result again.")
            .WithIdempotencyKey()
            .ProducesValidationProblem();

        incidents.MapGet("/", async Task<Results<Ok<PagedResult<IncidentView>>, ProblemHttpResult>> (
                [AsParameters] ListQuery query, int? studentId, int? schoolId, int? typeId, DateOnly? from, DateOnly? to,
                Caller caller, IncidentsHandler handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, query, new IncidentFilter(studentId, schoolId, typeId, from, to), cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.BehaviourView)
            .WithName("ListIncidents")
            .WithSummary("List incidents, a page at a time (newest first)")
            .WithDescription("Sortable fields: " + string.Join(", ", IncidentsHandler.SortFields.Keys) + ". from and to are dates (UTC days, inclusive). " +
                "Only incidents with a student you may see are listed, and each lists only the students you may see.")
            .ProducesValidationProblem();

        incidents.MapGet("/{id:int}", async Task<Results<Ok<IncidentView>, StatusCodeHttpResult, ProblemHttpResult>> (
                int id, HttpContext http, Caller caller, IncidentsHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOkOrNotModified(http, v => v.Version))
            .RequireAuthorization(Permissions.BehaviourView)
            .WithName("GetIncident")
            .WithSummary("One incident")
            .WithDescription("The ETag header carries its version: send it back in If-Match to change it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        incidents.MapPut("/{id:int}", async Task<Results<Ok<IncidentView>, ProblemHttpResult>> (
                int id, IncidentRequest request, HttpContext http, Caller caller, IncidentsHandler handler, CancellationToken cancellationToken) =>
            {
                var version = ETags.ReadIfMatch(http.Request);
                if (!version.IsSuccess)
                {
                    return version.Error!.ToProblem();
                }

                return (await handler.EditAsync(caller, id, version.Value, request, cancellationToken)).ToOkWithETag(http.Response, v => v.Version);
            })
            .RequireAuthorization(Permissions.BehaviourEdit)
            .WithName("EditIncident")
            .WithSummary("Change an incident (every field; If-Match required)")
            .WithDescription("studentIds left out keeps the students. Needs behaviour.edit over every student of the incident (else 403). " +
                "412 when it changed since the ETag was read, 428 without If-Match.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        incidents.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (
                int id, Caller caller, IncidentsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.DeleteAsync(caller, id, cancellationToken);
                return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.BehaviourDelete)
            .WithName("DeleteIncident")
            .WithSummary("Delete an incident logged by mistake (its ledger lines go with it)")
            .WithDescription("Needs behaviour.delete over every student of the incident (else 403); 409 while a detention refers to it.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }
}
