using Lyceum.Modules.Schools;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Attendance.TakeRegister;

/// <summary>Which register: a section's meeting on a date, or a form group's AM or PM session (daily registration).</summary>
public abstract record RegisterKey(DateOnly Date)
{
    public sealed record Lesson(int SectionId, DateOnly Date, int PeriodId) : RegisterKey(Date);

    public sealed record Daily(int SchoolId, string FormGroup, DateOnly Date, DaySession Session) : RegisterKey(Date);
}

/// <summary>A register's occasion, checked: it exists in the timetable, the caller may take it, and who is on it.</summary>
public sealed record RegisterOccasion(
    int SchoolId, string Slot, DateOnly Date, int? SectionId, string? Section, int? PeriodId, string? Period,
    TimeOnly? StartTime, TimeOnly? EndTime, string? FormGroup, DaySession? Session, IReadOnlyList<RosterStudent> Roster)
{
    /// <summary>
    /// Whether the register was taken when the occasion was read (in the same query, for a lesson); null when not
    /// asked. False spares reading a register that is not there; it is not a promise (a register inserted a moment
    /// later makes the insert fail on the unique slot, and the submission is read again).
    /// </summary>
    public bool? Taken { get; init; }
}

public sealed record RosterStudent(int StudentId, string StudentNumber, string FirstName, string LastName, string? PreferredName);

/// <summary>
/// Resolves a <see cref="RegisterKey"/> to its occasion, or to the reason there is none. Shared by reading a register
/// and submitting it, so both refuse the same things: a section the caller does not teach (404, as if it did not
/// exist), a date outside the term or after the school's today, a period the section does not meet in that day.
/// </summary>
public sealed class RegisterOccasions(AccessService access, TimeProvider clock)
{
    public async Task<Result<RegisterOccasion>> ResolveAsync(LyceumDbContext db, Caller caller, RegisterKey key, CancellationToken cancellationToken) =>
        key switch
        {
            RegisterKey.Lesson lesson => await LessonAsync(db, caller, lesson, cancellationToken),
            RegisterKey.Daily daily => await DailyAsync(db, caller, daily, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(key)),
        };

    private async Task<Result<RegisterOccasion>> LessonAsync(LyceumDbContext db, Caller caller, RegisterKey.Lesson key, CancellationToken cancellationToken)
    {
        var date = key.Date;
        var slot = Register.LessonSlot(key.SectionId, date, key.PeriodId);
        // One round trip: the section, its meeting, who is on it that day and whether it was taken (a register is read
        // and submitted many times a minute at the start of each lesson; the roster is wasted only on a refusal).
        var section = await access.Reachable(db.Sections, caller, Permissions.AttendanceEdit)
            .Where(s => s.Id == key.SectionId)
            .Select(s => new
            {
                s.Id,
                s.Name,
                s.Course!.SchoolId,
                TimeZone = db.Schools.Where(x => x.Id == s.Course.SchoolId).Select(x => x.TimeZone).First(),
                TermStart = s.Term!.StartDate,
                TermEnd = s.Term.EndDate,
                Meeting = s.Meetings.Where(m => m.PeriodId == key.PeriodId && m.Day == key.Date.DayOfWeek)
                    .Select(m => new { m.Period!.Name, m.Period.StartTime, m.Period.EndTime })
                    .FirstOrDefault(),
                Roster = s.Enrollments
                    .Where(e => e.EnrolledOn <= date && (e.WithdrawnOn == null || e.WithdrawnOn > date))
                    .OrderBy(e => e.Student!.LastName).ThenBy(e => e.Student!.FirstName)
                    .Select(e => new RosterStudent(e.StudentId, e.Student!.StudentNumber, e.Student.FirstName, e.Student.LastName, e.Student.PreferredName))
                    .ToList(),
                Taken = db.Registers.Any(r => r.Slot == slot),
            })
            .AsNoTracking()
            .FirstOrDefaultAsync(cancellationToken);
        if (section is null)
        {
            return new Error.NotFound($"There is no section {key.SectionId} whose register you can take.");
        }

        if (DateError(key.Date, section.TermStart, section.TermEnd, clock.Today(section.TimeZone)) is { } dateError)
        {
            return Error.Field("date", dateError);
        }

        if (section.Meeting is null)
        {
            return Error.Field("periodId", $"{section.Name} does not meet in that period on {key.Date.DayOfWeek}s.");
        }

        return new RegisterOccasion(
            section.SchoolId, slot, date, section.Id, section.Name, key.PeriodId,
            section.Meeting.Name, section.Meeting.StartTime, section.Meeting.EndTime, null, null, section.Roster)
        {
            Taken = section.Taken,
        };
    }

    private async Task<Result<RegisterOccasion>> DailyAsync(LyceumDbContext db, Caller caller, RegisterKey.Daily key, CancellationToken cancellationToken)
    {
        var form = key.FormGroup.Trim();
        var school = await db.Schools.AsNoTracking().Where(s => s.Id == key.SchoolId).Select(s => new { s.Id, s.TimeZone }).FirstOrDefaultAsync(cancellationToken);
        if (school is null || !await MayTakeDailyAsync(db, caller, key.SchoolId, form, cancellationToken))
        {
            return new Error.NotFound($"There is no form group {form} whose register you can take.");
        }

        var date = key.Date;
        var term = await db.Terms.AsNoTracking()
            .Where(t => t.AcademicYear!.SchoolId == key.SchoolId && t.ArchivedAt == null && t.StartDate <= date && t.EndDate >= date)
            .Select(t => new { t.StartDate, t.EndDate })
            .FirstOrDefaultAsync(cancellationToken);
        if (DateError(date, term?.StartDate, term?.EndDate, clock.Today(school.TimeZone)) is { } dateError)
        {
            return Error.Field("date", dateError);
        }

        if (IsWeekend(date))
        {
            return Error.Field("date", $"{date:yyyy-MM-dd} is a {date.DayOfWeek}: daily registers are taken on weekdays.");
        }

        var daily = await DailyYearGroupsAsync(db, key.SchoolId, cancellationToken);
        var roster = await db.Students
            .Where(s => s.SchoolId == key.SchoolId && s.FormGroup == form && s.ArchivedAt == null && s.AdmittedOn <= date && daily.Contains(s.YearGroup))
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName)
            .Select(s => new RosterStudent(s.Id, s.StudentNumber, s.FirstName, s.LastName, s.PreferredName))
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        if (roster.Count == 0)
        {
            return Error.Field("formGroup", $"Form group {form} takes no daily register: its year group takes a register at each lesson.");
        }

        return new RegisterOccasion(
            key.SchoolId, Register.DailySlot(key.SchoolId, form, date, key.Session), date, null, null, null, null,
            null, null, form, key.Session, roster);
    }

    /// <summary>Whether the caller may take a form group's daily registers: a school-wide grant, or being its form tutor.</summary>
    public static async Task<bool> MayTakeDailyAsync(LyceumDbContext db, Caller caller, int schoolId, string formGroup, CancellationToken cancellationToken)
    {
        var grants = caller.GrantsOf(Permissions.AttendanceEdit).ToList();
        if (grants.Any(g => g.Scope == AccessScope.School && (g.SchoolId is null || g.SchoolId == schoolId)))
        {
            return true;
        }

        return caller.UserId is { } user && grants.Any(g => g.Scope == AccessScope.OwnSections)
            && await db.FormTutors.AnyAsync(t => t.SchoolId == schoolId && t.FormGroup == formGroup && t.StaffMember!.UserId == user, cancellationToken);
    }

    /// <summary>The year groups of a school that take daily (AM/PM) registers instead of lesson registers.</summary>
    public static Task<List<int>> DailyYearGroupsAsync(LyceumDbContext db, int schoolId, CancellationToken cancellationToken) =>
        db.YearGroupRegistrations.Where(r => r.SchoolId == schoolId && r.Mode == RegistrationMode.Daily).Select(r => r.YearGroup).ToListAsync(cancellationToken);

    public static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    private static string? DateError(DateOnly date, DateOnly? termStart, DateOnly? termEnd, DateOnly today)
    {
        if (date > today)
        {
            return $"A register can be taken on the day or later, not for {date:yyyy-MM-dd} (today is {today:yyyy-MM-dd}).";
        }

        return termStart is null || date < termStart || date > termEnd
            ? $"{date:yyyy-MM-dd} is outside the term, so there is no register that day."
            : null;
    }
}
