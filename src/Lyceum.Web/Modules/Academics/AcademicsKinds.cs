using System.Linq.Expressions;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Lyceum.Platform.Records;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Academics;

public sealed record CourseRequest(int? SchoolId, int? DepartmentId, string? Code, string? Name, int? YearGroup, int? PeriodsPerWeek);

public sealed record CourseView(
    int Id, int SchoolId, int DepartmentId, string Department, string Code, string Name, int? YearGroup, int PeriodsPerWeek,
    bool Archived, Guid Version) : IRecordView;

/// <summary>A course of the curriculum ("Year 9 Mathematics"), taught as sections in each term.</summary>
public sealed class CourseKind : SchoolOwnedKind<Course, CourseRequest, CourseView>
{
    public override string Route => "courses";

    public override string Noun => "course";

    public override string Tag => "Courses and sections";

    public override Expression<Func<Course, CourseView>> View =>
        c => new CourseView(c.Id, c.SchoolId, c.DepartmentId, c.Department!.Name, c.Code, c.Name, c.YearGroup, c.PeriodsPerWeek, c.ArchivedAt != null, c.Version);

    public override IReadOnlyDictionary<string, Expression<Func<Course, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<Course, object?>>>(StringComparer.Ordinal)
        {
            ["code"] = c => c.Code,
            ["name"] = c => c.Name,
            ["yearGroup"] = c => c.YearGroup,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("code", false)];

    public override Expression<Func<Course, bool>> Matches(string pattern) =>
        c => EF.Functions.Like(c.Name.ToLower(), pattern, Like.EscapeCharacter) || EF.Functions.Like(c.Code.ToLower(), pattern, Like.EscapeCharacter);

    public override IReadOnlyList<string> Filters { get; } = ["schoolId", "departmentId"];

    public override IQueryable<Course> Filter(IQueryable<Course> rows, string filter, int value) => filter switch
    {
        "departmentId" => rows.Where(c => c.DepartmentId == value),
        _ => base.Filter(rows, filter, value),
    };

    protected override int? SchoolOf(CourseRequest request) => request.SchoolId;

    protected override async Task ValidateFieldsAsync(RecordContext context, CourseRequest r, Course? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        errors.Required("code", r.Code);
        errors.MaxLength("code", r.Code, 20);
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 150);
        if (r.YearGroup is < 0 or > 14)
        {
            errors.Add("yearGroup", "Must be from 0 (reception) to 14, or left out for a course of several years.");
        }

        if (r.PeriodsPerWeek is < 0 or > 40)
        {
            errors.Add("periodsPerWeek", "Must be from 0 to 40.");
        }

        await context.RequireAsync<Department>(errors, "departmentId", r.DepartmentId, "department", cancellationToken);
        if (r.DepartmentId is { } department && schoolId is { } school
            && await context.Db.Departments.AnyAsync(d => d.Id == department && d.SchoolId != school, cancellationToken))
        {
            errors.Add("departmentId", "Must be a department of the course's school.");
        }
    }

    protected override (string Field, Expression<Func<Course, string>> Column, Func<CourseRequest, string?> Value, string Message)? UniqueInSchool =>
        ("code", c => c.Code, r => r.Code, "This school already has a course with the code '{0}'.");

    public override Course Create(CourseRequest r) => new()
    {
        SchoolId = r.SchoolId!.Value,
        DepartmentId = r.DepartmentId!.Value,
        Code = r.Code!.Trim(),
        Name = r.Name!.Trim(),
        YearGroup = r.YearGroup,
        PeriodsPerWeek = r.PeriodsPerWeek ?? 0,
    };

    public override void Apply(CourseRequest r, Course c)
    {
        c.DepartmentId = r.DepartmentId!.Value;
        c.Code = r.Code!.Trim();
        c.Name = r.Name!.Trim();
        c.YearGroup = r.YearGroup;
        c.PeriodsPerWeek = r.PeriodsPerWeek ?? 0;
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, Course c, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken, ("sections", () => db.Sections.CountAsync(s => s.CourseId == c.Id, cancellationToken)));
}

/// <summary>One weekly meeting of a section: a day and a period of the bell schedule.</summary>
public sealed record MeetingRequest(DayOfWeek? Day, int? PeriodId);

/// <summary>
/// A section as sent: <see cref="TeacherId"/> leads it; <see cref="CoTeacherIds"/> share it. Left out (null), an edit
/// keeps the co-teachers it has (a client that predates them does not wipe them); <c>[]</c> takes them all off.
/// </summary>
public sealed record SectionRequest(
    int? CourseId, int? TermId, int? TeacherId, int? RoomId, string? Name, int? Capacity, IReadOnlyList<MeetingRequest>? Meetings,
    IReadOnlyList<int>? CoTeacherIds = null);

public sealed record MeetingView(DayOfWeek Day, int PeriodId, string Period, int Order);

public sealed record CoTeacherView(int Id, string Name);

public sealed record SectionView(
    int Id, string Name, int SchoolId, int CourseId, string Course, int TermId, string Term, int TeacherId, string Teacher,
    IReadOnlyList<CoTeacherView> CoTeachers, int? RoomId, string? Room, int Capacity, int Enrolled, IReadOnlyList<MeetingView> Meetings, bool Archived, Guid Version) : IRecordView;

/// <summary>
/// A section (a class): a course taught in a term by a teacher (and any co-teachers), in a room, at some periods of the
/// week. None of its teachers and not its room is ever booked twice for the same period in overlapping terms.
/// </summary>
public sealed class SectionKind : RecordKind<Section, SectionRequest, SectionView>
{
    public const int MaxMeetings = 40;

    public const int MaxCoTeachers = 5;

    public override string Route => "sections";

    public override string Noun => "section";

    public override string Tag => "Courses and sections";

    public override string ViewPermission => Permissions.SectionsView;

    public override string EditPermission => Permissions.SectionsEdit;

    public override Expression<Func<Section, SectionView>> View =>
        s => new SectionView(
            s.Id, s.Name, s.Course!.SchoolId, s.CourseId, s.Course.Name, s.TermId, s.Term!.Name + " " + s.Term.AcademicYear!.Name, s.TeacherId,
            (s.Teacher!.Title == null ? "" : s.Teacher.Title + " ") + s.Teacher.FirstName + " " + s.Teacher.LastName,
            s.CoTeachers.OrderBy(c => c.StaffMember!.LastName).ThenBy(c => c.StaffMember!.FirstName)
                .Select(c => new CoTeacherView(c.StaffMemberId,
                    (c.StaffMember!.Title == null ? "" : c.StaffMember.Title + " ") + c.StaffMember.FirstName + " " + c.StaffMember.LastName))
                .ToList(),
            s.RoomId, s.Room == null ? null : s.Room.Name, s.Capacity,
            s.Enrollments.Count(e => e.WithdrawnOn == null),
            s.Meetings.OrderBy(m => m.Day).ThenBy(m => m.Period!.Order)
                .Select(m => new MeetingView(m.Day, m.PeriodId, m.Period!.Name, m.Period.Order)).ToList(),
            s.ArchivedAt != null, s.Version);

    public override IReadOnlyDictionary<string, Expression<Func<Section, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<Section, object?>>>(StringComparer.Ordinal)
        {
            ["name"] = s => s.Name,
            ["course"] = s => s.Course!.Name,
            ["teacher"] = s => s.Teacher!.LastName,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("name", false)];

    public override Expression<Func<Section, bool>> Matches(string pattern) =>
        s => EF.Functions.Like(s.Name.ToLower(), pattern, Like.EscapeCharacter)
             || EF.Functions.Like(s.Course!.Name.ToLower(), pattern, Like.EscapeCharacter)
             || EF.Functions.Like(s.Teacher!.LastName.ToLower(), pattern, Like.EscapeCharacter);

    public override IReadOnlyList<string> Filters { get; } = ["schoolId", "termId", "courseId", "teacherId", "roomId"];

    public override IQueryable<Section> Filter(IQueryable<Section> rows, string filter, int value) => filter switch
    {
        "schoolId" => rows.Where(s => s.Course!.SchoolId == value),
        "termId" => rows.Where(s => s.TermId == value),
        "courseId" => rows.Where(s => s.CourseId == value),
        "teacherId" => rows.Where(s => s.TeacherId == value || s.CoTeachers.Any(c => c.StaffMemberId == value)),
        "roomId" => rows.Where(s => s.RoomId == value),
        _ => rows,
    };

    public override IQueryable<Section> ForEdit(IQueryable<Section> rows) => rows.Include(s => s.Meetings).Include(s => s.CoTeachers);

    public override async Task ValidateAsync(RecordContext context, SectionRequest r, Section? existing, FieldErrors errors, CancellationToken cancellationToken)
    {
        var db = context.Db;
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 60);
        if (r.Capacity is < 0 or > 500)
        {
            errors.Add("capacity", "Must be from 0 to 500 students.");
        }

        // The course decides the school; a section the caller may edit in a department must stay in that department.
        int? school = null;
        if (r.CourseId is not { } courseId)
        {
            errors.Add("courseId", "This field is required.");
        }
        else if (existing is not null && courseId != existing.CourseId)
        {
            errors.Add("courseId", "A section stays in its course. Add a section to the other course instead.");
        }
        else
        {
            var course = await db.Courses.AsNoTracking().Where(c => c.Id == courseId && c.ArchivedAt == null)
                .Select(c => new { c.SchoolId, c.DepartmentId }).FirstOrDefaultAsync(cancellationToken);
            var mayEdit = course is not null && context.Caller.GrantsOf(EditPermission).Any(g => g.Scope switch
            {
                AccessScope.School => g.SchoolId is null || g.SchoolId == course.SchoolId,
                AccessScope.Department => g.DepartmentId is { } d ? d == course.DepartmentId : context.Caller.DepartmentIds.Contains(course.DepartmentId),
                _ => false,
            });
            if (!mayEdit)
            {
                errors.Add("courseId", $"There is no course {courseId} that you can add sections to (or it is archived).");
            }
            else
            {
                school = course!.SchoolId;
            }
        }

        if (school is not { } schoolId)
        {
            return;
        }

        var term = r.TermId is { } termId
            ? await db.Terms.AsNoTracking().Where(t => t.Id == termId && t.ArchivedAt == null && t.AcademicYear!.SchoolId == schoolId)
                .Select(t => new { t.Id, t.StartDate, t.EndDate }).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (term is null)
        {
            errors.Add("termId", r.TermId is null ? "This field is required." : $"There is no term {r.TermId} in the course's school (or it is archived).");
        }
        else if (existing is not null && term.Id != existing.TermId)
        {
            errors.Add("termId", "A section stays in its term. Add a section to the other term instead.");
        }

        if (r.TeacherId is not { } teacherId)
        {
            errors.Add("teacherId", "This field is required.");
        }
        else if (!await db.Staff.AnyAsync(t => t.Id == teacherId && t.SchoolId == schoolId && t.ArchivedAt == null, cancellationToken))
        {
            errors.Add("teacherId", $"There is no member of staff {teacherId} at the course's school (or they have left).");
        }

        var coTeachers = r.CoTeacherIds ?? existing?.CoTeachers.Select(c => c.StaffMemberId).ToList() ?? [];
        if (coTeachers.Count > MaxCoTeachers)
        {
            errors.Add("coTeacherIds", $"At most {MaxCoTeachers} co-teachers.");
        }
        else if (coTeachers.Count > 0)
        {
            if (r.TeacherId is { } lead && coTeachers.Contains(lead))
            {
                errors.Add("coTeacherIds", "The section's teacher leads it; list only the others who share it.");
            }

            if (coTeachers.Count != coTeachers.Distinct().Count())
            {
                errors.Add("coTeacherIds", "A co-teacher is listed twice.");
            }

            var found = await db.Staff.AsNoTracking().Where(t => coTeachers.Contains(t.Id) && t.SchoolId == schoolId && t.ArchivedAt == null)
                .Select(t => t.Id).ToListAsync(cancellationToken);
            foreach (var missing in coTeachers.Distinct().Except(found))
            {
                errors.Add("coTeacherIds", $"There is no member of staff {missing} at the course's school (or they have left).");
            }
        }

        if (r.RoomId is { } roomId && !await db.Rooms.AnyAsync(x => x.Id == roomId && x.SchoolId == schoolId && x.ArchivedAt == null, cancellationToken))
        {
            errors.Add("roomId", $"There is no room {roomId} at the course's school (or it is archived).");
        }

        var meetings = r.Meetings ?? [];
        if (meetings.Count > MaxMeetings)
        {
            errors.Add("meetings", $"At most {MaxMeetings} meetings a week.");
            return;
        }

        for (var i = 0; i < meetings.Count; i++)
        {
            if (meetings[i] is null)
            {
                errors.Add($"meetings[{i}]", "Must be a meeting such as {\"day\": \"monday\", \"periodId\": 3}.");
                continue;
            }

            if (meetings[i].Day is not { } day || !Enum.IsDefined(day))
            {
                errors.Add($"meetings[{i}].day", "Must be a day of the week, such as \"monday\".");
            }

            if (meetings[i].PeriodId is null)
            {
                errors.Add($"meetings[{i}].periodId", "This field is required.");
            }
        }

        if (errors.Any)
        {
            return;
        }

        if (meetings.GroupBy(m => (m.Day, m.PeriodId)).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            errors.Add("meetings", $"{twice.Key.Day} period {twice.Key.PeriodId} is listed twice.");
        }

        var periodIds = meetings.Where(m => m.PeriodId is not null).Select(m => m.PeriodId!.Value).Distinct().ToList();
        var periods = await db.Periods.AsNoTracking().Where(p => periodIds.Contains(p.Id) && p.SchoolId == schoolId && p.ArchivedAt == null)
            .Select(p => p.Id).ToListAsync(cancellationToken);
        foreach (var missing in periodIds.Except(periods))
        {
            errors.Add("meetings", $"There is no period {missing} in the course's bell schedule (or it is archived).");
        }

        if (errors.Any || term is null)
        {
            return;
        }

        // Claim the teachers' and the room's week: their versions, read before the clash check, are renewed by the save,
        // so of two sections booked into the same slot at the same moment the second fails instead of both passing.
        var teachers = TeachersOf(r.TeacherId!.Value, coTeachers);
        if (meetings.Count > 0)
        {
            await db.ClaimAsync<Lyceum.Modules.Staff.StaffMember>(x => teachers.Contains(x.Id), cancellationToken);
            if (r.RoomId is { } room)
            {
                await db.ClaimAsync<Lyceum.Modules.Schools.Room>(x => x.Id == room, cancellationToken);
            }
        }

        foreach (var clash in await ClashesAsync(db, existing?.Id ?? 0, term.StartDate, term.EndDate, teachers, r.RoomId,
                     meetings.Select(m => (m.Day!.Value, m.PeriodId!.Value)).ToList(), cancellationToken))
        {
            errors.Add("meetings", clash);
        }

        if (existing is not null && r.Capacity is > 0 && await db.Enrollments.CountAsync(e => e.SectionId == existing.Id && e.WithdrawnOn == null, cancellationToken) is var enrolled
            && enrolled > r.Capacity)
        {
            errors.Add("capacity", $"{enrolled} students are enrolled. Withdraw or transfer some before lowering the capacity below that.");
        }

        var id = existing?.Id ?? 0;
        var name = r.Name!.Trim();
        if (await db.Sections.AnyAsync(s => s.TermId == term.Id && s.Name == name && s.Id != id, cancellationToken))
        {
            errors.Add("name", $"This term already has a section named '{name}'.");
        }
    }

    /// <summary>A section comes back only if its teacher and room are still free at its meetings.</summary>
    public override async Task<string?> RestoreRefusalAsync(LyceumDbContext db, Section section, CancellationToken cancellationToken)
    {
        var term = await db.Terms.AsNoTracking().Where(t => t.Id == section.TermId).Select(t => new { t.StartDate, t.EndDate }).FirstAsync(cancellationToken);
        var slots = await db.SectionMeetings.AsNoTracking().Where(m => m.SectionId == section.Id).Select(m => new { m.Day, m.PeriodId }).ToListAsync(cancellationToken);
        var coTeachers = await db.SectionTeachers.AsNoTracking().Where(c => c.SectionId == section.Id).Select(c => c.StaffMemberId).ToListAsync(cancellationToken);
        var clashes = await ClashesAsync(db, section.Id, term.StartDate, term.EndDate, TeachersOf(section.TeacherId, coTeachers), section.RoomId,
            slots.Select(m => (m.Day, m.PeriodId)).ToList(), cancellationToken);
        return clashes.Count == 0 ? null : string.Join(" ", clashes) + " Change that section's meetings first.";
    }

    /// <summary>The lead teacher first, then the co-teachers: everyone whose week a section takes.</summary>
    private static List<int> TeachersOf(int lead, IEnumerable<int> coTeachers) => [lead, .. coTeachers.Where(c => c != lead).Distinct()];

    /// <summary>
    /// Another live section in a term overlapping this one's, sharing a teacher (lead or co-teacher) or the room, meeting
    /// on the same day and period: one message per clash. Reads the few candidates and compares here.
    /// </summary>
    private static async Task<List<string>> ClashesAsync(
        LyceumDbContext db, int sectionId, DateOnly termStart, DateOnly termEnd, IReadOnlyList<int> teachers, int? room,
        IReadOnlyList<(DayOfWeek Day, int PeriodId)> meetings, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        if (meetings.Count == 0)
        {
            return found;
        }

        var candidates = await db.Sections.AsNoTracking()
            .Where(s => s.Id != sectionId && s.ArchivedAt == null && s.Term!.StartDate <= termEnd && s.Term.EndDate >= termStart
                        && (teachers.Contains(s.TeacherId) || s.CoTeachers.Any(c => teachers.Contains(c.StaffMemberId)) || (room != null && s.RoomId == room)))
            .Select(s => new
            {
                s.Name,
                s.TeacherId,
                CoTeachers = s.CoTeachers.Select(c => c.StaffMemberId).ToList(),
                s.RoomId,
                Meetings = s.Meetings.Select(m => new { m.Day, m.PeriodId, Period = m.Period!.Name }).ToList(),
            })
            .ToListAsync(cancellationToken);
        var shared = candidates.SelectMany(c => c.CoTeachers.Prepend(c.TeacherId)).Where(t => t != teachers[0] && teachers.Contains(t)).Distinct().ToList();
        var names = shared.Count == 0
            ? []
            : await db.Staff.AsNoTracking().Where(t => shared.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.FirstName + " " + t.LastName, cancellationToken);
        foreach (var (day, periodId) in meetings)
        {
            foreach (var other in candidates)
            {
                if (other.Meetings.FirstOrDefault(m => m.Day == day && m.PeriodId == periodId) is not { } same)
                {
                    continue;
                }

                var theirs = other.CoTeachers.Prepend(other.TeacherId).ToList();
                var who = theirs.Contains(teachers[0]) ? "the teacher"
                    : theirs.FirstOrDefault(t => teachers.Contains(t)) is var co && co != 0 ? $"co-teacher {names[co]}"
                    : "the room";
                found.Add($"{day} {same.Period}: {who} is already booked for section {other.Name}.");
            }
        }

        return found;
    }

    public override Section Create(SectionRequest r)
    {
        var section = new Section
        {
            CourseId = r.CourseId!.Value,
            TermId = r.TermId!.Value,
            Name = r.Name!.Trim(),
        };
        Apply(r, section);
        return section;
    }

    public override void Apply(SectionRequest r, Section s)
    {
        s.Name = r.Name!.Trim();
        s.TeacherId = r.TeacherId!.Value;
        s.RoomId = r.RoomId;
        s.Capacity = r.Capacity ?? 0;
        var wanted = (r.Meetings ?? []).Select(m => (Day: m.Day!.Value, Period: m.PeriodId!.Value)).ToHashSet();
        s.Meetings.RemoveAll(m => !wanted.Contains((m.Day, m.PeriodId)));
        foreach (var (day, period) in wanted.Where(w => !s.Meetings.Any(m => m.Day == w.Day && m.PeriodId == w.Period)))
        {
            s.Meetings.Add(new SectionMeeting { Day = day, PeriodId = period });
        }

        if (r.CoTeacherIds is not { } wantedTeachers)
        {
            return;
        }

        var coTeachers = wantedTeachers.ToHashSet();
        s.CoTeachers.RemoveAll(c => !coTeachers.Contains(c.StaffMemberId));
        foreach (var staff in coTeachers.Where(t => !s.CoTeachers.Any(c => c.StaffMemberId == t)))
        {
            s.CoTeachers.Add(new SectionTeacher { StaffMemberId = staff });
        }
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, Section s, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken, ("enrolments", () => db.Enrollments.CountAsync(e => e.SectionId == s.Id, cancellationToken)));

    public override (string Field, string Message)? DuplicateField(SectionRequest r) => ("name", $"This term already has a section named '{r.Name?.Trim()}'.");
}
