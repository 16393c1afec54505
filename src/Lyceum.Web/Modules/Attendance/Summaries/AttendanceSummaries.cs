using Lyceum.Modules.Schools;
using Lyceum.Modules.Students;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Attendance.Summaries;

/// <summary>A student's attendance over a range: the tally, each day (the heat-map), and the latest marks that were not plain present.</summary>
public sealed record StudentAttendance(
    int StudentId, string Name, DateOnly From, DateOnly To, AttendanceTally Tally, IReadOnlyList<DayTally> Days, IReadOnlyList<MarkLine> Exceptions);

public sealed record DayTally(DateOnly Date, AttendanceTally Tally);

public sealed record MarkLine(DateOnly Date, string Occasion, string Code, string CodeName, AttendanceCategory Category, bool Authorised, int? LateMinutes, string? Note);

public sealed record StudentTally(int StudentId, string StudentNumber, string FirstName, string LastName, int YearGroup, string? FormGroup, AttendanceTally Tally);

public sealed record StudentsAttendance(DateOnly From, DateOnly To, AttendanceTally Total, int PersistentAbsentees, IReadOnlyList<StudentTally> Students);

public sealed record SectionAttendance(int SectionId, string Section, DateOnly From, DateOnly To, int Registers, AttendanceTally Total, IReadOnlyList<StudentTally> Students);

public sealed record DaysAttendance(DateOnly From, DateOnly To, AttendanceTally Total, IReadOnlyList<DayTally> Days);

/// <summary>A school or section the summaries pages offer to choose.</summary>
public sealed record SummaryChoice(int Id, string Name);

/// <summary>
/// Attendance summaries: per student (with the days of a heat-map), per school's students (the persistent-absence
/// list), per section and per day. Every one counts only the students the caller may see attendance of
/// (<c>attendance.view</c> through the student's scope rules): a guardian's per-day figures are their child's.
/// </summary>
public sealed class AttendanceSummariesHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, TimeProvider clock)
{
    public const int MaxRangeDays = 400;
    public const int MaxExceptions = 60;

    public async Task<Result<StudentAttendance>> StudentAsync(Caller caller, int studentId, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var student = await access.Reachable(db.Students, caller, Permissions.AttendanceView)
            .Where(s => s.Id == studentId)
            .Select(s => new { s.Id, s.SchoolId, Name = (s.PreferredName ?? s.FirstName) + " " + s.LastName })
            .AsNoTracking()
            .FirstOrDefaultAsync(cancellationToken);
        if (student is null)
        {
            return new Error.NotFound($"There is no student {studentId}.");
        }

        var range = await RangeAsync(db, student.SchoolId, from, to, cancellationToken);
        if (range.Error is { } error)
        {
            return error;
        }

        var (start, end) = range.Value;
        var marks = db.AttendanceMarks.AsNoTracking().Where(m => m.StudentId == studentId && m.Date >= start && m.Date <= end);
        var groups = await marks
            .GroupBy(m => new { m.Date, m.Code!.Category, m.Code.Authorised, m.Code.CountsAsPossible })
            .Select(g => new { g.Key.Date, g.Key.Category, g.Key.Authorised, g.Key.CountsAsPossible, Count = g.Count(), Late = g.Sum(m => m.LateMinutes ?? 0) })
            .ToListAsync(cancellationToken);
        var days = groups.GroupBy(g => g.Date)
            .OrderBy(d => d.Key)
            .Select(d => new DayTally(d.Key, d.Aggregate(AttendanceTally.Empty, (t, g) => t.Add(g.Category, g.Authorised, g.CountsAsPossible, g.Count, g.Late))))
            .ToList();
        var total = groups.Aggregate(AttendanceTally.Empty, (t, g) => t.Add(g.Category, g.Authorised, g.CountsAsPossible, g.Count, g.Late));
        var exceptions = await marks
            .Where(m => m.Code!.Category != AttendanceCategory.Present || m.Note != null)
            .OrderByDescending(m => m.Date).ThenByDescending(m => m.Id)
            .Take(MaxExceptions)
            .Select(m => new
            {
                m.Date,
                Section = db.Registers.Where(r => r.Id == m.RegisterId).Select(r => r.Section!.Name + " " + r.Period!.Name).FirstOrDefault(),
                Daily = db.Registers.Where(r => r.Id == m.RegisterId).Select(r => r.FormGroup + " " + r.Session).FirstOrDefault(),
                IsLesson = db.Registers.Any(r => r.Id == m.RegisterId && r.SectionId != null),
                m.Code!.Code,
                m.Code.Name,
                m.Code.Category,
                m.Code.Authorised,
                m.LateMinutes,
                m.Note,
            })
            .ToListAsync(cancellationToken);
        return new StudentAttendance(
            student.Id, student.Name, start, end, total, days,
            [.. exceptions.Select(e => new MarkLine(e.Date, (e.IsLesson ? e.Section : e.Daily) ?? "", e.Code, e.Name, e.Category, e.Authorised, e.LateMinutes, e.Note))]);
    }

    public async Task<Result<StudentsAttendance>> StudentsAsync(
        Caller caller, int schoolId, DateOnly? from, DateOnly? to, bool persistentOnly, int? yearGroup, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var range = await RangeAsync(db, schoolId, from, to, cancellationToken);
        if (range.Error is { } error)
        {
            return error;
        }

        var (start, end) = range.Value;
        var students = access.Reachable(db.Students, caller, Permissions.AttendanceView)
            .Where(s => s.SchoolId == schoolId && s.ArchivedAt == null && (yearGroup == null || s.YearGroup == yearGroup));
        var rows = await TallyStudentsAsync(db, students, db.AttendanceMarks.Where(m => m.Date >= start && m.Date <= end), cancellationToken);
        var total = Sum(rows);
        var persistent = rows.Count(r => r.Tally.PersistentAbsence);
        var listed = rows.Where(r => !persistentOnly || r.Tally.PersistentAbsence)
            .OrderByDescending(r => r.Tally.AbsencePercent ?? 0).ThenBy(r => r.LastName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.FirstName, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new StudentsAttendance(start, end, total, persistent, listed);
    }

    public async Task<Result<SectionAttendance>> SectionAsync(Caller caller, int sectionId, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var section = await access.Reachable(db.Sections, caller, Permissions.AttendanceView)
            .Where(s => s.Id == sectionId)
            .Select(s => new { s.Id, s.Name, s.Course!.SchoolId, s.Term!.StartDate, s.Term.EndDate })
            .AsNoTracking()
            .FirstOrDefaultAsync(cancellationToken);
        if (section is null)
        {
            return new Error.NotFound($"There is no section {sectionId}.");
        }

        // By default the section's term so far (all of it once over; none of it before it starts).
        var today = await clock.TodayAtAsync(db, section.SchoolId, cancellationToken);
        var until = to ?? (today < section.EndDate ? today : section.EndDate);
        var since = from ?? (section.StartDate <= until ? section.StartDate : until);
        var range = await RangeAsync(db, section.SchoolId, since, until, cancellationToken);
        if (range.Error is { } error)
        {
            return error;
        }

        var (start, end) = range.Value;
        var marks = db.AttendanceMarks.Where(m => m.Date >= start && m.Date <= end && db.Registers.Any(r => r.Id == m.RegisterId && r.SectionId == sectionId));
        var students = access.Reachable(db.Students, caller, Permissions.AttendanceView)
            .Where(s => s.Enrollments.Any(e => e.SectionId == sectionId));
        var rows = await TallyStudentsAsync(db, students, marks, cancellationToken);
        var registers = await db.Registers.CountAsync(r => r.SectionId == sectionId && r.Date >= start && r.Date <= end, cancellationToken);
        return new SectionAttendance(
            section.Id, section.Name, start, end, registers, Sum(rows),
            [.. rows.OrderBy(r => r.LastName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.FirstName, StringComparer.OrdinalIgnoreCase)]);
    }

    public async Task<Result<DaysAttendance>> DaysAsync(Caller caller, int schoolId, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var range = await RangeAsync(db, schoolId, from, to, cancellationToken);
        if (range.Error is { } error)
        {
            return error;
        }

        var (start, end) = range.Value;
        var students = access.Reachable(db.Students, caller, Permissions.AttendanceView).Where(s => s.SchoolId == schoolId);
        var marks = caller.CanEverywhere(Permissions.AttendanceView)
            ? db.AttendanceMarks.Where(m => m.Date >= start && m.Date <= end && db.Registers.Any(r => r.Id == m.RegisterId && r.SchoolId == schoolId))
            : db.AttendanceMarks.Where(m => m.Date >= start && m.Date <= end && students.Any(s => s.Id == m.StudentId));
        var groups = await marks.AsNoTracking()
            .GroupBy(m => new { m.Date, m.Code!.Category, m.Code.Authorised, m.Code.CountsAsPossible })
            .Select(g => new { g.Key.Date, g.Key.Category, g.Key.Authorised, g.Key.CountsAsPossible, Count = g.Count(), Late = g.Sum(m => m.LateMinutes ?? 0) })
            .ToListAsync(cancellationToken);
        var days = groups.GroupBy(g => g.Date).OrderBy(d => d.Key)
            .Select(d => new DayTally(d.Key, d.Aggregate(AttendanceTally.Empty, (t, g) => t.Add(g.Category, g.Authorised, g.CountsAsPossible, g.Count, g.Late))))
            .ToList();
        return new DaysAttendance(start, end, groups.Aggregate(AttendanceTally.Empty, (t, g) => t.Add(g.Category, g.Authorised, g.CountsAsPossible, g.Count, g.Late)), days);
    }

    /// <summary>The live schools with students whose attendance the caller may see: the overview's choice of school.</summary>
    public async Task<IReadOnlyList<SummaryChoice>> SchoolsAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var students = access.Reachable(db.Students, caller, Permissions.AttendanceView);
        return await db.Schools.AsNoTracking()
            .Where(s => s.ArchivedAt == null && students.Any(x => x.SchoolId == s.Id))
            .OrderBy(s => s.Name)
            .Select(s => new SummaryChoice(s.Id, s.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The year groups of a school's current students the caller may see (the overview's year filter).</summary>
    public async Task<IReadOnlyList<int>> YearGroupsAsync(Caller caller, int schoolId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await access.Reachable(db.Students, caller, Permissions.AttendanceView).AsNoTracking()
            .Where(s => s.SchoolId == schoolId && s.ArchivedAt == null)
            .Select(s => s.YearGroup)
            .Distinct()
            .OrderBy(y => y)
            .ToListAsync(cancellationToken);
    }

    /// <summary>A school's sections the caller may see attendance of whose term overlaps the range, the latest term first.</summary>
    public async Task<IReadOnlyList<SummaryChoice>> SectionsAsync(Caller caller, int schoolId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var sections = await access.Reachable(db.Sections, caller, Permissions.AttendanceView).AsNoTracking()
            .Where(s => s.Course!.SchoolId == schoolId && s.ArchivedAt == null && s.Term!.StartDate <= to && s.Term.EndDate >= from)
            .OrderByDescending(s => s.Term!.StartDate).ThenBy(s => s.Name)
            .Select(s => new { s.Id, s.Name, Course = s.Course!.Name, Term = s.Term!.Name })
            .ToListAsync(cancellationToken);
        return [.. sections.Select(s => new SummaryChoice(s.Id, $"{s.Name} · {s.Course} · {s.Term}"))];
    }

    /// <summary>
    /// Each of <paramref name="students"/>' tallies from <paramref name="from"/> to <paramref name="to"/>, counted as every
    /// summary counts (report cards print it). No access check: the caller narrows <paramref name="students"/>.
    /// </summary>
    public static Task<List<StudentTally>> TallyAsync(
        LyceumDbContext db, IQueryable<Student> students, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        TallyStudentsAsync(db, students, db.AttendanceMarks.Where(m => m.Date >= from && m.Date <= to), cancellationToken);

    private static async Task<List<StudentTally>> TallyStudentsAsync(
        LyceumDbContext db, IQueryable<Student> students, IQueryable<AttendanceMark> marks, CancellationToken cancellationToken)
    {
        var people = await students.AsNoTracking()
            .Select(s => new { s.Id, s.StudentNumber, FirstName = s.PreferredName ?? s.FirstName, s.LastName, s.YearGroup, s.FormGroup })
            .ToListAsync(cancellationToken);
        var groups = await marks.AsNoTracking()
            .Where(m => students.Any(s => s.Id == m.StudentId))
            .GroupBy(m => new { m.StudentId, m.Code!.Category, m.Code.Authorised, m.Code.CountsAsPossible })
            .Select(g => new { g.Key.StudentId, g.Key.Category, g.Key.Authorised, g.Key.CountsAsPossible, Count = g.Count(), Late = g.Sum(m => m.LateMinutes ?? 0) })
            .ToListAsync(cancellationToken);
        var byStudent = groups.ToLookup(g => g.StudentId);
        return [.. people.Select(p => new StudentTally(
            p.Id, p.StudentNumber, p.FirstName, p.LastName, p.YearGroup, p.FormGroup,
            byStudent[p.Id].Aggregate(AttendanceTally.Empty, (t, g) => t.Add(g.Category, g.Authorised, g.CountsAsPossible, g.Count, g.Late))))];
    }

    private static AttendanceTally Sum(IEnumerable<StudentTally> rows) =>
        rows.Aggregate(AttendanceTally.Empty, (t, r) => new AttendanceTally(
            t.Possible + r.Tally.Possible, t.Present + r.Tally.Present, t.Late + r.Tally.Late, t.AuthorisedAbsent + r.Tally.AuthorisedAbsent,
            t.UnauthorisedAbsent + r.Tally.UnauthorisedAbsent, t.Excused + r.Tally.Excused, t.LateMinutes + r.Tally.LateMinutes));

    /// <summary>The range asked for, by default the school's current academic year up to today; at most 400 days.</summary>
    private async Task<Result<(DateOnly, DateOnly)>> RangeAsync(LyceumDbContext db, int schoolId, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        var today = await clock.TodayAtAsync(db, schoolId, cancellationToken);
        var end = to ?? today;
        var start = from ?? await db.AcademicYears.AsNoTracking()
            .Where(y => y.SchoolId == schoolId && y.StartDate <= end && y.EndDate >= end)
            .Select(y => (DateOnly?)y.StartDate)
            .FirstOrDefaultAsync(cancellationToken) ?? end.AddDays(-90);
        if (start > end)
        {
            return Error.Field("from", "Must not be after 'to'.");
        }

        return end.DayNumber - start.DayNumber > MaxRangeDays
            ? Error.Field("to", $"At most {MaxRangeDays} days at once.")
            : (start, end);
    }
}
