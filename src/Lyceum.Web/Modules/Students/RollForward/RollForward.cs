using System.Globalization;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Students.ManageStudents;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Students.RollForward;

/// <summary>
/// Moves a school's current students up a year into <see cref="AcademicYearId"/>: year group + 1, and a form that
/// starts with the year ("7B") follows it ("8B"). <see cref="YearGroups"/> limits it to some year groups (all when
/// left out); students of <see cref="LeavingYearGroup"/> leave instead (archived). <see cref="DryRun"/> answers what
/// would happen and changes nothing.
/// </summary>
public sealed record RollForwardRequest(int? SchoolId, int? AcademicYearId, IReadOnlyList<int>? YearGroups, int? LeavingYearGroup, bool? DryRun);

/// <summary>One line of the summary: how many students go from one year group to the next (<c>to</c> null: they leave).</summary>
public sealed record YearGroupMove(int From, int? To, int Students);

public sealed record RollForwardResult(int AcademicYearId, bool DryRun, int Moved, int Left, int AlreadyInYear, IReadOnlyList<YearGroupMove> Moves);

/// <summary>An academic year a school's students can move into.</summary>
public sealed record RollForwardYear(int Id, string Name, DateOnly StartDate, DateOnly EndDate);

/// <summary>
/// What the page offers for one school: its academic years, the one to move into unless the user picks another (the
/// year after the one under way at the school), and the year groups its current students are in.
/// </summary>
public sealed record RollForwardChoices(IReadOnlyList<RollForwardYear> Years, int? NextYearId, IReadOnlyList<int> YearGroups);

/// <summary>
/// Rolls year groups forward. Safe to repeat: each student records the academic year their year group is for, and a
/// roll into a year moves only students whose year is an earlier one (a retry, or a second click, moves nobody twice).
/// Two rolls at once cannot both move a student: the second meets the first's new versions and answers 409.
/// </summary>
public sealed class RollForwardHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, TimeProvider clock)
{
    public const int TopYearGroup = 14;

    /// <summary>How many days before a year starts its students may be moved into it (twelve weeks: the summer term).</summary>
    public const int OpensDaysBefore = 84;

    public async Task<Result<RollForwardResult>> HandleAsync(Caller caller, RollForwardRequest r, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (r.YearGroups is { } groups && groups.Any(g => g is < 0 or > TopYearGroup))
        {
            errors.Add("yearGroups", $"Year groups are from 0 (reception) to {TopYearGroup}.");
        }

        if (r.LeavingYearGroup is < 0 or > TopYearGroup)
        {
            errors.Add("leavingYearGroup", $"Year groups are from 0 (reception) to {TopYearGroup}.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        int? school = null;
        if (r.SchoolId is not { } named)
        {
            errors.Add("schoolId", "This field is required.");
        }
        else if (await access.Reachable(db.Schools.AsNoTracking(), caller, Permissions.StudentsEdit).AnyAsync(s => s.Id == named && s.ArchivedAt == null, cancellationToken))
        {
            school = named;
        }
        else
        {
            errors.Add("schoolId", $"There is no school {named} whose students you can change.");
        }

        var target = r.AcademicYearId is { } yearId && school is { } s
            ? await db.AcademicYears.AsNoTracking().Where(y => y.Id == yearId && y.SchoolId == s && y.ArchivedAt == null)
                .Select(y => new { y.Id, y.Name, y.StartDate, y.EndDate }).FirstOrDefaultAsync(cancellationToken)
            : null;
        if (r.AcademicYearId is null)
        {
            errors.Add("academicYearId", "This field is required: the year the students move into.");
        }
        else if (school is not null && target is null)
        {
            errors.Add("academicYearId", $"There is no academic year {r.AcademicYearId} at this school (or it is archived).");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        // Moving up is for the turn of the year: a year group is what students are in now, so moving them into a year
        // that starts next autumn would put them a year ahead of their classes (and archive the leavers) months early.
        var today = await clock.TodayAtAsync(db, school!.Value, cancellationToken);
        if (today < target!.StartDate.AddDays(-OpensDaysBefore))
        {
            return Error.Field("academicYearId",
                $"{target.Name} starts on {target.StartDate:d MMM yyyy}: students move up into it from {target.StartDate.AddDays(-OpensDaysBefore):d MMM yyyy}, " +
                "twelve weeks before, at the end of the year under way. Until then they stay in their year groups.");
        }

        if (today > target.EndDate)
        {
            return Error.Field("academicYearId", $"{target.Name} has ended: choose the year to come.");
        }

        var current = access.Reachable(db.Students, caller, Permissions.StudentsEdit, Permissions.StudentsView)
            .Where(x => x.SchoolId == school && x.ArchivedAt == null);
        if (r.YearGroups is { Count: > 0 } only)
        {
            var wanted = only.Distinct().ToList();
            current = current.Where(x => wanted.Contains(x.YearGroup));
        }

        var already = await current.CountAsync(x => x.AcademicYearId == target!.Id, cancellationToken);
        // Earlier than the target year: no year on record yet, or a year that starts before it.
        var students = await current
            .Where(x => x.AcademicYearId == null || db.AcademicYears.Any(y => y.Id == x.AcademicYearId && y.StartDate < target!.StartDate))
            .Include(x => x.Enrollments.Where(e => e.WithdrawnOn == null))
            .ToListAsync(cancellationToken);
        var moves = new Dictionary<(int From, int? To), int>();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var student in students)
        {
            var from = student.YearGroup;
            int? to = from == r.LeavingYearGroup || from == TopYearGroup ? null : from + 1;
            moves[(from, to)] = moves.GetValueOrDefault((from, to)) + 1;
            if (r.DryRun == true)
            {
                continue;
            }

            if (to is { } next)
            {
                student.YearGroup = next;
                student.FormGroup = NextForm(student.FormGroup, from, next);
                student.AcademicYearId = target!.Id;
            }
            else
            {
                // A leaver keeps the year they left in, and leaves as any leaver does.
                student.Leave(now, today);
            }
        }

        if (r.DryRun != true && students.Count > 0)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return new Error.Conflict("Some of these students were changed at the same time (another roll-forward?). Run it again: those already moved are left as they are.");
            }
        }

        var lines = moves.OrderBy(m => m.Key.From).Select(m => new YearGroupMove(m.Key.From, m.Key.To, m.Value)).ToList();
        return new RollForwardResult(target!.Id, r.DryRun == true, lines.Where(l => l.To is not null).Sum(l => l.Students),
            lines.Where(l => l.To is null).Sum(l => l.Students), already, lines);
    }

    /// <summary>The schools whose students the caller may move up.</summary>
    public async Task<IReadOnlyList<SchoolChoice>> SchoolsAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await SchoolChoice.ReachableAsync(access, db, caller, Permissions.StudentsEdit, cancellationToken);
    }

    /// <summary>The years and year groups of <paramref name="schoolId"/>; nothing for a school out of reach.</summary>
    public async Task<RollForwardChoices> ChoicesAsync(Caller caller, int schoolId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var zone = await access.Reachable(db.Schools.AsNoTracking(), caller, Permissions.StudentsEdit)
            .Where(s => s.Id == schoolId && s.ArchivedAt == null).Select(s => s.TimeZone).FirstOrDefaultAsync(cancellationToken);
        if (zone is null)
        {
            return new RollForwardChoices([], null, []);
        }

        var years = await db.AcademicYears.AsNoTracking()
            .Where(y => y.SchoolId == schoolId && y.ArchivedAt == null)
            .OrderBy(y => y.StartDate)
            .Select(y => new RollForwardYear(y.Id, y.Name, y.StartDate, y.EndDate))
            .ToListAsync(cancellationToken);
        // Today where the school is. In the summer between two years the one under way is the one just ended.
        var today = clock.Today(zone);
        var current = years.FirstOrDefault(y => y.StartDate <= today && today <= y.EndDate) ?? years.LastOrDefault(y => y.StartDate <= today);
        var next = current is null ? years.FirstOrDefault(y => y.StartDate > today) : years.FirstOrDefault(y => y.StartDate > current.StartDate);

        var groups = await access.Reachable(db.Students.AsNoTracking(), caller, Permissions.StudentsEdit, Permissions.StudentsView)
            .Where(s => s.SchoolId == schoolId && s.ArchivedAt == null)
            .Select(s => s.YearGroup).Distinct().OrderBy(g => g)
            .ToListAsync(cancellationToken);
        return new RollForwardChoices(years, next?.Id, groups);
    }

    /// <summary>"7B" in year 7 becomes "8B" in year 8; a form that does not start with its year ("Red") stays.</summary>
    internal static string? NextForm(string? form, int from, int to)
    {
        var prefix = from.ToString(CultureInfo.InvariantCulture);
        if (form is null || !form.StartsWith(prefix, StringComparison.Ordinal) || (form.Length > prefix.Length && char.IsAsciiDigit(form[prefix.Length])))
        {
            return form;
        }

        var next = to.ToString(CultureInfo.InvariantCulture) + form[prefix.Length..];
        return next.Length <= 20 ? next : form;
    }
}

public static class RollForwardEndpoint
{
    public static void MapRollForward(this IEndpointRouteBuilder students) =>
        students.MapPost("/roll-forward", async Task<Results<Ok<RollForwardResult>, ProblemHttpResult>> (
                RollForwardRequest request, Caller caller, RollForwardHandler handler, CancellationToken cancellationToken) =>
            (await handler.HandleAsync(caller, request, cancellationToken)).ToOk())
            .RequireAuthorization(Permissions.StudentsEdit)
            .WithName("RollForwardStudents")
            .WithSummary("Move a school's students up a year into the next academic year")
            .WithDescription("Year group + 1 and forms that start with the year follow it (7B → 8B); leavingYearGroup's students " +
                "are archived as leavers. Safe to repeat: a student already in the academic year is not moved again. " +
                "dryRun: true answers the same summary and changes nothing.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
}
