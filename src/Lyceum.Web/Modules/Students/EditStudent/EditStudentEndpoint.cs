using Lyceum.Modules.Students.GetStudent;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Students.EditStudent;

public static class EditStudentEndpoint
{
    public static void MapEditStudent(this IEndpointRouteBuilder students) =>
        students.MapPut("/{id:int}", async Task<Results<Ok<StudentDetails>, ProblemHttpResult>> (
                int id, EditStudentRequest request, Caller caller, HttpContext http, EditStudentHandler handler,
                CancellationToken cancellationToken) =>
            {
                var version = ETags.ReadIfMatch(http.Request);
                if (!version.IsSuccess)
                {
                    return version.Error!.ToProblem();
                }

                return (await handler.HandleAsync(caller, id, version.Value, request, cancellationToken)).ToOkWithETag(http.Response, r => r.Version);
            })
            .RequireAuthorization(Permissions.StudentsEdit)
            .WithName("EditStudent")
            .WithSummary("Edit a student's personal details")
            .WithDescription("Send the ETag from GET in If-Match. 412 when the record changed since; 428 without If-Match.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
