using System.Globalization;

namespace Lyceum.Modules.Attendance.Summaries;

/// <summary>How the summaries pages write their figures, in the reader's culture.</summary>
public static class AttendanceFormat
{
    /// <summary>"94.2%", or a dash when there were no possible sessions.</summary>
    public static string Percent(decimal? value) =>
        value is { } v ? string.Format(CultureInfo.CurrentCulture, "{0:0.#}%", v) : "—";

    public static string Date(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.CurrentCulture);

    public static string ShortDate(DateOnly date) => date.ToString("ddd d MMM", CultureInfo.CurrentCulture);
}
