using System.Globalization;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Finance;

public enum RevenueGrouping
{
    Month,
    Student,
    Tutor,
}

/// <summary>One group of the revenue: a month ("2026-11"), a student or a tutor (their id as the key).</summary>
public sealed record RevenueGroup(string Key, string Label, decimal Amount, int Sessions, decimal Hours);

public sealed record RevenueView(
    int SchoolId, string Currency, DateOnly From, DateOnly To, RevenueGrouping GroupBy, decimal Total, int Sessions, decimal Hours, int Unpriced,
    IReadOnlyList<RevenueGroup> Groups);

/// <summary>
/// What completed sessions earned in a period (the school's local dates of their starts): each student's amount as it
/// was priced at completion, grouped by month, student or tutor. A student of a completed session without a price
/// (no rate matched) counts in <see cref="RevenueView.Unpriced"/> and not in the money.
/// </summary>
public sealed class RevenueHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, TimeProvider clock)
{
    public const int MaxDays = 3 * 366;

    public async Task<Result<RevenueView>> GetAsync(
        Caller caller, int? schoolId, DateOnly? from, DateOnly? to, RevenueGrouping? groupBy, CancellationToken cancellationToken)
    {
        if (schoolId is null)
        {
            return Error.Field("schoolId", "This field is required.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await FinanceAccess.SchoolAsync(access, db, caller, schoolId.Value, "schoolId", cancellationToken, Permissions.FinanceView);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var school = found.Value!;
        var today = FinanceAccess.Today(clock, school);
        var until = to ?? today;
        var since = from ?? new DateOnly(until.Year, until.Month, 1).AddMonths(-11);
        if (until < since)
        {
            return Error.Field("to", "Must not be before from.");
        }

        if (until.DayNumber - since.DayNumber > MaxDays)
        {
            return Error.Field("to", $"Must be at most {MaxDays} days after from.");
        }

        var start = FinanceAccess.StartOfDayUtc(since, school.TimeZone);
        var end = FinanceAccess.StartOfDayUtc(until.AddDays(1), school.TimeZone);
        // A year of a centre's sessions is tens of thousands of rows at most: grouped here, the same on both databases
        // (SQLite cannot sum decimals, and months are local dates).
        var rows = await db.TutoringSessionStudents.AsNoTracking()
            .Where(l => l.Session!.SchoolId == school.Id && l.Session.Status == SessionStatus.Completed && l.Session.StartUtc >= start && l.Session.StartUtc < end)
            .Select(l => new
            {
                l.SessionId,
                l.StudentId,
                Student = l.Student!.FirstName + " " + l.Student.LastName,
                l.Session!.TutorId,
                Tutor = l.Session.Tutor!.FirstName + " " + l.Session.Tutor.LastName,
                l.Session.StartUtc,
                l.Session.EndUtc,
                l.Amount,
            })
            .ToListAsync(cancellationToken);

        var priced = rows.Where(r => r.Amount is not null).ToList();
        static decimal Hours(DateTime start, DateTime end) => Math.Round((decimal)(end - start).TotalMinutes / 60m, 2);
        var grouping = groupBy ?? RevenueGrouping.Month;
        IEnumerable<RevenueGroup> groups = grouping switch
        {
            RevenueGrouping.Student => priced.GroupBy(r => (r.StudentId, r.Student))
                .Select(g => new RevenueGroup(g.Key.StudentId.ToString(CultureInfo.InvariantCulture), g.Key.Student, g.Sum(r => r.Amount!.Value), g.Count(), g.Sum(r => Hours(r.StartUtc, r.EndUtc))))
                .OrderByDescending(g => g.Amount).ThenBy(g => g.Label, StringComparer.CurrentCulture),
            RevenueGrouping.Tutor => priced.GroupBy(r => (r.TutorId, r.Tutor))
                .Select(g => new RevenueGroup(g.Key.TutorId.ToString(CultureInfo.InvariantCulture), g.Key.Tutor, g.Sum(r => r.Amount!.Value), g.Select(r => r.SessionId).Distinct().Count(), g.GroupBy(r => r.SessionId).Sum(s => Hours(s.First().StartUtc, s.First().EndUtc))))
                .OrderByDescending(g => g.Amount).ThenBy(g => g.Label, StringComparer.CurrentCulture),
            _ => Months(since, until).Select(month =>
            {
                var inMonth = priced.Where(r => Month(FinanceAccess.LocalDate(r.StartUtc, school.TimeZone)) == month).ToList();
                var key = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
                return new RevenueGroup(key, month.ToString("MMM yyyy", CultureInfo.InvariantCulture), inMonth.Sum(r => r.Amount!.Value),
                    inMonth.Select(r => r.SessionId).Distinct().Count(), inMonth.GroupBy(r => r.SessionId).Sum(s => Hours(s.First().StartUtc, s.First().EndUtc)));
            }),
        };

        return new RevenueView(
            school.Id, school.Currency, since, until, grouping, priced.Sum(r => r.Amount!.Value), rows.Select(r => r.SessionId).Distinct().Count(),
            rows.GroupBy(r => r.SessionId).Sum(s => Hours(s.First().StartUtc, s.First().EndUtc)), rows.Count - priced.Count, groups.ToList());
    }

    /// <summary>The schools whose finance the caller sees, and today at the first of them: what the finance page opens on.</summary>
    public async Task<(IReadOnlyList<FinanceSchool> Schools, DateOnly Today)> SchoolsAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var schools = await FinanceAccess.SchoolsAsync(access, db, caller, Permissions.FinanceView, cancellationToken);
        return (schools, schools.Count > 0 ? FinanceAccess.Today(clock, schools[0]) : DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
    }

    private static DateOnly Month(DateOnly date) => new(date.Year, date.Month, 1);

    private static IEnumerable<DateOnly> Months(DateOnly from, DateOnly to)
    {
        for (var month = Month(from); month <= to; month = month.AddMonths(1))
        {
            yield return month;
        }
    }
}
