using Lyceum.Modules.Attendance.Settings;
using Lyceum.Modules.Attendance.Summaries;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lyceum.Modules.Attendance;

/// <summary>The summaries' and the registration settings' routes.</summary>
public static class AttendanceEndpoints
{
    public static IEndpointRouteBuilder MapAttendanceSummaries(this IEndpointRouteBuilder api)
    {
        api.MapGet("/students/{id:int}/attendance", async Task<Results<Ok<StudentAttendance>, ProblemHttpResult>> (
                int id, DateOnly? from, DateOnly? to, Caller caller, AttendanceSummariesHandler handler, CancellationToken cancellationToken) =>
            (await handler.StudentAsync(caller, id, from, to, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.AttendanceView)
            .WithTags("Attendance")
            .WithName("GetStudentAttendance")
            .WithSummary("A student's attendance: % present, lates, unauthorised absences, the persistent-absence flag, each day, and the latest exceptions")
            .WithDescription("Default range: the current academic year to today. Persistent absence: absent (authorised, unauthorised or excused) in at least 10% of possible sessions.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/attendance/students", async Task<Results<Ok<StudentsAttendance>, ProblemHttpResult>> (
                int schoolId, DateOnly? from, DateOnly? to, bool? persistentOnly, int? yearGroup, Caller caller, AttendanceSummariesHandler handler,
                CancellationToken cancellationToken) =>
            (await handler.StudentsAsync(caller, schoolId, from, to, persistentOnly ?? false, yearGroup, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.AttendanceView)
            .WithTags("Attendance")
            .WithName("ListStudentsAttendance")
            .WithSummary("Each student's attendance in a school (those the caller may see), most absent first; persistentOnly=true for the persistent absentees")
            .ProducesValidationProblem();

        api.MapGet("/attendance/sections/{id:int}/summary", async Task<Results<Ok<SectionAttendance>, ProblemHttpResult>> (
                int id, DateOnly? from, DateOnly? to, Caller caller, AttendanceSummariesHandler handler, CancellationToken cancellationToken) =>
            (await handler.SectionAsync(caller, id, from, to, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.AttendanceView)
            .WithTags("Attendance")
            .WithName("GetSectionAttendance")
            .WithSummary("A section's attendance at its own registers, per student (only those the caller may see) and in total")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/attendance/days", async Task<Results<Ok<DaysAttendance>, ProblemHttpResult>> (
                int schoolId, DateOnly? from, DateOnly? to, Caller caller, AttendanceSummariesHandler handler, CancellationToken cancellationToken) =>
            (await handler.DaysAsync(caller, schoolId, from, to, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.AttendanceView)
            .WithTags("Attendance")
            .WithName("GetAttendanceDays")
            .WithSummary("Attendance per day in a school, over the students the caller may see")
            .ProducesValidationProblem();
        return api;
    }

    public static IEndpointRouteBuilder MapRegistrationSettings(this IEndpointRouteBuilder api)
    {
        api.MapGet("/attendance/settings/{schoolId:int}", async Task<Results<Ok<RegistrationSettings>, ProblemHttpResult>> (
                int schoolId, Caller caller, RegistrationSettingsHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, schoolId, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.SchoolView)
            .WithTags("Attendance")
            .WithName("GetRegistrationSettings")
            .WithSummary("How a school takes attendance: each year group's mode (lessons or daily AM/PM) and each form group's tutor")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPut("/attendance/settings/{schoolId:int}", async Task<Results<Ok<RegistrationSettings>, ProblemHttpResult>> (
                int schoolId, RegistrationSettingsRequest request, Caller caller, RegistrationSettingsHandler handler, CancellationToken cancellationToken) =>
            (await handler.SaveAsync(caller, schoolId, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.SchoolConfigure)
            .WithTags("Attendance")
            .WithName("SaveRegistrationSettings")
            .WithSummary("Sets the mode of the listed year groups and the tutor of the listed form groups (null removes one); others stay")
            .WithDescription("Body: { yearGroups: [{ yearGroup, mode: 'lessons'|'daily' }], formGroups: [{ formGroup, staffMemberId|null }] }. Safe to repeat.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
