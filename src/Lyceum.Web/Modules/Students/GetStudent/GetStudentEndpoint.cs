using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Students.GetStudent;

public static class GetStudentEndpoint
{
    public static void MapGetStudent(this IEndpointRouteBuilder students) =>
        students.MapGet("/{id:int}", async Task<Results<Ok<StudentDetails>, StatusCodeHttpResult, ProblemHttpResult>> (
                int id, Caller caller, HttpContext http, GetStudentHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.HandleAsync(caller, id, cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error!.ToProblem();
                }

                http.Response.Headers.ETag = ETags.For(result.Value!.Version);
                return ETags.IsFresh(http.Request, result.Value.Version)
                    ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
                    : TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(Permissions.StudentsView)
            .WithName("GetStudent")
            .WithSummary("A student's profile with guardians and enrolments")
            .WithDescription("The ETag header carries the record's version: send it back in If-Match to update.")
            .ProducesProblem(StatusCodes.Status404NotFound);
}
