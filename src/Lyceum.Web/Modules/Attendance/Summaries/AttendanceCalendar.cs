namespace Lyceum.Modules.Attendance.Summaries;

/// <summary>How one day looks on a student's attendance heat-map.</summary>
public enum DayLevel
{
    /// <summary>No marks that day: not a school day for this student (a weekend, a holiday, no registers).</summary>
    None,

    /// <summary>Marks, but none that counts as a possible session.</summary>
    NotCounted,

    /// <summary>Present at every possible session, on time.</summary>
    Present,

    /// <summary>No absence, late at least once.</summary>
    Late,

    /// <summary>Absent from some sessions, present at others.</summary>
    PartlyAbsent,

    /// <summary>Absent from every possible session.</summary>
    Absent,
}

public sealed record CalendarDay(DateOnly Date, AttendanceTally? Tally)
{
    public DayLevel Level => AttendanceCalendar.LevelOf(Tally);
}

/// <summary>One month of the heat-map: the blank cells before its first day in the week, then its days in the range.</summary>
public sealed record CalendarMonth(DateOnly First, int Leading, IReadOnlyList<CalendarDay> Days);

/// <summary>The months of a range laid out Monday first; Saturday and Sunday only when a weekend day has marks.</summary>
public sealed record CalendarLayout(bool Weekends, IReadOnlyList<CalendarMonth> Months);

/// <summary>Lays a student's days out as a calendar for the heat-map: plain date arithmetic, no date picking.</summary>
public static class AttendanceCalendar
{
    public static DayLevel LevelOf(AttendanceTally? tally) => tally switch
    {
        null => DayLevel.None,
        { Possible: 0 } => DayLevel.NotCounted,
        { Absent: 0, Late: 0 } => DayLevel.Present,
        { Absent: 0 } => DayLevel.Late,
        { Attended: 0 } => DayLevel.Absent,
        _ => DayLevel.PartlyAbsent,
    };

    /// <summary>Monday 0 … Sunday 6 (ISO order).</summary>
    public static int IsoDayIndex(DateOnly date) => ((int)date.DayOfWeek + 6) % 7;

    public static CalendarLayout Layout(DateOnly from, DateOnly to, IEnumerable<DayTally> days)
    {
        var byDate = days.Where(d => d.Date >= from && d.Date <= to).ToDictionary(d => d.Date, d => d.Tally);
        var weekends = byDate.Keys.Any(d => IsoDayIndex(d) >= 5);
        var months = new List<CalendarMonth>();
        for (var first = new DateOnly(from.Year, from.Month, 1); first <= to; first = first.AddMonths(1))
        {
            var start = first < from ? from : first;
            var last = first.AddMonths(1).AddDays(-1);
            var end = last > to ? to : last;
            var cells = new List<CalendarDay>();
            for (var day = start; day <= end; day = day.AddDays(1))
            {
                if (weekends || IsoDayIndex(day) < 5)
                {
                    cells.Add(new CalendarDay(day, byDate.GetValueOrDefault(day)));
                }
            }

            if (cells.Count > 0)
            {
                months.Add(new CalendarMonth(first, IsoDayIndex(cells[0].Date), cells));
            }
        }

        return new CalendarLayout(weekends, months);
    }
}
