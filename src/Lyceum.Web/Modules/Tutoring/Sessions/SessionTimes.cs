namespace Lyceum.Modules.Tutoring.Sessions;

/// <summary>Wall-clock times of a session's zone, both ways.</summary>
public static class SessionTimes
{
    public static TimeZoneInfo? Zone(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    /// <summary>
    /// UTC of a local time. An ambiguous time (the hour repeated when clocks go back) is read as the first of the two,
    /// as RFC 5545 does; a time that does not exist (clocks went forward) must be refused before (<see cref="Exists"/>).
    /// </summary>
    public static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsAmbiguousTime(unspecified))
        {
            var offset = zone.GetAmbiguousTimeOffsets(unspecified).Max();
            return DateTime.SpecifyKind(unspecified - offset, DateTimeKind.Utc);
        }

        return TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
    }

    public static bool Exists(DateTime local, TimeZoneInfo zone) => !zone.IsInvalidTime(DateTime.SpecifyKind(local, DateTimeKind.Unspecified));

    public static DateTime ToLocal(DateTime utc, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone), DateTimeKind.Unspecified);
}
