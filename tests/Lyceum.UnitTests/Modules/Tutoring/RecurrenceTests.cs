using Lyceum.Modules.Tutoring.Sessions;
using Lyceum.Platform.Api;

namespace Lyceum.UnitTests.Modules.Tutoring;

public class RecurrenceTests
{
    private const string London = "Europe/London";

    [Fact]
    public void A_weekly_lesson_stays_at_four_oclock_local_across_the_autumn_clock_change()
    {
        var errors = new FieldErrors();
        // Tuesdays and Thursdays at 16:00 from Tue 20 Oct 2026; UK clocks go back on Sun 25 Oct 2026.
        var rule = Recurrence.Normalise(new RecurrenceRequest(Days: [DayOfWeek.Tuesday, DayOfWeek.Thursday], Count: 4), new DateTime(2026, 10, 20, 16, 0, 0), London, errors);
        Assert.False(errors.Any);
        var starts = Recurrence.Expand(rule!, new DateTime(2026, 10, 20, 16, 0, 0), London, errors);

        Assert.Equal([new DateTime(2026, 10, 20, 16, 0, 0), new DateTime(2026, 10, 22, 16, 0, 0), new DateTime(2026, 10, 27, 16, 0, 0), new DateTime(2026, 10, 29, 16, 0, 0)], starts);
        var zone = SessionTimes.Zone(London)!;
        Assert.Equal(new DateTime(2026, 10, 22, 15, 0, 0, DateTimeKind.Utc), SessionTimes.ToUtc(starts[1], zone));
        Assert.Equal(new DateTime(2026, 10, 27, 16, 0, 0, DateTimeKind.Utc), SessionTimes.ToUtc(starts[2], zone));
    }

    [Fact]
    public void Until_is_the_end_of_that_local_day_and_every_n_weeks_is_kept()
    {
        var errors = new FieldErrors();
        var rule = Recurrence.Normalise(new RecurrenceRequest(Days: [DayOfWeek.Monday], Interval: 2, Until: new DateOnly(2027, 1, 25)), new DateTime(2026, 12, 28, 9, 0, 0), London, errors)!;
        var starts = Recurrence.Expand(rule, new DateTime(2026, 12, 28, 9, 0, 0), London, errors);

        Assert.Contains("INTERVAL=2", rule);
        Assert.Contains("UNTIL=20270125T235959Z", rule);
        Assert.Equal([new DateTime(2026, 12, 28, 9, 0, 0), new DateTime(2027, 1, 11, 9, 0, 0), new DateTime(2027, 1, 25, 9, 0, 0)], starts);
    }

    [Theory]
    [InlineData("FREQ=WEEKLY;BYDAY=TU", "recurrence.rule")]
    [InlineData("FREQ=MINUTELY;COUNT=5", "recurrence.rule")]
    [InlineData("not a rule", "recurrence.rule")]
    [InlineData("FREQ=DAILY;COUNT=5000", "recurrence.rule")]
    public void Rules_that_never_end_or_are_not_rules_are_refused(string rule, string field)
    {
        var errors = new FieldErrors();
        Assert.Null(Recurrence.Normalise(new RecurrenceRequest(rule), new DateTime(2026, 12, 1, 16, 0, 0), London, errors));
        Assert.Contains(field, errors.ToError().Errors.Keys);
    }

    [Fact]
    public void A_rule_past_two_years_is_capped()
    {
        var errors = new FieldErrors();
        var rule = Recurrence.Normalise(new RecurrenceRequest("FREQ=WEEKLY;BYDAY=MO;UNTIL=20310101T000000Z"), new DateTime(2026, 12, 7, 16, 0, 0), London, errors)!;
        Assert.Empty(Recurrence.Expand(rule, new DateTime(2026, 12, 7, 16, 0, 0), London, errors));
        Assert.Contains("recurrence", errors.ToError().Errors.Keys);
    }

    [Fact]
    public void A_series_cut_before_a_lesson_ends_the_day_before()
    {
        var cut = Recurrence.EndBefore("FREQ=WEEKLY;COUNT=10;BYDAY=TU", new DateTime(2026, 12, 15, 16, 0, 0, DateTimeKind.Utc));
        var errors = new FieldErrors();
        var starts = Recurrence.Expand(cut, new DateTime(2026, 12, 1, 16, 0, 0), London, errors);
        Assert.DoesNotContain("COUNT", cut);
        Assert.Equal([new DateTime(2026, 12, 1, 16, 0, 0), new DateTime(2026, 12, 8, 16, 0, 0)], starts);
    }

    [Fact]
    public void A_time_skipped_by_the_spring_clock_change_does_not_exist()
    {
        var zone = SessionTimes.Zone(London)!;
        Assert.False(SessionTimes.Exists(new DateTime(2027, 3, 28, 1, 30, 0), zone));
        Assert.True(SessionTimes.Exists(new DateTime(2027, 3, 28, 2, 30, 0), zone));
    }
}
