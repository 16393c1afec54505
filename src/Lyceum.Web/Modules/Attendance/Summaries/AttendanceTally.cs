namespace Lyceum.Modules.Attendance.Summaries;

/// <summary>How a set of marks adds up. The one place that says what counts as attendance and absence.</summary>
/// <remarks>
/// Only marks whose code counts as a possible session are counted. Present and late codes are attendance; absent
/// codes (authorised or not) and excused codes are absence. Persistent absence is absence in at least 10% of the
/// possible sessions (the English definition). A student with no possible sessions has no percentages (null).
/// </remarks>
public sealed record AttendanceTally(int Possible, int Present, int Late, int AuthorisedAbsent, int UnauthorisedAbsent, int Excused, int LateMinutes)
{
    public const decimal PersistentAbsenceThreshold = 10m;

    public static readonly AttendanceTally Empty = new(0, 0, 0, 0, 0, 0, 0);

    public int Attended => Present + Late;

    public int Absent => AuthorisedAbsent + UnauthorisedAbsent + Excused;

    public decimal? PresentPercent => Possible == 0 ? null : Math.Round(100m * Attended / Possible, 1, MidpointRounding.AwayFromZero);

    public decimal? AbsencePercent => Possible == 0 ? null : Math.Round(100m * Absent / Possible, 1, MidpointRounding.AwayFromZero);

    /// <summary>Absent in ≥ 10% of possible sessions (compared exactly, not after rounding).</summary>
    public bool PersistentAbsence => Possible > 0 && Absent * 100m >= PersistentAbsenceThreshold * Possible;

    /// <summary>Adds <paramref name="count"/> marks of one kind of code.</summary>
    public AttendanceTally Add(AttendanceCategory category, bool authorised, bool countsAsPossible, int count, int lateMinutes = 0)
    {
        if (!countsAsPossible || count == 0)
        {
            return this;
        }

        var possible = Possible + count;
        return category switch
        {
            AttendanceCategory.Present => this with { Possible = possible, Present = Present + count },
            AttendanceCategory.Late => this with { Possible = possible, Late = Late + count, LateMinutes = LateMinutes + lateMinutes },
            AttendanceCategory.Excused => this with { Possible = possible, Excused = Excused + count },
            _ when authorised => this with { Possible = possible, AuthorisedAbsent = AuthorisedAbsent + count },
            _ => this with { Possible = possible, UnauthorisedAbsent = UnauthorisedAbsent + count },
        };
    }
}
