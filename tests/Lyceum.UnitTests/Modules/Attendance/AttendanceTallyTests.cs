using Lyceum.Modules.Attendance;
using Lyceum.Modules.Attendance.Summaries;

namespace Lyceum.UnitTests.Modules.Attendance;

/// <summary>
/// What attendance and absence add up to (hand-worked examples), and how a student's days are laid out on the
/// heat-map: the rules a guardian's "persistent absence" letter rests on.
/// </summary>
public sealed class AttendanceTallyTests
{
    private static AttendanceTally Tally(int present = 0, int late = 0, int authorised = 0, int unauthorised = 0, int excused = 0, int lateMinutes = 0) =>
        AttendanceTally.Empty
            .Add(AttendanceCategory.Present, true, true, present)
            .Add(AttendanceCategory.Late, true, true, late, lateMinutes)
            .Add(AttendanceCategory.Absent, true, true, authorised)
            .Add(AttendanceCategory.Absent, false, true, unauthorised)
            .Add(AttendanceCategory.Excused, true, true, excused);

    [Fact]
    public void A_term_of_marks_adds_up_to_the_figures_worked_by_hand()
    {
        // 20 sessions: 15 present, 2 late (12 minutes), 1 medical, 1 unexplained, 1 excused.
        var t = Tally(present: 15, late: 2, authorised: 1, unauthorised: 1, excused: 1, lateMinutes: 12);

        Assert.Equal(20, t.Possible);
        Assert.Equal(17, t.Attended);
        Assert.Equal(3, t.Absent);
        Assert.Equal(12, t.LateMinutes);
        Assert.Equal(85.0m, t.PresentPercent);
        Assert.Equal(15.0m, t.AbsencePercent);
        Assert.True(t.PersistentAbsence);
    }

    [Fact]
    public void Codes_that_are_not_possible_sessions_change_nothing()
    {
        // 9 present, 1 unexplained absence, and 5 marks of a code that is not a session (a trip that is not counted).
        var t = Tally(present: 9, unauthorised: 1)
            .Add(AttendanceCategory.Absent, false, countsAsPossible: false, count: 5)
            .Add(AttendanceCategory.Late, true, countsAsPossible: false, count: 2, lateMinutes: 30);

        Assert.Equal(10, t.Possible);
        Assert.Equal(1, t.Absent);
        Assert.Equal(0, t.Late);
        Assert.Equal(0, t.LateMinutes);
        Assert.Equal(90.0m, t.PresentPercent);
    }

    [Theory]
    [InlineData(1, 0, 0)] // authorised (medical)
    [InlineData(0, 1, 0)] // unauthorised
    [InlineData(0, 0, 1)] // excused
    public void Authorised_unauthorised_and_excused_absences_all_count_as_absence(int authorised, int unauthorised, int excused)
    {
        var t = Tally(present: 9, authorised: authorised, unauthorised: unauthorised, excused: excused);

        Assert.Equal(1, t.Absent);
        Assert.Equal(9, t.Attended);
        Assert.Equal(10.0m, t.AbsencePercent);
        Assert.True(t.PersistentAbsence);
    }

    [Fact]
    public void Lates_are_attendance_not_absence()
    {
        var t = Tally(present: 5, late: 5, lateMinutes: 50);

        Assert.Equal(100.0m, t.PresentPercent);
        Assert.Equal(0.0m, t.AbsencePercent);
        Assert.False(t.PersistentAbsence);
    }

    [Fact]
    public void Exactly_ten_percent_absent_is_persistent_absence()
    {
        var t = Tally(present: 18, unauthorised: 2);

        Assert.Equal(10.0m, t.AbsencePercent);
        Assert.True(t.PersistentAbsence);
    }

    [Fact]
    public void Nine_point_nine_percent_is_not()
    {
        var t = Tally(present: 901, unauthorised: 99);

        Assert.Equal(9.9m, t.AbsencePercent);
        Assert.False(t.PersistentAbsence);
    }

    [Fact]
    public void The_flag_compares_the_exact_share_not_the_rounded_one()
    {
        // 999 of 10 000 is 9.99%: shown as 10.0%, but under the threshold.
        var t = Tally(present: 9001, unauthorised: 999);

        Assert.Equal(10.0m, t.AbsencePercent);
        Assert.False(t.PersistentAbsence);
    }

    [Fact]
    public void Without_possible_sessions_there_are_no_percentages_and_no_flag()
    {
        var none = AttendanceTally.Empty.Add(AttendanceCategory.Absent, false, countsAsPossible: false, count: 3);

        Assert.Equal(0, none.Possible);
        Assert.Null(none.PresentPercent);
        Assert.Null(none.AbsencePercent);
        Assert.False(none.PersistentAbsence);
        Assert.Null(AttendanceTally.Empty.PresentPercent);
    }

    [Fact]
    public void Percentages_are_rounded_to_one_decimal_half_away_from_zero()
    {
        var t = Tally(present: 2, unauthorised: 1); // 66.666…% and 33.333…%
        var half = Tally(present: 1999, unauthorised: 1); // 99.95% and 0.05%

        Assert.Equal(66.7m, t.PresentPercent);
        Assert.Equal(33.3m, t.AbsencePercent);
        Assert.Equal(100.0m, half.PresentPercent);
        Assert.Equal(0.1m, half.AbsencePercent);
    }

    [Theory]
    [InlineData(6, 0, 0, 0, DayLevel.Present)]
    [InlineData(5, 1, 0, 0, DayLevel.Late)]
    [InlineData(5, 0, 0, 1, DayLevel.PartlyAbsent)]
    [InlineData(4, 1, 1, 0, DayLevel.PartlyAbsent)]
    [InlineData(0, 0, 2, 4, DayLevel.Absent)]
    public void A_day_is_shaded_by_its_worst_mark(int present, int late, int authorised, int unauthorised, DayLevel expected) =>
        Assert.Equal(expected, AttendanceCalendar.LevelOf(Tally(present: present, late: late, authorised: authorised, unauthorised: unauthorised)));

    [Fact]
    public void A_day_without_marks_is_blank_and_one_without_possible_sessions_is_apart()
    {
        Assert.Equal(DayLevel.None, AttendanceCalendar.LevelOf(null));
        Assert.Equal(DayLevel.NotCounted, AttendanceCalendar.LevelOf(AttendanceTally.Empty.Add(AttendanceCategory.Present, true, false, 2)));
    }

    [Fact]
    public void The_calendar_lays_out_school_weeks_monday_first_month_by_month()
    {
        // Tuesday 1 September to Thursday 26 November 2026, marks on weekdays only.
        var from = new DateOnly(2026, 9, 1);
        var to = new DateOnly(2026, 11, 26);
        DayTally[] days = [new(from, Tally(present: 6)), new(new DateOnly(2026, 10, 14), Tally(present: 5, unauthorised: 1))];

        var layout = AttendanceCalendar.Layout(from, to, days);

        Assert.False(layout.Weekends);
        Assert.Equal([new DateOnly(2026, 9, 1), new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1)], layout.Months.Select(m => m.First));
        Assert.Equal([1, 3, 0], layout.Months.Select(m => m.Leading)); // Tuesday, Thursday, then Monday the 2nd (the 1st is a Sunday)
        Assert.Equal([22, 22, 19], layout.Months.Select(m => m.Days.Count)); // weekdays only, November up to the 26th
        Assert.All(layout.Months.SelectMany(m => m.Days), d => Assert.InRange(AttendanceCalendar.IsoDayIndex(d.Date), 0, 4));
        Assert.Equal(DayLevel.Present, layout.Months[0].Days[0].Level);
        Assert.Equal(DayLevel.PartlyAbsent, layout.Months[1].Days.Single(d => d.Date.Day == 14).Level);
        Assert.Equal(2, layout.Months.SelectMany(m => m.Days).Count(d => d.Level != DayLevel.None));
    }

    [Fact]
    public void Weekends_appear_only_when_a_weekend_day_has_marks()
    {
        var from = new DateOnly(2026, 11, 1); // a Sunday
        var to = new DateOnly(2026, 11, 8);

        var layout = AttendanceCalendar.Layout(from, to, [new DayTally(new DateOnly(2026, 11, 7), Tally(present: 2))]);

        Assert.True(layout.Weekends);
        var month = Assert.Single(layout.Months);
        Assert.Equal(6, month.Leading); // Sunday is the seventh column
        Assert.Equal(8, month.Days.Count);
        Assert.Equal(DayLevel.Present, month.Days.Single(d => d.Date.Day == 7).Level);
    }

    [Fact]
    public void Days_outside_the_range_are_left_out()
    {
        var layout = AttendanceCalendar.Layout(
            new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 6), [new DayTally(new DateOnly(2026, 10, 30), Tally(present: 1))]);

        Assert.Equal(5, Assert.Single(layout.Months).Days.Count);
        Assert.All(layout.Months[0].Days, d => Assert.Null(d.Tally));
    }
}
