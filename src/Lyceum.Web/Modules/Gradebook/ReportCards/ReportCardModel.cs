using System.Globalization;
using Lyceum.Modules.Attendance.Summaries;
using Microsoft.Extensions.Localization;

namespace Lyceum.Modules.Gradebook.ReportCards;

/// <summary>A student as a report card names them.</summary>
public sealed record ReportCardStudent(int Id, string Name, string StudentNumber, int YearGroup, string? FormGroup);

/// <summary>A term with its year, as a report card heads it.</summary>
public sealed record ReportCardTerm(int Id, string Name, DateOnly Start, DateOnly End, int AcademicYearId, string AcademicYear);

/// <summary>
/// One section on a report card: the grade as it stands (the override, else the computed grade), the computed
/// percentage when no override replaced it, and the teacher's comment — published or not (report cards are staff
/// documents).
/// </summary>
public sealed record ReportCardSection(int SectionId, int TermId, string Course, string Section, string? Teacher, string? Grade, decimal? Percent, string? Comment);

/// <summary>One student's report card for a term; <see cref="Attendance"/> is null when the template leaves it out.</summary>
public sealed record ReportCard(ReportCardStudent Student, ReportCardTerm Term, IReadOnlyList<ReportCardSection> Sections, AttendanceTally? Attendance);

/// <summary>Every term of a student's record with its sections' final grades, oldest first.</summary>
public sealed record Transcript(ReportCardStudent Student, IReadOnlyList<(ReportCardTerm Term, IReadOnlyList<ReportCardSection> Sections)> Terms);

/// <summary>What a generated PDF holds: its file name, how many students, how many pages.</summary>
public sealed record ReportCardFile(string FileName, int Students, int Pages);

/// <summary>
/// The words printed on report cards and transcripts, in the request's language (the same texts as the pages, from
/// Resources/Text.resx), including the default template's title and signature lines.
/// </summary>
public sealed class ReportCardLabels(IStringLocalizer<Text> T)
{
    public string ReportCard => T["Report card"];

    public string Transcript => T["Transcript"];

    public IReadOnlyList<string> DefaultSignatureLines => [T["Form tutor"], T["Head teacher"], T["Parent or guardian"]];

    public string Student => T["Student"];

    public string StudentNumber => T["Student number"];

    public string Year => T["Year"];

    public string Form => T["Form"];

    public string Term => T["Term"];

    public string AcademicYear => T["Academic year"];

    public string Dates => T["Dates"];

    public string Course => T["Course"];

    public string Teacher => T["Teacher"];

    public string Grade => T["Grade"];

    public string Percent => T["Percent"];

    public string Grades => T["Grades"];

    public string Attendance => T["Attendance"];

    public string Comments => T["Comments"];

    public string NoSections => T["No sections in this term."];

    public string NoComments => T["No teacher comments this term."];

    public string NoRegisters => T["No registers were taken for this student in this term."];

    public string NoGrades => T["No grades recorded yet."];

    public string Continued => T["continued"];

    public string Issued(DateOnly date) => T["Issued on {0}", Date(date)];

    public string Page(int page, int pages) => T["Page {0} of {1}", page, pages];

    public string DateRange(DateOnly from, DateOnly to) => T["{0} to {1}", Date(from), Date(to)];

    /// <summary>"Present: 94.2% of 120 possible sessions." then the absences and lates.</summary>
    public string AttendanceLine(AttendanceTally tally) =>
        T["Present: {0} of {1} possible sessions.", AttendanceFormat.Percent(tally.PresentPercent), tally.Possible] + " " +
        T["Absences: {0} authorised, {1} unauthorised. Lates: {2}.", tally.AuthorisedAbsent + tally.Excused, tally.UnauthorisedAbsent, tally.Late];

    public static string Date(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.CurrentCulture);

    public static string Percentage(decimal? value) =>
        value is { } v ? string.Format(CultureInfo.CurrentCulture, "{0:0.0}%", v) : "—";
}
