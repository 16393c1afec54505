using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Academics.Timetable;

/// <summary>Whose week a timetable shows.</summary>
public enum TimetableKind
{
    Student,
    Staff,
    Room,
    Section,
}

/// <summary>Exactly one of the four ids; <paramref name="TermId"/> picks another term of the subject's school.</summary>
public sealed record TimetableQuery(int? StudentId = null, int? StaffId = null, int? RoomId = null, int? SectionId = null, int? TermId = null);

/// <summary>A week grid: the bell schedule down, the days across, the subject's live sections of the term in the cells.</summary>
public sealed record TimetableView(
    TimetableSubject Subject,
    TimetableTerm? Term,
    IReadOnlyList<TimetableTerm> Terms,
    IReadOnlyList<TimetablePeriod> Periods,
    IReadOnlyList<DayOfWeek> Days,
    IReadOnlyList<TimetableMeeting> Meetings);

public sealed record TimetableSubject(TimetableKind Kind, int Id, string Name);

public sealed record TimetableTerm(int Id, string Name, DateOnly StartsOn, DateOnly EndsOn);

public sealed record TimetablePeriod(int Id, string Name, TimeOnly StartsAt, TimeOnly EndsAt, int Order);

public sealed record TimetableMeeting(
    DayOfWeek Day, int PeriodId, int SectionId, string SectionName, string CourseName, int TeacherId, string TeacherName, int? RoomId, string? RoomName);

/// <summary>Which of the sections, staff and rooms named in a grid the caller may open as timetables of their own.</summary>
public sealed record TimetableLinks(IReadOnlySet<int> Sections, IReadOnlySet<int> Staff, IReadOnlySet<int> Rooms);

/// <summary>
/// The timetable of a student, a member of staff, a room or a section. Each subject is reached through the permission
/// that guards it: a student through <c>students.view</c>, a section through <c>sections.view</c>, a room through
/// <c>school.view</c>; a member of staff needs <c>sections.view</c> and is reached in the schools <c>school.view</c>
/// reaches, or as the caller themself. No grant of that permission at all: 403; out of reach: 404, as if missing.
/// </summary>
public sealed class GetTimetableHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, TimeProvider clock)
{
    private static readonly DayOfWeek[] SchoolWeek = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private static readonly string[] SubjectFields = ["studentId", "staffId", "roomId", "sectionId"];

    public async Task<Result<TimetableView>> HandleAsync(Caller caller, TimetableQuery query, CancellationToken cancellationToken)
    {
        var given = new (string Field, int? Id)[] { ("studentId", query.StudentId), ("staffId", query.StaffId), ("roomId", query.RoomId), ("sectionId", query.SectionId) }
            .Where(x => x.Id is not null).ToList();
        if (given.Count != 1)
        {
            var errors = new FieldErrors();
            foreach (var field in given.Count == 0 ? SubjectFields : given.Select(g => g.Field))
            {
                errors.Add(field, given.Count == 0
                    ? "Give one of studentId, staffId, roomId or sectionId."
                    : $"Give only one of studentId, staffId, roomId or sectionId, not {string.Join(" and ", given.Select(g => g.Field))}.");
            }

            return errors.ToError();
        }

        var (kind, id) = given[0].Field switch
        {
            "studentId" => (TimetableKind.Student, query.StudentId!.Value),
            "staffId" => (TimetableKind.Staff, query.StaffId!.Value),
            "roomId" => (TimetableKind.Room, query.RoomId!.Value),
            _ => (TimetableKind.Section, query.SectionId!.Value),
        };
        if (!caller.Can(PermissionOf(kind)))
        {
            return new Error.Forbidden("Your account's role does not allow this.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var subject = await SubjectAsync(db, caller, kind, id, cancellationToken);
        if (subject is null)
        {
            return new Error.NotFound(kind switch
            {
                TimetableKind.Student => $"There is no student {id}.",
                TimetableKind.Staff => $"There is no member of staff {id}.",
                TimetableKind.Room => $"There is no room {id}.",
                _ => $"There is no section {id}.",
            });
        }

        var school = subject.SchoolId;
        var today = await clock.TodayAtAsync(db, school, cancellationToken);
        var terms = await db.Terms.AsNoTracking()
            .Where(t => t.AcademicYear!.SchoolId == school && t.ArchivedAt == null)
            .OrderBy(t => t.StartDate)
            .Select(t => new TimetableTerm(t.Id, t.Name, t.StartDate, t.EndDate))
            .ToListAsync(cancellationToken);
        // Any term of the school may be asked for, an archived one too: its timetable is history worth reading. A
        // section runs in one term: that one by default. Anyone else: the term under way, else the next, else the last.
        var termId = query.TermId ?? subject.TermId;
        var term = termId is null ? null : terms.FirstOrDefault(t => t.Id == termId) ?? await db.Terms.AsNoTracking()
            .Where(t => t.Id == termId && t.AcademicYear!.SchoolId == school)
            .Select(t => new TimetableTerm(t.Id, t.Name, t.StartDate, t.EndDate))
            .FirstOrDefaultAsync(cancellationToken);
        if (query.TermId is not null && term is null)
        {
            return Error.Field("termId", $"There is no term {query.TermId} at this school.");
        }

        term ??= terms.FirstOrDefault(t => t.StartsOn <= today && today <= t.EndsOn)
                 ?? terms.FirstOrDefault(t => t.StartsOn > today)
                 ?? terms.LastOrDefault();
        if (term is not null && !terms.Contains(term))
        {
            terms = [.. terms.Append(term).OrderBy(t => t.StartsOn)];
        }

        var periods = await db.Periods.AsNoTracking()
            .Where(p => p.SchoolId == school && p.ArchivedAt == null)
            .OrderBy(p => p.Order)
            .Select(p => new TimetablePeriod(p.Id, p.Name, p.StartTime, p.EndTime, p.Order))
            .ToListAsync(cancellationToken);

        var meetings = term is null ? [] : await MeetingsAsync(db, kind, id, term.Id, today, cancellationToken);
        var order = periods.ToDictionary(p => p.Id, p => p.Order);
        // A meeting at a period archived since has no row to sit in: the grid shows the bell schedule as it is now.
        meetings = [.. meetings.Where(m => order.ContainsKey(m.PeriodId))
            .OrderBy(m => WeekOrder(m.Day)).ThenBy(m => order[m.PeriodId]).ThenBy(m => m.SectionName, StringComparer.CurrentCulture)];
        var days = SchoolWeek.Union(meetings.Select(m => m.Day)).OrderBy(WeekOrder).ToList();

        return new TimetableView(new TimetableSubject(kind, id, subject.Name), term, terms, periods, days, meetings);
    }

    /// <summary>
    /// The caller's own timetables, in the order a page should offer them: their student record, their staff record,
    /// then their children (eldest first). Each still goes through <see cref="HandleAsync"/> and its access rules.
    /// </summary>
    public async Task<IReadOnlyList<TimetableSubject>> MineAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } user)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var students = await db.Students.AsNoTracking()
            .Where(s => s.UserId == user && s.ArchivedAt == null)
            .OrderBy(s => s.Id)
            .Select(s => new TimetableSubject(TimetableKind.Student, s.Id, (s.PreferredName ?? s.FirstName) + " " + s.LastName))
            .ToListAsync(cancellationToken);
        var staff = await db.Staff.AsNoTracking()
            .Where(s => s.UserId == user && s.ArchivedAt == null)
            .OrderBy(s => s.Id)
            .Select(s => new TimetableSubject(TimetableKind.Staff, s.Id, (s.Title == null ? "" : s.Title + " ") + s.FirstName + " " + s.LastName))
            .ToListAsync(cancellationToken);
        var children = await db.StudentGuardians.AsNoTracking()
            .Where(l => l.Guardian!.UserId == user && l.Student!.ArchivedAt == null)
            .OrderBy(l => l.Student!.DateOfBirth).ThenBy(l => l.StudentId)
            .Select(l => new TimetableSubject(TimetableKind.Student, l.StudentId, (l.Student!.PreferredName ?? l.Student.FirstName) + " " + l.Student.LastName))
            .ToListAsync(cancellationToken);
        return [.. students.Concat(staff).Concat(children).DistinctBy(s => (s.Kind, s.Id))];
    }

    /// <summary>The sections, staff and rooms of <paramref name="view"/> whose own timetables the caller may open.</summary>
    public async Task<TimetableLinks> LinksAsync(Caller caller, TimetableView view, CancellationToken cancellationToken)
    {
        var sectionIds = view.Meetings.Select(m => m.SectionId).Distinct().ToList();
        var staffIds = view.Meetings.Select(m => m.TeacherId).Distinct().ToList();
        var roomIds = view.Meetings.Where(m => m.RoomId is not null).Select(m => m.RoomId!.Value).Distinct().ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var sections = await VisibleSections(db, caller).Where(s => sectionIds.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);
        var staff = await VisibleStaff(db, caller).Where(s => staffIds.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);
        var rooms = await access.Reachable(db.Rooms.AsNoTracking(), caller, Permissions.SchoolView).Where(r => roomIds.Contains(r.Id)).Select(r => r.Id).ToListAsync(cancellationToken);
        return new TimetableLinks(sections.ToHashSet(), staff.ToHashSet(), rooms.ToHashSet());
    }

    public static string PermissionOf(TimetableKind kind) => kind switch
    {
        TimetableKind.Student => Permissions.StudentsView,
        TimetableKind.Room => Permissions.SchoolView,
        _ => Permissions.SectionsView,
    };

    /// <summary>Monday first, Sunday last.</summary>
    public static int WeekOrder(DayOfWeek day) => ((int)day + 6) % 7;

    private sealed record SubjectFacts(string Name, int SchoolId, int? TermId);

    private async Task<SubjectFacts?> SubjectAsync(LyceumDbContext db, Caller caller, TimetableKind kind, int id, CancellationToken cancellationToken) => kind switch
    {
        TimetableKind.Student => await access.Reachable(db.Students.AsNoTracking(), caller, Permissions.StudentsView)
            .Where(s => s.Id == id)
            .Select(s => new SubjectFacts((s.PreferredName ?? s.FirstName) + " " + s.LastName, s.SchoolId, null))
            .FirstOrDefaultAsync(cancellationToken),
        TimetableKind.Staff => await VisibleStaff(db, caller)
            .Where(s => s.Id == id)
            .Select(s => new SubjectFacts((s.Title == null ? "" : s.Title + " ") + s.FirstName + " " + s.LastName, s.SchoolId, null))
            .FirstOrDefaultAsync(cancellationToken),
        TimetableKind.Room => await access.Reachable(db.Rooms.AsNoTracking(), caller, Permissions.SchoolView)
            .Where(r => r.Id == id)
            .Select(r => new SubjectFacts(r.Name, r.SchoolId, null))
            .FirstOrDefaultAsync(cancellationToken),
        _ => await VisibleSections(db, caller)
            .Where(s => s.Id == id)
            .Select(s => new SubjectFacts(s.Name, s.Course!.SchoolId, s.TermId))
            .FirstOrDefaultAsync(cancellationToken),
    };

    private IQueryable<Section> VisibleSections(LyceumDbContext db, Caller caller) =>
        access.Reachable(db.Sections.AsNoTracking(), caller, Permissions.SectionsView);

    /// <summary>Staff whose timetables the caller may see: with <c>sections.view</c>, those of the schools
    /// <c>school.view</c> reaches, and the caller themself.</summary>
    private IQueryable<StaffMember> VisibleStaff(LyceumDbContext db, Caller caller)
    {
        if (!caller.Can(Permissions.SectionsView))
        {
            return db.Staff.Where(_ => false);
        }

        var schools = access.Reachable(db.Schools.AsNoTracking(), caller, Permissions.SchoolView).Select(s => s.Id);
        var self = caller.UserId;
        return db.Staff.AsNoTracking().Where(s => (self != null && s.UserId == self) || schools.Contains(s.SchoolId));
    }

    private static async Task<List<TimetableMeeting>> MeetingsAsync(
        LyceumDbContext db, TimetableKind kind, int id, int termId, DateOnly today, CancellationToken cancellationToken)
    {
        var sections = db.Sections.AsNoTracking().Where(s => s.TermId == termId && s.ArchivedAt == null);
        sections = kind switch
        {
            // Active enrolments only: not withdrawn, or leaving after today.
            TimetableKind.Student => sections.Where(s => s.Enrollments.Any(e => e.StudentId == id && (e.WithdrawnOn == null || e.WithdrawnOn > today))),
            TimetableKind.Staff => sections.Where(s => s.TeacherId == id || s.CoTeachers.Any(c => c.StaffMemberId == id)),
            TimetableKind.Room => sections.Where(s => s.RoomId == id),
            _ => sections.Where(s => s.Id == id),
        };
        var rows = await sections
            .Select(s => new
            {
                s.Id,
                s.Name,
                Course = s.Course!.Name,
                s.TeacherId,
                Teacher = (s.Teacher!.Title == null ? "" : s.Teacher.Title + " ") + s.Teacher.FirstName + " " + s.Teacher.LastName,
                s.RoomId,
                Room = s.Room == null ? null : s.Room.Name,
                Meetings = s.Meetings.Select(m => new { m.Day, m.PeriodId }).ToList(),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.SelectMany(s => s.Meetings.Select(m =>
            new TimetableMeeting(m.Day, m.PeriodId, s.Id, s.Name, s.Course, s.TeacherId, s.Teacher, s.RoomId, s.Room)))];
    }
}
