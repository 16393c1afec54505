using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Academics.Enrollments;

public static class EnrollmentsEndpoints
{
    public static IEndpointRouteBuilder MapEnrollmentsEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/sections/{id:int}/enrollments", async Task<Results<Ok<IReadOnlyList<EnrollmentView>>, ProblemHttpResult>> (
                int id, bool? includeWithdrawn, Caller caller, EnrollmentsHandler handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, id, includeWithdrawn ?? false, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.SectionsView)
            .WithTags("Enrolments")
            .WithName("ListSectionEnrollments")
            .WithSummary("A section's students (the class list)")
            .WithDescription("Only the students the caller may see are listed: a guardian sees their own child, not the classmates. " +
                "Withdrawn students are left out unless includeWithdrawn=true.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/sections/{id:int}/enrollments", async Task<Results<Ok<EnrolResult>, ProblemHttpResult>> (
                int id, EnrolRequest request, Caller caller, EnrollmentsHandler handler, CancellationToken cancellationToken) =>
            (await handler.EnrolAsync(caller, id, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.EnrollmentsEdit)
            .WithTags("Enrolments")
            .WithName("EnrolStudents")
            .WithSummary("Enrol a list of students into a section")
            .WithDescription("Safe to retry: students already in the section are listed under alreadyEnrolled and left as they are. " +
                "enrolledOn (default today, kept inside the term) must lie inside the section's term. 409 when the section has too few places.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/enrollments/{id:int}/withdraw", async Task<Results<Ok<EnrollmentView>, ProblemHttpResult>> (
                int id, WithdrawRequest request, Caller caller, EnrollmentsHandler handler, CancellationToken cancellationToken) =>
            (await handler.WithdrawAsync(caller, id, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.EnrollmentsEdit)
            .WithTags("Enrolments")
            .WithName("WithdrawEnrollment")
            .WithSummary("Withdraw a student from a section on a date")
            .WithDescription("The same request again answers the same withdrawal; another date for a withdrawn student is 409.")
            .ProducesValidationProblem();

        api.MapPost("/enrollments/{id:int}/transfer", async Task<Results<Ok<EnrollmentView>, ProblemHttpResult>> (
                int id, TransferRequest request, Caller caller, EnrollmentsHandler handler, CancellationToken cancellationToken) =>
            (await handler.TransferAsync(caller, id, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.EnrollmentsEdit)
            .WithTags("Enrolments")
            .WithName("TransferEnrollment")
            .WithSummary("Move a student to another section of the same course and term")
            .WithDescription("Withdraws on the date and enrols in the other section from it, in one save. Answers the new enrolment; a retry answers it again.")
            .ProducesValidationProblem();

        return api;
    }
}
