using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Students.ListStudents;

public static class ListStudentsEndpoint
{
    public static void MapListStudents(this IEndpointRouteBuilder students) =>
        students.MapGet("/", async Task<Results<Ok<PagedResult<StudentListItem>>, ProblemHttpResult>> (
                [AsParameters] ListQuery query,
                int? schoolId,
                int? yearGroup,
                bool? includeArchived,
                Caller caller,
                ListStudentsHandler handler,
                CancellationToken cancellationToken) =>
            (await handler.HandleAsync(caller, query, new StudentFilter(schoolId, yearGroup, includeArchived ?? false), cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.StudentsView)
            .WithName("ListStudents")
            .WithSummary("List students, a page at a time")
            .WithDescription("Sortable fields: " + string.Join(", ", ListStudentsHandler.Sortable) + ". Archived students are left out unless includeArchived=true. " +
                "Only the students the caller's roles reach are listed: a teacher's own sections, a guardian's children, a student's self.")
            .ProducesValidationProblem();
}
