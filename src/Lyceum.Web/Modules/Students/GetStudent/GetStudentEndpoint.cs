using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Students.GetStudent;

public static class GetStudentEndpoint
{
    public static void MapGetStudent(this IEndpointRouteBuilder students) =>
        students.MapGet("/{id:int}", async Task<Results<Ok<StudentDetails>, StatusCodeHttpResult, ProblemHttpResult>> (
                int id, Caller caller, HttpContext http, GetStudentHandler handler, CancellationToken cancellationToken) =>
            (await handler.HandleAsync(caller, id, cancellationToken)).ToOkOrNotModified(http, s => s.Version))
            .RequireAuthorization(Permissions.StudentsView)
            .WithName("GetStudent")
            .WithSummary("A student's profile with guardians and enrolments")
            .WithDescription("The ETag header carries the record's version: send it back in If-Match to update.")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
