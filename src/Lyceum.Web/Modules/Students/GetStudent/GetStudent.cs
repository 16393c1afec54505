using System.Text.Json.Serialization;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Students.GetStudent;

/// <summary>A student's profile: details, guardians and current enrolments with their timetable.</summary>
public sealed record StudentDetails(
    int Id,
    int SchoolId,
    string SchoolName,
    string StudentNumber,
    string FirstName,
    string LastName,
    string? PreferredName,
    DateOnly DateOfBirth,
    Gender Gender,
    int YearGroup,
    string? FormGroup,
    string? Email,
    string? Phone,
    string? Address,
    DateOnly AdmittedOn,
    DateTime? ArchivedAt,
    IReadOnlyList<StudentGuardianItem> Guardians,
    IReadOnlyList<StudentEnrollmentItem> Enrollments)
{
    /// <summary>The concurrency version, sent as the ETag header rather than in the body.</summary>
    [JsonIgnore]
    public Guid Version { get; init; }
}

public sealed record StudentGuardianItem(
    int GuardianId,
    string? Title,
    string FirstName,
    string LastName,
    Relationship Relationship,
    string? Email,
    string? Phone,
    bool LivesWith,
    bool MayCollect,
    bool ReceivesMail,
    bool HasParentalResponsibility,
    int ContactPriority);

public sealed record StudentEnrollmentItem(
    int SectionId,
    string Section,
    string CourseCode,
    string Course,
    string Teacher,
    string? Room,
    string Term,
    DateOnly EnrolledOn,
    DateOnly? WithdrawnOn,
    IReadOnlyList<MeetingItem> Meetings);

public sealed record MeetingItem(DayOfWeek Day, string Period, TimeOnly Start, TimeOnly End);

/// <summary>
/// A student's profile, if the caller's grants reach it; otherwise not found, as if there were no such student.
/// </summary>
public sealed class GetStudentHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access)
{
    public async Task<Result<StudentDetails>> HandleAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var student = await access.Reachable(db.Students.AsNoTracking(), caller, Permissions.StudentsView)
            .Where(s => s.Id == id)
            .Select(s => new { Student = s, SchoolName = s.School!.Name })
            .FirstOrDefaultAsync(cancellationToken);
        if (student is null)
        {
            return new Error.NotFound($"There is no student {id}.");
        }

        // The profile shows only what the caller's other grants reach too: guardians through guardians.view, enrolments
        // and timetable through sections.view. A role with students.view alone sees the student's own details.
        var visibleGuardians = access.Reachable(db.Guardians, caller, Permissions.GuardiansView);
        var visibleSections = access.Reachable(db.Sections, caller, Permissions.SectionsView);
        var guardians = await db.StudentGuardians.AsNoTracking()
            .Where(l => l.StudentId == id && visibleGuardians.Any(g => g.Id == l.GuardianId))
            .OrderBy(l => l.ContactPriority)
            .Select(l => new StudentGuardianItem(
                l.GuardianId, l.Guardian!.Title, l.Guardian.FirstName, l.Guardian.LastName, l.Relationship,
                l.Guardian.Email, l.Guardian.Phone, l.LivesWith, l.MayCollect, l.ReceivesMail,
                l.HasParentalResponsibility, l.ContactPriority))
            .ToListAsync(cancellationToken);

        var enrolments = await db.Enrollments.AsNoTracking()
            .Where(e => e.StudentId == id && visibleSections.Any(x => x.Id == e.SectionId))
            .Select(e => new
            {
                e.SectionId,
                Section = e.Section!.Name,
                CourseCode = e.Section.Course!.Code,
                Course = e.Section.Course.Name,
                Teacher = (e.Section.Teacher!.Title ?? string.Empty) + " " + e.Section.Teacher.LastName,
                Room = e.Section.Room == null ? null : e.Section.Room.Name,
                Term = e.Section.Term!.Name,
                e.EnrolledOn,
                e.WithdrawnOn,
                Meetings = e.Section.Meetings
                    .Select(m => new { m.Day, m.Period!.Name, m.Period.Order, m.Period.StartTime, m.Period.EndTime })
                    .ToList(),
            })
            .ToListAsync(cancellationToken);

        var s = student.Student;
        return new StudentDetails(
            s.Id, s.SchoolId, student.SchoolName, s.StudentNumber, s.FirstName, s.LastName, s.PreferredName,
            s.DateOfBirth, s.Gender, s.YearGroup, s.FormGroup, s.Email, s.Phone, s.Address, s.AdmittedOn, s.ArchivedAt,
            guardians,
            [.. enrolments
                .OrderBy(e => e.WithdrawnOn.HasValue)
                .ThenBy(e => e.Course, StringComparer.CurrentCulture)
                .Select(e => new StudentEnrollmentItem(
                    e.SectionId, e.Section, e.CourseCode, e.Course, e.Teacher.Trim(), e.Room, e.Term, e.EnrolledOn, e.WithdrawnOn,
                    [.. e.Meetings.OrderBy(m => m.Day).ThenBy(m => m.Order).Select(m => new MeetingItem(m.Day, m.Name, m.StartTime, m.EndTime))]))])
        {
            Version = s.Version,
        };
    }
}
