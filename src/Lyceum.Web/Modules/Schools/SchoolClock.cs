using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Schools;

/// <summary>
/// Today's date where a school is (its IANA time zone), so that "today" turns at the school's midnight and not at
/// UTC's: an enrolment, a withdrawal or a leaving date written at 00:30 in Athens is that day, not the one before.
/// </summary>
public static class SchoolClock
{
    public static DateOnly Today(this TimeProvider clock, string? timeZone)
    {
        var now = clock.GetUtcNow();
        var local = timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? TimeZoneInfo.ConvertTime(now, zone) : now;
        return DateOnly.FromDateTime(local.DateTime);
    }

    public static async Task<DateOnly> TodayAtAsync(this TimeProvider clock, LyceumDbContext db, int schoolId, CancellationToken cancellationToken) =>
        clock.Today(await db.Schools.AsNoTracking().Where(s => s.Id == schoolId).Select(s => s.TimeZone).FirstOrDefaultAsync(cancellationToken));
}
