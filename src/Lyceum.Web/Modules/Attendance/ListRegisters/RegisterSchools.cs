using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Attendance.ListRegisters;

/// <summary>
/// What the register pages need of schools besides the handlers: the schools whose every register the caller may
/// take (the office's choice; a teacher has none), and the schools' time zones, so that "taken at 08:42" reads as the
/// school's clock does rather than UTC.
/// </summary>
public sealed class RegisterSchools(IDbContextFactory<LyceumDbContext> contexts, AccessService access, TimeProvider clock)
{
    public sealed record Choice(int Id, string Name);

    /// <summary>The live schools a school-wide attendance.edit grant reaches, by name: empty for a teacher.</summary>
    public async Task<IReadOnlyList<Choice>> WholeSchoolAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await access.Reachable(db.Schools.AsNoTracking(), caller, Permissions.AttendanceEdit)
            .Where(s => s.ArchivedAt == null)
            .OrderBy(s => s.Name)
            .Select(s => new Choice(s.Id, s.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Every school's time zone (not a secret, and a handful of rows): read once per page.</summary>
    public async Task<SchoolTimes> TimesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var zones = await db.Schools.AsNoTracking().OrderBy(s => s.Id).Select(s => new { s.Id, s.TimeZone }).ToListAsync(cancellationToken);
        return new SchoolTimes(clock, zones.ToDictionary(z => z.Id, z => Zone(z.TimeZone)));
    }

    private static TimeZoneInfo Zone(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}

/// <summary>The schools' clocks: a UTC instant or now as a school reads it, and its today.</summary>
public sealed class SchoolTimes(TimeProvider clock, IReadOnlyDictionary<int, TimeZoneInfo> zones)
{
    /// <summary>The zone of the first school when none is named (a teacher's page before any register is listed).</summary>
    private TimeZoneInfo Zone(int? schoolId) =>
        schoolId is { } id && zones.TryGetValue(id, out var zone) ? zone : zones.Values.FirstOrDefault() ?? TimeZoneInfo.Utc;

    public DateTime Local(int? schoolId, DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone(schoolId));

    public DateTime Now(int? schoolId) => TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone(schoolId)).DateTime;

    public DateOnly Today(int? schoolId) => DateOnly.FromDateTime(Now(schoolId));
}
