using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Demo;

/// <summary>
/// The current term of a demo school as the contributors after <see cref="RecordsDemo"/> need it: its school days so
/// far, bell times, sections with meetings and enrolments, staff and students. Read once per school (kept in
/// <see cref="DemoSchool.Items"/>) as plain values, so it adds nothing to the change tracker.
/// </summary>
public sealed class DemoTimetable
{
    private const string Key = "demo.timetable";

    private DemoTimetable(TimeZoneInfo zone) => Zone = zone;

    public required DateOnly TermStart { get; init; }

    public required DateOnly TermEnd { get; init; }

    /// <summary>The term's weekdays before the demo's today: the days whose registers were taken and whose incidents happened.</summary>
    public required IReadOnlyList<DateOnly> SchoolDays { get; init; }

    public required IReadOnlyDictionary<int, DemoPeriod> Periods { get; init; }

    public required IReadOnlyList<DemoSection> Sections { get; init; }

    public required IReadOnlyList<DemoStaff> Staff { get; init; }

    public required IReadOnlyList<DemoStudent> Students { get; init; }

    public required IReadOnlyDictionary<int, string> Rooms { get; init; }

    public TimeZoneInfo Zone { get; }

    /// <summary>A time on the school's wall clock as UTC.</summary>
    public DateTime ToUtc(DateOnly date, TimeOnly time) =>
        TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(time, DateTimeKind.Unspecified), Zone);

    /// <summary>The school day after <paramref name="date"/> (weekends skipped; the term's end is not).</summary>
    public static DateOnly NextWeekday(DateOnly date)
    {
        do
        {
            date = date.AddDays(1);
        }
        while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);

        return date;
    }

    public static async Task<DemoTimetable> OfAsync(DemoSchool demo, LyceumDbContext db, CancellationToken cancellationToken)
    {
        if (demo.Items.TryGetValue(Key, out var cached))
        {
            return (DemoTimetable)cached;
        }

        var schoolId = demo.School.Id;
        var termId = (int)demo.Items[RecordsDemo.CurrentTermKey];
        var term = await db.Terms.AsNoTracking().Where(t => t.Id == termId)
            .Select(t => new { t.StartDate, t.EndDate }).SingleAsync(cancellationToken);
        var periods = await db.Periods.AsNoTracking().Where(p => p.SchoolId == schoolId && p.ArchivedAt == null)
            .Select(p => new DemoPeriod(p.Id, p.Order, p.StartTime, p.EndTime)).ToDictionaryAsync(p => p.Id, cancellationToken);
        var sections = await db.Sections.AsNoTracking().Where(s => s.TermId == termId && s.ArchivedAt == null).OrderBy(s => s.Id)
            .Select(s => new { s.Id, s.Name, Course = s.Course!.Code, s.Course.YearGroup, s.TeacherId, s.RoomId }).ToListAsync(cancellationToken);
        var meetings = (await db.SectionMeetings.AsNoTracking().Where(m => db.Sections.Any(s => s.Id == m.SectionId && s.TermId == termId))
                .OrderBy(m => m.Day).ThenBy(m => m.PeriodId).Select(m => new { m.SectionId, m.Day, m.PeriodId }).ToListAsync(cancellationToken))
            .ToLookup(m => m.SectionId, m => new DemoMeeting(m.Day, m.PeriodId));
        var enrolments = (await db.Enrollments.AsNoTracking().Where(e => e.Section!.TermId == termId)
                .OrderBy(e => e.StudentId).Select(e => new { e.SectionId, e.StudentId, e.EnrolledOn, e.WithdrawnOn }).ToListAsync(cancellationToken))
            .ToLookup(e => e.SectionId, e => new DemoEnrolment(e.StudentId, e.EnrolledOn, e.WithdrawnOn));
        var staff = await db.Staff.AsNoTracking().Where(s => s.SchoolId == schoolId && s.ArchivedAt == null).OrderBy(s => s.Id)
            .Select(s => new DemoStaff(s.Id, s.FirstName + " " + s.LastName, s.UserId, s.DepartmentId, s.JobTitle)).ToListAsync(cancellationToken);
        var students = await db.Students.AsNoTracking().Where(s => s.SchoolId == schoolId && s.ArchivedAt == null).OrderBy(s => s.Id)
            .Select(s => new DemoStudent(s.Id, s.YearGroup, s.FormGroup, s.AdmittedOn)).ToListAsync(cancellationToken);
        var rooms = await db.Rooms.AsNoTracking().Where(r => r.SchoolId == schoolId && r.ArchivedAt == null)
            .ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);

        var days = new List<DateOnly>();
        var last = demo.Today.AddDays(-1) < term.EndDate ? demo.Today.AddDays(-1) : term.EndDate;
        for (var day = term.StartDate; day <= last; day = day.AddDays(1))
        {
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days.Add(day);
            }
        }

        var timetable = new DemoTimetable(
            TimeZoneInfo.TryFindSystemTimeZoneById(demo.School.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc)
        {
            TermStart = term.StartDate,
            TermEnd = term.EndDate,
            SchoolDays = days,
            Periods = periods,
            Sections = [.. sections.Select(s => new DemoSection(s.Id, s.Name, s.Course, s.YearGroup, s.TeacherId, s.RoomId, [.. meetings[s.Id]], [.. enrolments[s.Id]]))],
            Staff = staff,
            Students = students,
            Rooms = rooms,
        };
        demo.Items[Key] = timetable;
        return timetable;
    }
}

public sealed record DemoPeriod(int Id, int Order, TimeOnly Start, TimeOnly End)
{
    public bool Morning => Start.Hour < 12;
}

public sealed record DemoMeeting(DayOfWeek Day, int PeriodId);

public sealed record DemoEnrolment(int StudentId, DateOnly EnrolledOn, DateOnly? WithdrawnOn)
{
    public bool On(DateOnly date) => EnrolledOn <= date && (WithdrawnOn is null || WithdrawnOn > date);
}

/// <summary>A section of the term; <see cref="Course"/> is its course's code ("Y9-GE"), <see cref="YearGroup"/> null for a mixed course.</summary>
public sealed record DemoSection(
    int Id, string Name, string Course, int? YearGroup, int TeacherId, int? RoomId, IReadOnlyList<DemoMeeting> Meetings, IReadOnlyList<DemoEnrolment> Enrolments);

public sealed record DemoStaff(int Id, string Name, Guid? UserId, int? DepartmentId, string? JobTitle)
{
    /// <summary>Staff in a department teach; the others (head, office, support) do not.</summary>
    public bool Teaches => DepartmentId is not null;
}

public sealed record DemoStudent(int Id, int YearGroup, string? FormGroup, DateOnly AdmittedOn);
