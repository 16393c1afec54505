using System.Globalization;
using System.Text;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Students;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Lyceum.Modules.Gradebook.ReportCards;

/// <summary>The report cards of a year group (or one form of it) for a term.</summary>
public sealed record YearGroupReportCards(int? SchoolId, int? TermId, int? YearGroup, string? FormGroup);

/// <summary>A choice the report-cards page offers (a school, a term).</summary>
public sealed record ReportCardChoice(int Id, string Name);

/// <summary>
/// Report cards and transcripts as PDF, for the API and the /report-cards page alike. They are staff documents: they
/// print each grade as it stands (the override, else the computed grade) and the teachers' comments, published or
/// not, so students are reached only through staff grants of reportcards.print (a family or self grant reaches none).
/// A year group is read and drawn a batch of <see cref="BatchSize"/> students at a time, reporting progress per
/// student; the PDF is written to the given stream at the end (PDFsharp assembles the document in memory).
/// </summary>
public sealed class ReportCardsHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, IStringLocalizer<Text> text, TimeProvider clock)
{
    public const int BatchSize = 50;

    private readonly ReportCardLabels _labels = new(text);

    /// <summary>Every current student of the year group (and form) the caller may print, ordered by form then name; one or more pages each.</summary>
    public async Task<Result<ReportCardFile>> YearGroupAsync(
        Caller caller, YearGroupReportCards request, Stream output, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.SchoolId is null)
        {
            errors.Add("schoolId", "Choose a school.");
        }

        if (request.TermId is null)
        {
            errors.Add("termId", "Choose a term.");
        }

        if (request.YearGroup is not (>= 0 and <= 20))
        {
            errors.Add("yearGroup", "Choose a year group (0 to 20).");
        }

        var form = TextInput.Blank(request.FormGroup);
        errors.MaxLength("formGroup", form, 20);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var school = await db.Schools.AsNoTracking().Where(s => s.Id == request.SchoolId).Select(s => new { s.Id, s.Name }).FirstOrDefaultAsync(cancellationToken);
        if (school is null)
        {
            return Error.Field("schoolId", $"There is no school {request.SchoolId}.");
        }

        var term = await TermAsync(db, request.TermId!.Value, school.Id, cancellationToken);
        if (term is null)
        {
            return Error.Field("termId", $"There is no term {request.TermId} in {school.Name}.");
        }

        var year = request.YearGroup!.Value;
        var people = await Printable(db, caller)
            .Where(s => s.SchoolId == school.Id && s.ArchivedAt == null && s.YearGroup == year && (form == null || s.FormGroup == form))
            .Select(s => new { s.Id, s.FormGroup, s.LastName, First = s.PreferredName ?? s.FirstName })
            .ToListAsync(cancellationToken);
        if (people.Count == 0)
        {
            return form is null
                ? Error.Field("yearGroup", $"There are no students in year {year} whose report cards you may print.")
                : Error.Field("formGroup", $"There are no students in form {form} of year {year} whose report cards you may print.");
        }

        var ids = people
            .OrderBy(p => p.FormGroup ?? "", StringComparer.CurrentCulture).ThenBy(p => p.LastName, StringComparer.CurrentCulture)
            .ThenBy(p => p.First, StringComparer.CurrentCulture).ThenBy(p => p.Id)
            .Select(p => p.Id)
            .ToList();
        var template = await ReportCardTemplatesHandler.ForSchoolAsync(db, school.Id, _labels, cancellationToken);
        using var pdf = new ReportCardPdf(school.Name, template, _labels, $"{template.Title} · {text["Year {0}", year]} · {term.Name} {term.AcademicYear}");
        var reader = new ReportCardReader(db);
        var done = 0;
        progress?.Report((0, ids.Count));
        foreach (var batch in ids.Chunk(BatchSize))
        {
            foreach (var card in await reader.ReportCardsAsync(batch, term, template.ShowAttendance, cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                pdf.AddReportCard(card);
                progress?.Report((++done, ids.Count));
            }
        }

        pdf.Save(output);
        var name = FileName("report-cards", $"year-{year}", form, term.Name, term.AcademicYear);
        return new ReportCardFile(name, ids.Count, pdf.PageCount);
    }

    /// <summary>One student's report card for a term (archived students too: a leaver's last report).</summary>
    public async Task<Result<ReportCardFile>> StudentAsync(Caller caller, int studentId, int? termId, Stream output, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var student = await Printable(db, caller).AsNoTracking().Where(s => s.Id == studentId)
            .Select(s => new { s.Id, s.SchoolId, SchoolName = s.School!.Name, s.StudentNumber }).FirstOrDefaultAsync(cancellationToken);
        if (student is null)
        {
            return new Error.NotFound($"There is no student {studentId} whose report card you may print.");
        }

        if (termId is null)
        {
            return Error.Field("termId", "Choose a term.");
        }

        var term = await TermAsync(db, termId.Value, student.SchoolId, cancellationToken);
        if (term is null)
        {
            return Error.Field("termId", $"There is no term {termId} in the student's school.");
        }

        var template = await ReportCardTemplatesHandler.ForSchoolAsync(db, student.SchoolId, _labels, cancellationToken);
        var card = (await new ReportCardReader(db).ReportCardsAsync([student.Id], term, template.ShowAttendance, cancellationToken)).Single();
        using var pdf = new ReportCardPdf(student.SchoolName, template, _labels, $"{template.Title} · {card.Student.Name} · {term.Name} {term.AcademicYear}");
        pdf.AddReportCard(card);
        pdf.Save(output);
        return new ReportCardFile(FileName("report-card", student.StudentNumber, term.Name, term.AcademicYear), 1, pdf.PageCount);
    }

    /// <summary>One student's transcript: every academic year and term they had sections in, with each section's final grade.</summary>
    public async Task<Result<ReportCardFile>> TranscriptAsync(Caller caller, int studentId, Stream output, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var student = await Printable(db, caller).AsNoTracking().Where(s => s.Id == studentId)
            .Select(s => new { s.Id, s.SchoolId, SchoolName = s.School!.Name, s.StudentNumber }).FirstOrDefaultAsync(cancellationToken);
        if (student is null)
        {
            return new Error.NotFound($"There is no student {studentId} whose transcript you may print.");
        }

        var template = await ReportCardTemplatesHandler.ForSchoolAsync(db, student.SchoolId, _labels, cancellationToken);
        var reader = new ReportCardReader(db);
        var person = (await reader.StudentsAsync([student.Id], cancellationToken)).Single();
        var transcript = await reader.TranscriptAsync(person, cancellationToken);
        var today = await clock.TodayAtAsync(db, student.SchoolId, cancellationToken);
        using var pdf = new ReportCardPdf(student.SchoolName, template, _labels, $"{_labels.Transcript} · {person.Name}");
        pdf.AddTranscript(transcript, today);
        pdf.Save(output);
        return new ReportCardFile(FileName("transcript", student.StudentNumber), 1, pdf.PageCount);
    }

    /// <summary>The live schools with current students the caller may print report cards for.</summary>
    public async Task<IReadOnlyList<ReportCardChoice>> SchoolsAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var students = Printable(db, caller).Where(s => s.ArchivedAt == null);
        return await db.Schools.AsNoTracking()
            .Where(s => s.ArchivedAt == null && students.Any(x => x.SchoolId == s.Id))
            .OrderBy(s => s.Name)
            .Select(s => new ReportCardChoice(s.Id, s.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>A school's terms, the latest first, and the one to offer first: the term running today, else the last begun.</summary>
    public async Task<(IReadOnlyList<ReportCardChoice> Terms, int? Current)> TermsAsync(int schoolId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var today = await clock.TodayAtAsync(db, schoolId, cancellationToken);
        var terms = await db.Terms.AsNoTracking()
            .Where(t => t.AcademicYear!.SchoolId == schoolId && t.ArchivedAt == null)
            .OrderByDescending(t => t.StartDate)
            .Select(t => new { t.Id, t.Name, Year = t.AcademicYear!.Name, t.StartDate, t.EndDate })
            .ToListAsync(cancellationToken);
        var current = terms.FirstOrDefault(t => t.StartDate <= today && t.EndDate >= today) ?? terms.FirstOrDefault(t => t.StartDate <= today) ?? terms.LastOrDefault();
        return ([.. terms.Select(t => new ReportCardChoice(t.Id, $"{t.Name} · {t.Year}"))], current?.Id);
    }

    /// <summary>The year groups of the school's current students the caller may print, and each one's forms.</summary>
    public async Task<IReadOnlyList<(int YearGroup, IReadOnlyList<string> Forms)>> YearGroupsAsync(Caller caller, int schoolId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pairs = await Printable(db, caller).AsNoTracking()
            .Where(s => s.SchoolId == schoolId && s.ArchivedAt == null)
            .Select(s => new { s.YearGroup, s.FormGroup })
            .Distinct()
            .ToListAsync(cancellationToken);
        return [.. pairs.GroupBy(p => p.YearGroup).OrderBy(g => g.Key)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Where(p => p.FormGroup != null).Select(p => p.FormGroup!).Order(StringComparer.CurrentCulture)]))];
    }

    /// <summary>Students whose report cards the caller may print: through staff grants only (see the class summary).</summary>
    private IQueryable<Student> Printable(LyceumDbContext db, Caller caller) =>
        access.Reachable(db.Students, GradebookAccess.AsStaff(caller), Permissions.ReportCardsPrint);

    private static Task<ReportCardTerm?> TermAsync(LyceumDbContext db, int termId, int schoolId, CancellationToken cancellationToken) =>
        db.Terms.AsNoTracking()
            .Where(t => t.Id == termId && t.AcademicYear!.SchoolId == schoolId)
            .Select(t => new ReportCardTerm(t.Id, t.Name, t.StartDate, t.EndDate, t.AcademicYearId, t.AcademicYear!.Name))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>"report-cards-year-9-9b-autumn-2031-32.pdf": the parts in lower case, ASCII letters and digits only.</summary>
    internal static string FileName(params string?[] parts)
    {
        var name = new StringBuilder();
        foreach (var part in parts.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            var slug = new StringBuilder();
            foreach (var c in part!.ToLowerInvariant())
            {
                slug.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-');
            }

            var piece = string.Join('-', slug.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
            if (piece.Length > 0)
            {
                name.Append(name.Length == 0 ? "" : "-").Append(piece);
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{name}.pdf");
    }
}
