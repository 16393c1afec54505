using Lyceum.Modules.Students.GetStudent;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Students.ManageStudents;

public static class ManageStudentsEndpoints
{
    public static void MapManageStudents(this IEndpointRouteBuilder students)
    {
        students.MapPost("/", async Task<Results<Created<StudentDetails>, ProblemHttpResult>> (
                AddStudentRequest request, Caller caller, HttpContext http, ManageStudentsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.AddAsync(caller, request, cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error!.ToProblem();
                }

                http.Response.Headers.ETag = ETags.For(result.Value!.Version);
                return TypedResults.Created($"/api/v1/students/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Permissions.StudentsCreate)
            .WithName("AddStudent")
            .WithSummary("Add a student, optionally with their guardians")
            .WithDescription("Each entry of guardians links a guardian on record (guardianId) or adds one (guardian, needs guardians.create), " +
                "with the link's relationship and flags. studentNumber may be left out: the school's next number is given. " +
                "Errors name the field, e.g. guardians[1].guardian.email. Send an Idempotency-Key header to retry safely: " +
                "the same key answers the first result again, and no second student is added.")
            .WithIdempotencyKey()
            .ProducesValidationProblem();

        students.MapPost("/{id:int}/archive", async Task<Results<Ok<StudentDetails>, ProblemHttpResult>> (
                int id, Caller caller, HttpContext http, ManageStudentsHandler handler, CancellationToken cancellationToken) =>
            (await handler.ArchiveAsync(caller, id, archive: true, cancellationToken)).ToOkWithETag(http.Response, s => s.Version))
            .RequireAuthorization(Permissions.StudentsEdit)
            .WithName("ArchiveStudent")
            .WithSummary("Archive a leaver: kept and readable, out of lists; open enrolments end today")
            .WithDescription("Idempotent: archiving an archived student answers the record as it is.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        students.MapPost("/{id:int}/restore", async Task<Results<Ok<StudentDetails>, ProblemHttpResult>> (
                int id, Caller caller, HttpContext http, ManageStudentsHandler handler, CancellationToken cancellationToken) =>
            (await handler.ArchiveAsync(caller, id, archive: false, cancellationToken)).ToOkWithETag(http.Response, s => s.Version))
            .RequireAuthorization(Permissions.StudentsEdit)
            .WithName("RestoreStudent")
            .WithSummary("Restore an archived student (their past enrolments stay ended)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        students.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (
                int id, Caller caller, ManageStudentsHandler handler, CancellationToken cancellationToken) =>
            {
                var result = await handler.DeleteAsync(caller, id, cancellationToken);
                return result.IsSuccess ? TypedResults.NoContent() : result.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.StudentsDelete)
            .WithName("DeleteStudent")
            .WithSummary("Delete a student entered by mistake")
            .WithDescription("409 with the reason while enrolments or an account refer to the student: archive instead.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        students.MapPut("/{id:int}/guardians/{guardianId:int}", async Task<Results<Ok<StudentDetails>, ProblemHttpResult>> (
                int id, int guardianId, GuardianLinkRequest request, Caller caller, HttpContext http, ManageStudentsHandler handler,
                CancellationToken cancellationToken) =>
            {
                var version = OptionalIfMatch(http);
                return version.IsSuccess
                    ? (await handler.LinkAsync(caller, id, guardianId, request, cancellationToken, version.Value)).ToOkWithETag(http.Response, s => s.Version)
                    : version.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.StudentsEdit)
            .WithName("LinkGuardian")
            .WithSummary("Link a guardian to a student, or change the link")
            .WithDescription("Relationship, lives-with, may-collect, receives-mail, parental responsibility and contact priority. " +
                "Idempotent: sending the same link again changes nothing. With If-Match (the student's ETag), 412 when the " +
                "student changed since it was read: a form does not overwrite a link it never saw.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        students.MapDelete("/{id:int}/guardians/{guardianId:int}", async Task<Results<Ok<StudentDetails>, ProblemHttpResult>> (
                int id, int guardianId, Caller caller, HttpContext http, ManageStudentsHandler handler, CancellationToken cancellationToken) =>
            {
                var version = OptionalIfMatch(http);
                return version.IsSuccess
                    ? (await handler.UnlinkAsync(caller, id, guardianId, cancellationToken, version.Value)).ToOkWithETag(http.Response, s => s.Version)
                    : version.Error!.ToProblem();
            })
            .RequireAuthorization(Permissions.StudentsEdit)
            .WithName("UnlinkGuardian")
            .WithSummary("Remove a guardian from a student (the guardian's record stays)")
            .WithDescription("Idempotent: removing a link that is not there answers the student as it is.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The student's version from If-Match when the client sends one (a form should); none is allowed (a retry).</summary>
    private static Result<Guid?> OptionalIfMatch(HttpContext http)
    {
        if (!http.Request.Headers.ContainsKey("If-Match"))
        {
            return (Guid?)null;
        }

        var version = ETags.ReadIfMatch(http.Request);
        return version.IsSuccess ? version.Value : version.Error!;
    }
}
