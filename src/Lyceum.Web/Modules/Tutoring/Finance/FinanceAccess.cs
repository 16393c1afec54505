using Lyceum.Modules.Schools;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Finance;

/// <summary>A school as the finance pages and endpoints name it: with its money.</summary>
public sealed record FinanceSchool(int Id, string Name, string Currency, string TimeZone);

/// <summary>
/// Finance is school-scoped only (finance.view / finance.edit are granted for a school or every school), so what a
/// caller reaches is a set of schools; a school outside it is not found.
/// </summary>
public static class FinanceAccess
{
    /// <summary>The schools the caller's <paramref name="permission"/> reaches, by name.</summary>
    public static Task<List<FinanceSchool>> SchoolsAsync(AccessService access, LyceumDbContext db, Caller caller, string permission, CancellationToken cancellationToken) =>
        access.Reachable(db.Schools.AsNoTracking(), caller, permission)
            .Where(s => s.ArchivedAt == null)
            .OrderBy(s => s.Name)
            .Select(s => new FinanceSchool(s.Id, s.Name, s.Currency, s.TimeZone))
            .ToListAsync(cancellationToken);

    /// <summary>The school if the caller's permissions (all of them) reach it; else a 404 error.</summary>
    public static async Task<Result<FinanceSchool>> SchoolAsync(
        AccessService access, LyceumDbContext db, Caller caller, int schoolId, string field, CancellationToken cancellationToken, params string[] permissions)
    {
        var schools = db.Schools.AsNoTracking();
        foreach (var permission in permissions)
        {
            schools = access.Reachable(schools, caller, permission);
        }

        var school = await schools.Where(s => s.Id == schoolId)
            .Select(s => new FinanceSchool(s.Id, s.Name, s.Currency, s.TimeZone))
            .FirstOrDefaultAsync(cancellationToken);
        return school is null ? Error.Field(field, $"There is no school {schoolId} whose finance you may see.") : school;
    }

    /// <summary>The UTC instant a school's local date begins (midnight where the school is).</summary>
    public static DateTime StartOfDayUtc(DateOnly date, string? timeZone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone)
            ? TimeZoneInfo.ConvertTimeToUtc(local, zone)
            : DateTime.SpecifyKind(local, DateTimeKind.Utc);
    }

    /// <summary>The school's local date of a UTC instant.</summary>
    public static DateOnly LocalDate(DateTime utc, string? timeZone) =>
        DateOnly.FromDateTime(timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone)
            ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone)
            : utc);

    /// <summary>Money as the API takes it: from 0 (or above it) to the maximum, in cents.</summary>
    public static void CheckMoney(FieldErrors errors, string field, decimal? value, decimal max, bool allowZero)
    {
        if (value is not { } amount)
        {
            errors.Add(field, "This field is required.");
        }
        else if (amount < 0 || (!allowZero && amount == 0))
        {
            errors.Add(field, allowZero ? "Must not be negative." : "Must be more than 0.");
        }
        else if (amount > max)
        {
            errors.Add(field, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Must be at most {max:0.##}."));
        }
        else if (decimal.Round(amount, 2) != amount)
        {
            errors.Add(field, "Must have at most 2 decimal places (cents).");
        }
    }

    /// <summary>A school's today, for issue and payment dates.</summary>
    public static DateOnly Today(TimeProvider clock, FinanceSchool school) => clock.Today(school.TimeZone);
}
