using System.Globalization;
using Lyceum.Modules.Attendance.ListRegisters;

namespace Lyceum.Modules.Attendance.TakeRegister;

/// <summary>The addresses of the register pages, written in one place for the list, the dashboard and the page itself.</summary>
public static class RegisterRoutes
{
    public const string List = "/attendance";

    public static string Lesson(int sectionId, DateOnly date, int periodId) =>
        $"/attendance/registers/lessons/{sectionId}/{Day(date)}/{periodId}";

    public static string Daily(int schoolId, string formGroup, DateOnly date, DaySession session) =>
        $"/attendance/registers/daily/{schoolId}/{Uri.EscapeDataString(formGroup)}/{Day(date)}/{session}";

    public static string For(RegisterDue register) => register.Kind == "daily"
        ? Daily(register.SchoolId, register.FormGroup!, register.Date, register.Session ?? DaySession.AM)
        : Lesson(register.SectionId!.Value, register.Date, register.PeriodId!.Value);

    /// <summary>The registers of a day (today's without a date).</summary>
    public static string ListOn(DateOnly? date) => date is { } day ? $"{List}?date={Day(day)}" : List;

    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
