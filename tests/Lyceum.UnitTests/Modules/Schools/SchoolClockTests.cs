using Lyceum.Modules.Schools;

namespace Lyceum.UnitTests.Modules.Schools;

/// <summary>"Today" for a school's records turns at the school's midnight: an enrolment made at 01:30 in Athens is that day.</summary>
public sealed class SchoolClockTests
{
    private static readonly TimeProvider HalfPastElevenUtc = new At(new DateTimeOffset(2026, 11, 25, 23, 30, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("Europe/Athens", "2026-11-26")] // 01:30 the next morning
    [InlineData("Europe/London", "2026-11-25")]
    [InlineData("America/New_York", "2026-11-25")]
    [InlineData("Pacific/Auckland", "2026-11-26")]
    [InlineData("Not/AZone", "2026-11-25")] // an unknown zone falls back to UTC rather than failing a save
    [InlineData(null, "2026-11-25")]
    public void Today_is_the_date_where_the_school_is(string? zone, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), HalfPastElevenUtc.Today(zone));

    private sealed class At(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
