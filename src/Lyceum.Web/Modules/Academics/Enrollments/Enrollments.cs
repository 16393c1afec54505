using Lyceum.Modules.Schools;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Academics.Enrollments;

public sealed record EnrolRequest(IReadOnlyList<int>? StudentIds, DateOnly? EnrolledOn);

/// <summary>What an enrolment of a list did: who is now in the section, and who already was (a retry changes nothing).</summary>
public sealed record EnrolResult(int SectionId, IReadOnlyList<int> Enrolled, IReadOnlyList<int> AlreadyEnrolled, int EnrolledCount);

public sealed record WithdrawRequest(DateOnly? WithdrawnOn);

public sealed record TransferRequest(int? SectionId, DateOnly? On);

public sealed record EnrollmentView(
    int Id, int SectionId, string Section, int StudentId, string StudentNumber, string FirstName, string LastName,
    int YearGroup, DateOnly EnrolledOn, DateOnly? WithdrawnOn);

/// <summary>
/// Enrolment: a list of students into a section (the office's bulk action, one student being a list of one), a
/// withdrawal with a date, a transfer to another section of the same course and term. Dates lie inside the section's
/// term. Each is safe to retry. One row per student and section: enrolling again after a withdrawal reopens it.
/// </summary>
public sealed class EnrollmentsHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, TimeProvider clock)
{
    public const int MaxStudentsAtOnce = 500;

    public async Task<Result<EnrolResult>> EnrolAsync(Caller caller, int sectionId, EnrolRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var ids = request.StudentIds ?? [];
        if (ids.Count == 0)
        {
            errors.Add("studentIds", "List at least one student.");
        }
        else if (ids.Count > MaxStudentsAtOnce)
        {
            errors.Add("studentIds", $"At most {MaxStudentsAtOnce} students at once.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // The section's version, read before its places are counted: the save bumps it, so of two enrolments that
        // counted the same last place, the second fails instead of over-filling the class.
        await ClaimPlacesAsync(db, sectionId, cancellationToken);
        var section = await SectionAsync(db, caller, sectionId, cancellationToken);
        if (section is null)
        {
            return new Error.NotFound($"There is no section {sectionId}.");
        }

        var on = request.EnrolledOn ?? await TodayInTermAsync(db, section.SchoolId, section.TermStart, section.TermEnd, cancellationToken);
        if (on < section.TermStart || on > section.TermEnd)
        {
            return Error.Field("enrolledOn", $"Must lie inside the section's term ({section.TermStart:yyyy-MM-dd} to {section.TermEnd:yyyy-MM-dd}).");
        }

        var wanted = ids.Distinct().ToList();
        var students = await access.Reachable(db.Students.AsNoTracking(), caller, Permissions.StudentsView)
            .Where(s => wanted.Contains(s.Id))
            .Select(s => new { s.Id, s.SchoolId, Archived = s.ArchivedAt != null })
            .ToListAsync(cancellationToken);
        foreach (var missing in wanted.Except(students.Select(s => s.Id)))
        {
            errors.Add("studentIds", $"There is no student {missing}.");
        }

        foreach (var student in students.Where(s => s.Archived))
        {
            errors.Add("studentIds", $"Student {student.Id} is archived. Restore the record before enrolling them.");
        }

        foreach (var student in students.Where(s => s.SchoolId != section.SchoolId))
        {
            errors.Add("studentIds", $"Student {student.Id} is at another school.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var elsewhere = await db.Enrollments.AsNoTracking()
            .Where(e => wanted.Contains(e.StudentId) && e.WithdrawnOn == null && e.SectionId != sectionId
                        && e.Section!.CourseId == section.CourseId && e.Section.TermId == section.TermId)
            .Select(e => new { e.StudentId, e.Section!.Name })
            .ToListAsync(cancellationToken);
        foreach (var other in elsewhere)
        {
            errors.Add("studentIds", $"Student {other.StudentId} is already in section {other.Name} of this course. Transfer them instead.");
        }

        foreach (var clash in await TimetableClashesAsync(db, wanted, sectionId, null, section.TermStart, section.TermEnd, on, cancellationToken))
        {
            errors.Add("studentIds", clash);
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var rows = await db.Enrollments.Where(e => e.SectionId == sectionId && wanted.Contains(e.StudentId)).ToListAsync(cancellationToken);
        var already = rows.Where(e => e.WithdrawnOn == null).Select(e => e.StudentId).ToList();
        var joining = wanted.Except(already).ToList();
        if (section.Capacity > 0 && section.Enrolled + joining.Count > section.Capacity)
        {
            return new Error.Conflict(
                $"Section {section.Name} is full for this list: {Count(Math.Max(0, section.Capacity - section.Enrolled), "place")} left of {section.Capacity}, " +
                $"{Count(joining.Count, "student")} to enrol. Enrol fewer, or raise the section's capacity (School structure → the section).");
        }

        foreach (var studentId in joining)
        {
            if (rows.FirstOrDefault(e => e.StudentId == studentId) is { } reopened)
            {
                reopened.EnrolledOn = on;
                reopened.WithdrawnOn = null;
            }
            else
            {
                db.Enrollments.Add(new Enrollment { StudentId = studentId, SectionId = sectionId, EnrolledOn = on });
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same list sent twice at once: the unique (student, section) index let one through. Ask again.
            return new Error.Conflict("Someone enrolled some of these students at the same moment. Send the list again: those already in are left as they are.");
        }

        return new EnrolResult(sectionId, joining, already, section.Enrolled + joining.Count);
    }

    public async Task<Result<EnrollmentView>> WithdrawAsync(Caller caller, int enrollmentId, WithdrawRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var enrollment = await EditableAsync(db, caller, enrollmentId, cancellationToken);
        if (enrollment is null)
        {
            return new Error.NotFound($"There is no enrolment {enrollmentId}.");
        }

        if (enrollment.WithdrawnOn is { } already)
        {
            // A retry (no date, or the same date) is the same withdrawal; another date would rewrite history.
            return request.WithdrawnOn is null || request.WithdrawnOn == already
                ? await ViewAsync(db, enrollmentId, cancellationToken)
                : new Error.Conflict($"This student was already withdrawn on {already:yyyy-MM-dd}.");
        }

        var term = await db.Sections.Where(s => s.Id == enrollment.SectionId)
            .Select(s => new { s.Course!.SchoolId, s.Term!.StartDate, s.Term.EndDate }).FirstAsync(cancellationToken);
        var on = request.WithdrawnOn ?? await TodayInTermAsync(db, term.SchoolId, term.StartDate, term.EndDate, cancellationToken);
        if (on < enrollment.EnrolledOn || on > term.EndDate)
        {
            return Error.Field("withdrawnOn", $"Must lie between the enrolment ({enrollment.EnrolledOn:yyyy-MM-dd}) and the end of the term ({term.EndDate:yyyy-MM-dd}).");
        }

        enrollment.WithdrawnOn = on;
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, enrollmentId, cancellationToken);
    }

    /// <summary>Withdraws from this section and enrols in another of the same course and term, on one date, in one save.</summary>
    public async Task<Result<EnrollmentView>> TransferAsync(Caller caller, int enrollmentId, TransferRequest request, CancellationToken cancellationToken)
    {
        if (request.SectionId is not { } targetId)
        {
            return Error.Field("sectionId", "This field is required.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var enrollment = await EditableAsync(db, caller, enrollmentId, cancellationToken);
        if (enrollment is null)
        {
            return new Error.NotFound($"There is no enrolment {enrollmentId}.");
        }

        var from = await db.Sections.AsNoTracking().Where(s => s.Id == enrollment.SectionId)
            .Select(s => new { s.CourseId, s.Course!.SchoolId, s.TermId, s.Term!.StartDate, s.Term.EndDate }).FirstAsync(cancellationToken);
        await ClaimPlacesAsync(db, targetId, cancellationToken);
        var target = await SectionAsync(db, caller, targetId, cancellationToken);
        if (target is null || target.Id == enrollment.SectionId)
        {
            return Error.Field("sectionId", $"There is no other section {targetId} to move to.");
        }

        if (target.CourseId != from.CourseId || target.TermId != from.TermId)
        {
            return Error.Field("sectionId", "Must be a section of the same course in the same term. Withdraw and enrol to change course.");
        }

        var moved = await db.Enrollments.FirstOrDefaultAsync(e => e.StudentId == enrollment.StudentId && e.SectionId == targetId, cancellationToken);
        if (enrollment.WithdrawnOn is { } left)
        {
            // Already transferred there on that day (a retry, with the same date or none): answer the enrolment it made.
            return moved is { WithdrawnOn: null } && moved.EnrolledOn == left && (request.On is null || request.On == left)
                ? await ViewAsync(db, moved.Id, cancellationToken)
                : new Error.Conflict($"This student left the section on {left:yyyy-MM-dd}.");
        }

        if (moved is { WithdrawnOn: null })
        {
            return Error.Field("sectionId", $"The student is already in section {target.Name}.");
        }

        var on = request.On ?? await TodayInTermAsync(db, from.SchoolId, from.StartDate, from.EndDate, cancellationToken);
        if (on < enrollment.EnrolledOn || on > from.EndDate)
        {
            return Error.Field("on", $"Must lie between the enrolment ({enrollment.EnrolledOn:yyyy-MM-dd}) and the end of the term ({from.EndDate:yyyy-MM-dd}).");
        }

        if (target.Capacity > 0 && target.Enrolled + 1 > target.Capacity)
        {
            return new Error.Conflict($"Section {target.Name} is full ({target.Capacity} places).");
        }

        if ((await TimetableClashesAsync(db, [enrollment.StudentId], targetId, enrollment.SectionId, target.TermStart, target.TermEnd, on, cancellationToken))
            .FirstOrDefault() is { } clash)
        {
            return Error.Field("sectionId", clash);
        }

        enrollment.WithdrawnOn = on;
        if (moved is null)
        {
            moved = new Enrollment { StudentId = enrollment.StudentId, SectionId = targetId, EnrolledOn = on };
            db.Enrollments.Add(moved);
        }
        else
        {
            moved.EnrolledOn = on;
            moved.WithdrawnOn = null;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return new Error.Conflict("This enrolment changed at the same moment. Reload it and try again.");
        }

        return await ViewAsync(db, moved.Id, cancellationToken);
    }

    /// <summary>The section's students the caller may see (a guardian sees only their own child in a class list).</summary>
    public async Task<Result<IReadOnlyList<EnrollmentView>>> ListAsync(Caller caller, int sectionId, bool includeWithdrawn, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await access.Reachable(db.Sections.AsNoTracking(), caller, Permissions.SectionsView).AnyAsync(s => s.Id == sectionId, cancellationToken))
        {
            return new Error.NotFound($"There is no section {sectionId}.");
        }

        var students = access.Reachable(db.Students.AsNoTracking(), caller, Permissions.StudentsView).Select(s => s.Id);
        return await Views(db.Enrollments.AsNoTracking()
                .Where(e => e.SectionId == sectionId && (includeWithdrawn || e.WithdrawnOn == null) && students.Contains(e.StudentId))
                .OrderBy(e => e.Student!.LastName).ThenBy(e => e.Student!.FirstName).ThenBy(e => e.Id))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The students' other classes that meet at one of this section's periods in an overlapping term (a student cannot
    /// be in two rooms at once): one message per clash. <paramref name="leaving"/> is a section the student leaves in
    /// the same move (a transfer), so it does not count.
    /// </summary>
    private static async Task<List<string>> TimetableClashesAsync(
        LyceumDbContext db, IReadOnlyList<int> studentIds, int sectionId, int? leaving, DateOnly termStart, DateOnly termEnd, DateOnly on,
        CancellationToken cancellationToken)
    {
        var slots = await db.SectionMeetings.AsNoTracking().Where(m => m.SectionId == sectionId).Select(m => new { m.Day, m.PeriodId }).ToListAsync(cancellationToken);
        if (slots.Count == 0)
        {
            return [];
        }

        var days = slots.Select(s => s.Day).Distinct().ToList();
        var periods = slots.Select(s => s.PeriodId).Distinct().ToList();
        var taken = await db.Enrollments.AsNoTracking()
            .Where(e => studentIds.Contains(e.StudentId) && (e.WithdrawnOn == null || e.WithdrawnOn > on) && e.SectionId != sectionId && e.SectionId != leaving
                        && e.Section!.ArchivedAt == null && e.Section.Term!.StartDate <= termEnd && e.Section.Term.EndDate >= termStart)
            .SelectMany(e => e.Section!.Meetings.Where(m => days.Contains(m.Day) && periods.Contains(m.PeriodId)),
                (e, m) => new { e.StudentId, Section = e.Section!.Name, m.Day, m.PeriodId, Period = m.Period!.Name })
            .ToListAsync(cancellationToken);
        return [.. taken.Where(t => slots.Any(s => s.Day == t.Day && s.PeriodId == t.PeriodId))
            .GroupBy(t => (t.StudentId, t.Section))
            .OrderBy(g => g.Key.StudentId).ThenBy(g => g.Key.Section, StringComparer.Ordinal)
            .Select(g => $"Student {g.Key.StudentId} already has section {g.Key.Section} at the same time ({string.Join(", ",
                g.OrderBy(t => (int)t.Day == 0 ? 7 : (int)t.Day).ThenBy(t => t.Period, StringComparer.Ordinal).Select(t => $"{t.Day} {t.Period}"))}).")];
    }

    /// <summary>Whether the caller may enrol into, withdraw from and transfer out of this section (a screen's buttons).</summary>
    public async Task<bool> MayEnrolAsync(Caller caller, int sectionId, CancellationToken cancellationToken)
    {
        if (!caller.Can(Permissions.EnrollmentsEdit))
        {
            return false;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await SectionAsync(db, caller, sectionId, cancellationToken) is not null;
    }

    /// <summary>The date an enrolment or withdrawal in this section takes when none is given: today at the school, inside the term.</summary>
    public async Task<DateOnly?> DefaultDateAsync(int sectionId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var term = await db.Sections.AsNoTracking().Where(s => s.Id == sectionId)
            .Select(s => new { s.Course!.SchoolId, s.Term!.StartDate, s.Term.EndDate }).FirstOrDefaultAsync(cancellationToken);
        return term is null ? null : await TodayInTermAsync(db, term.SchoolId, term.StartDate, term.EndDate, cancellationToken);
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary>Claims a section with a capacity (<see cref="VersionClaims"/>) before its places are counted.</summary>
    private static Task ClaimPlacesAsync(LyceumDbContext db, int sectionId, CancellationToken cancellationToken) =>
        db.ClaimAsync<Section>(s => s.Id == sectionId && s.Capacity > 0, cancellationToken);

    private sealed record SectionFacts(int Id, string Name, int SchoolId, int CourseId, int TermId, DateOnly TermStart, DateOnly TermEnd, int Capacity, int Enrolled);

    /// <summary>A live section the caller may enrol into: reachable by <c>enrollments.edit</c> and visible.</summary>
    private Task<SectionFacts?> SectionAsync(LyceumDbContext db, Caller caller, int sectionId, CancellationToken cancellationToken) =>
        access.Reachable(db.Sections.AsNoTracking(), caller, Permissions.EnrollmentsEdit, Permissions.SectionsView)
            .Where(s => s.Id == sectionId && s.ArchivedAt == null)
            .Select(s => new SectionFacts(s.Id, s.Name, s.Course!.SchoolId, s.CourseId, s.TermId, s.Term!.StartDate, s.Term.EndDate, s.Capacity,
                s.Enrollments.Count(e => e.WithdrawnOn == null)))
            .FirstOrDefaultAsync(cancellationToken);

    private async Task<Enrollment?> EditableAsync(LyceumDbContext db, Caller caller, int enrollmentId, CancellationToken cancellationToken)
    {
        var sections = access.Reachable(db.Sections, caller, Permissions.EnrollmentsEdit, Permissions.SectionsView).Select(s => s.Id);
        var students = access.Reachable(db.Students, caller, Permissions.StudentsView).Select(s => s.Id);
        return await db.Enrollments.FirstOrDefaultAsync(
            e => e.Id == enrollmentId && sections.Contains(e.SectionId) && students.Contains(e.StudentId), cancellationToken);
    }

    private static async Task<Result<EnrollmentView>> ViewAsync(LyceumDbContext db, int id, CancellationToken cancellationToken) =>
        await Views(db.Enrollments.AsNoTracking().Where(e => e.Id == id)).FirstAsync(cancellationToken);

    private static IQueryable<EnrollmentView> Views(IQueryable<Enrollment> rows) =>
        rows.Select(e => new EnrollmentView(
            e.Id, e.SectionId, e.Section!.Name, e.StudentId, e.Student!.StudentNumber, e.Student.FirstName, e.Student.LastName,
            e.Student.YearGroup, e.EnrolledOn, e.WithdrawnOn));

    /// <summary>Today where the school is, kept inside the term (enrolling before a term starts dates the enrolment at its start).</summary>
    private async Task<DateOnly> TodayInTermAsync(LyceumDbContext db, int schoolId, DateOnly start, DateOnly end, CancellationToken cancellationToken)
    {
        var today = await clock.TodayAtAsync(db, schoolId, cancellationToken);
        return today < start ? start : today > end ? end : today;
    }
}
