using Lyceum.Modules.Attendance.TakeRegister;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Attendance.ListRegisters;

/// <summary>One register due on a day: a section meeting (kind "lesson") or a form group's AM/PM session ("daily").</summary>
public sealed record RegisterDue(
    string Slot, string Kind, int SchoolId, DateOnly Date, int? SectionId, string? Section, int? PeriodId, string? Period, TimeOnly? StartTime,
    TimeOnly? EndTime, string? FormGroup, DaySession? Session, string? Teacher, int Students, bool Taken, DateTime? TakenAt, string? TakenBy,
    int Absent, int Late, bool Overdue);

/// <summary>A day's registers the caller may take (a teacher's own; the office's whole school), and how many are still missing.</summary>
public sealed record RegistersOverview(DateOnly Date, int Expected, int Taken, int Missing, int Overdue, IReadOnlyList<RegisterDue> Items);

/// <summary>
/// The registers due on a day: every meeting of a section in term that day with students in lesson-mode year groups,
/// and an AM and a PM register per form group of a daily-mode year group — each with whether it was taken. Both the
/// teacher's "my registers today" and the office's missing-registers view read this.
/// </summary>
public sealed class ListRegistersHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, TimeProvider clock)
{
    /// <summary>Minutes after a lesson starts before its untaken register counts as overdue.</summary>
    public const int GraceMinutes = 10;

    public async Task<Result<RegistersOverview>> HandleAsync(Caller caller, int? schoolId, DateOnly? day, bool missingOnly, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var zones = await db.Schools.AsNoTracking().Where(s => schoolId == null || s.Id == schoolId).ToDictionaryAsync(s => s.Id, s => s.TimeZone, cancellationToken);
        if (schoolId is { } only && !zones.ContainsKey(only))
        {
            return Error.Field("schoolId", $"There is no school {only}.");
        }

        var date = day ?? clock.Today(schoolId is { } one ? zones[one] : zones.Values.FirstOrDefault());
        var dow = date.DayOfWeek;
        // (school, year group) pairs in daily mode, as one number each so the query can ask "in" of them.
        var daily = await db.YearGroupRegistrations.AsNoTracking()
            .Where(r => r.Mode == RegistrationMode.Daily && (schoolId == null || r.SchoolId == schoolId))
            .Select(r => r.SchoolId * 1000 + r.YearGroup)
            .ToListAsync(cancellationToken);

        var lessons = await access.Reachable(db.Sections, caller, Permissions.AttendanceEdit)
            .Where(s => s.ArchivedAt == null && s.Term!.StartDate <= date && s.Term.EndDate >= date && (schoolId == null || s.Course!.SchoolId == schoolId))
            .SelectMany(s => s.Meetings.Where(m => m.Day == dow), (s, m) => new
            {
                SectionId = s.Id,
                s.Name,
                s.Course!.SchoolId,
                m.PeriodId,
                Period = m.Period!.Name,
                m.Period.StartTime,
                m.Period.EndTime,
                Teacher = (s.Teacher!.Title == null ? "" : s.Teacher.Title + " ") + s.Teacher.FirstName + " " + s.Teacher.LastName,
                Students = s.Enrollments.Count(e => e.EnrolledOn <= date && (e.WithdrawnOn == null || e.WithdrawnOn > date)
                    && !daily.Contains(s.Course.SchoolId * 1000 + e.Student!.YearGroup)),
            })
            .Where(x => x.Students > 0)
            .AsNoTracking()
            .ToListAsync(cancellationToken);

        // Daily registers are due on weekdays in term only (a lesson register follows its section's meetings instead).
        var inTerm = await db.Terms.AsNoTracking()
            .Where(t => t.ArchivedAt == null && t.StartDate <= date && t.EndDate >= date && (schoolId == null || t.AcademicYear!.SchoolId == schoolId))
            .Select(t => t.AcademicYear!.SchoolId)
            .Distinct()
            .ToListAsync(cancellationToken);
        var forms = RegisterOccasions.IsWeekend(date)
            ? []
            : (await DailyFormsAsync(db, caller, schoolId, daily, cancellationToken)).Where(f => inTerm.Contains(f.SchoolId)).ToList();
        var slots = lessons.Select(l => Register.LessonSlot(l.SectionId, date, l.PeriodId))
            .Concat(forms.SelectMany(f => new[] { Register.DailySlot(f.SchoolId, f.FormGroup, date, DaySession.AM), Register.DailySlot(f.SchoolId, f.FormGroup, date, DaySession.PM) }))
            .ToList();
        var taken = await db.Registers.AsNoTracking()
            .Where(r => r.Date == date && slots.Contains(r.Slot))
            .Select(r => new
            {
                r.Slot,
                r.TakenAt,
                r.TakenBy,
                Absent = r.Marks.Count(m => m.Code!.Category == AttendanceCategory.Absent),
                Late = r.Marks.Count(m => m.Code!.Category == AttendanceCategory.Late),
            })
            .ToDictionaryAsync(r => r.Slot, cancellationToken);

        var starts = await DaySessionStartsAsync(db, zones.Keys, cancellationToken);
        var now = clock.GetUtcNow();
        bool Overdue(int school, TimeOnly? start)
        {
            var today = clock.Today(zones.GetValueOrDefault(school));
            if (date != today)
            {
                return date < today;
            }

            var local = TimeZoneInfo.TryFindSystemTimeZoneById(zones.GetValueOrDefault(school) ?? "UTC", out var zone) ? TimeZoneInfo.ConvertTime(now, zone) : now;
            return start is { } s && TimeOnly.FromDateTime(local.DateTime) > s.AddMinutes(GraceMinutes);
        }

        var items = new List<RegisterDue>();
        foreach (var l in lessons)
        {
            var slot = Register.LessonSlot(l.SectionId, date, l.PeriodId);
            var t = taken.GetValueOrDefault(slot);
            items.Add(new RegisterDue(
                slot, "lesson", l.SchoolId, date, l.SectionId, l.Name, l.PeriodId, l.Period, l.StartTime, l.EndTime, null, null, l.Teacher,
                l.Students, t is not null, t?.TakenAt, t?.TakenBy, t?.Absent ?? 0, t?.Late ?? 0, t is null && Overdue(l.SchoolId, l.StartTime)));
        }

        foreach (var f in forms)
        {
            foreach (var session in new[] { DaySession.AM, DaySession.PM })
            {
                var slot = Register.DailySlot(f.SchoolId, f.FormGroup, date, session);
                var t = taken.GetValueOrDefault(slot);
                var (start, end) = starts.GetValueOrDefault((f.SchoolId, session));
                items.Add(new RegisterDue(
                    slot, "daily", f.SchoolId, date, null, null, null, null, start, end, f.FormGroup, session, f.Tutor, f.Students,
                    t is not null, t?.TakenAt, t?.TakenBy, t?.Absent ?? 0, t?.Late ?? 0, t is null && Overdue(f.SchoolId, start)));
            }
        }

        var ordered = items
            .OrderBy(i => i.StartTime ?? TimeOnly.MinValue).ThenBy(i => i.Section ?? i.FormGroup, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var missing = ordered.Count(i => !i.Taken);
        return new RegistersOverview(
            date, ordered.Count, ordered.Count - missing, missing, ordered.Count(i => i.Overdue),
            missingOnly ? [.. ordered.Where(i => !i.Taken)] : ordered);
    }

    private sealed record DailyForm(int SchoolId, string FormGroup, int Students, string? Tutor);

    /// <summary>The form groups of daily-mode year groups whose registers the caller may take: a school grant's, or the ones they tutor.</summary>
    private static async Task<List<DailyForm>> DailyFormsAsync(LyceumDbContext db, Caller caller, int? schoolId, List<int> daily, CancellationToken cancellationToken)
    {
        if (daily.Count == 0)
        {
            return [];
        }

        var grants = caller.GrantsOf(Permissions.AttendanceEdit).ToList();
        var everywhere = grants.Any(g => g.IsUnlimited);
        var schools = grants.Where(g => g.Scope == AccessScope.School && g.SchoolId is not null).Select(g => g.SchoolId!.Value).ToList();
        var user = grants.Any(g => g.Scope == AccessScope.OwnSections) ? caller.UserId : null;
        var tutored = user is null
            ? []
            : await db.FormTutors.Where(t => t.StaffMember!.UserId == user).Select(t => t.SchoolId + ":" + t.FormGroup).ToListAsync(cancellationToken);

        var forms = await db.Students.AsNoTracking()
            .Where(s => s.ArchivedAt == null && s.FormGroup != null && daily.Contains(s.SchoolId * 1000 + s.YearGroup) && (schoolId == null || s.SchoolId == schoolId))
            .GroupBy(s => new { s.SchoolId, s.FormGroup })
            .Select(g => new { g.Key.SchoolId, FormGroup = g.Key.FormGroup!, Students = g.Count() })
            .ToListAsync(cancellationToken);
        var tutors = await db.FormTutors.AsNoTracking()
            .Where(t => schoolId == null || t.SchoolId == schoolId)
            .Select(t => new { t.SchoolId, t.FormGroup, Name = (t.StaffMember!.Title == null ? "" : t.StaffMember.Title + " ") + t.StaffMember.FirstName + " " + t.StaffMember.LastName })
            .ToListAsync(cancellationToken);
        return [.. forms
            .Where(f => everywhere || schools.Contains(f.SchoolId) || tutored.Contains(f.SchoolId + ":" + f.FormGroup))
            .Select(f => new DailyForm(f.SchoolId, f.FormGroup, f.Students, tutors.FirstOrDefault(t => t.SchoolId == f.SchoolId && t.FormGroup == f.FormGroup)?.Name))];
    }

    /// <summary>When each school's AM and PM registration happen: its first period, and its first period from noon.</summary>
    private static async Task<Dictionary<(int, DaySession), (TimeOnly?, TimeOnly?)>> DaySessionStartsAsync(
        LyceumDbContext db, IEnumerable<int> schools, CancellationToken cancellationToken)
    {
        var ids = schools.ToList();
        var periods = await db.Periods.AsNoTracking().Where(p => ids.Contains(p.SchoolId) && p.ArchivedAt == null)
            .Select(p => new { p.SchoolId, p.StartTime, p.EndTime }).ToListAsync(cancellationToken);
        var starts = new Dictionary<(int, DaySession), (TimeOnly?, TimeOnly?)>();
        foreach (var school in periods.GroupBy(p => p.SchoolId))
        {
            var ordered = school.OrderBy(p => p.StartTime).ToList();
            var noon = new TimeOnly(12, 0);
            starts[(school.Key, DaySession.AM)] = (ordered[0].StartTime, ordered[0].EndTime);
            var pm = ordered.FirstOrDefault(p => p.StartTime >= noon) ?? ordered[^1];
            starts[(school.Key, DaySession.PM)] = (pm.StartTime, pm.EndTime);
        }

        return starts;
    }
}

public static class ListRegistersEndpoint
{
    public static IEndpointRouteBuilder MapListRegisters(this IEndpointRouteBuilder api)
    {
        api.MapGet("/attendance/registers", async Task<Results<Ok<RegistersOverview>, ProblemHttpResult>> (
                int? schoolId, DateOnly? date, bool? missing, Caller caller, ListRegistersHandler handler, CancellationToken cancellationToken) =>
            (await handler.HandleAsync(caller, schoolId, date, missing ?? false, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.AttendanceEdit)
            .WithTags("Attendance")
            .WithName("ListRegisters")
            .WithSummary("The registers due on a day (default: today at the school) that the caller may take, taken or not")
            .WithDescription("A teacher gets their own sections' meetings (and forms they tutor); the office the whole school. " +
                "missing=true lists only the registers not taken yet; overdue ones started more than 10 minutes ago. " +
                "Expected, taken, missing and overdue count them all.")
            .ProducesValidationProblem();
        return api;
    }
}
