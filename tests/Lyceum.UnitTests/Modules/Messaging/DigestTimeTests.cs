using Lyceum.Modules.Messaging.Dispatch;

namespace Lyceum.UnitTests.Modules.Messaging;

/// <summary>When a daily digest goes out: the chosen hour on the school's clock, across clock changes.</summary>
public class DigestTimeTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeZoneInfo Athens = TimeZoneInfo.FindSystemTimeZoneById("Europe/Athens");

    [Fact]
    public void Before_the_hour_the_digest_goes_the_same_day_at_that_hour_school_time()
    {
        // 10:00 UTC on 26 Nov is 12:00 in Athens (UTC+2): 17:00 Athens is 15:00 UTC the same day.
        Assert.Equal(new DateTime(2026, 11, 26, 15, 0, 0, DateTimeKind.Utc), OutboxDispatcher.NextDigest(new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc), 17, Athens));
    }

    [Fact]
    public void At_or_after_the_hour_the_digest_waits_for_the_next_day()
    {
        var five = new DateTime(2026, 11, 26, 17, 0, 0, DateTimeKind.Utc);
        Assert.Equal(five.AddDays(1), OutboxDispatcher.NextDigest(five, 17, London));
        Assert.Equal(five.AddDays(1), OutboxDispatcher.NextDigest(five.AddMinutes(30), 17, London));
    }

    [Fact]
    public void The_hour_stays_the_same_on_the_clock_across_the_spring_and_autumn_changes()
    {
        // UK clocks go forward on Sun 29 Mar 2026 and back on Sun 25 Oct 2026.
        Assert.Equal(new DateTime(2026, 3, 29, 16, 0, 0, DateTimeKind.Utc), OutboxDispatcher.NextDigest(new DateTime(2026, 3, 28, 18, 0, 0, DateTimeKind.Utc), 17, London));
        Assert.Equal(new DateTime(2026, 10, 25, 17, 0, 0, DateTimeKind.Utc), OutboxDispatcher.NextDigest(new DateTime(2026, 10, 24, 17, 0, 0, DateTimeKind.Utc), 17, London));
    }

    [Fact]
    public void An_hour_that_does_not_exist_that_day_goes_an_hour_later()
    {
        // 01:00 on 29 Mar 2026 does not exist in London (01:00 GMT becomes 02:00 BST): 02:00 BST is 01:00 UTC.
        Assert.Equal(new DateTime(2026, 3, 29, 1, 0, 0, DateTimeKind.Utc), OutboxDispatcher.NextDigest(new DateTime(2026, 3, 28, 12, 0, 0, DateTimeKind.Utc), 1, London));
    }
}
