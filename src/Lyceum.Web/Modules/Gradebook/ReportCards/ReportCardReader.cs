using Lyceum.Modules.Attendance.Summaries;
using Lyceum.Modules.Gradebook.EnterMarks;
using Lyceum.Modules.Gradebook.Grading;
using Lyceum.Modules.Gradebook.Scales;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using CalcCategory = Lyceum.Modules.Gradebook.Grading.GradeCategory;

namespace Lyceum.Modules.Gradebook.ReportCards;

/// <summary>
/// Reads what report cards print, a batch of students at a time, and computes each term grade through
/// <see cref="GradebookReader.Term"/> (the one rule). What is the same for every student of a run — a section's course,
/// teacher, scale, categories and assessments — is read once and kept: a year group has tens of sections, so the run's
/// memory grows with its sections, not its students. Access is the caller's business: it passes only students it may
/// print.
/// </summary>
internal sealed class ReportCardReader(LyceumDbContext db)
{
    private readonly Dictionary<int, SectionInfo> _sections = [];
    private readonly Dictionary<int, int> _sectionOfAssessment = [];
    private readonly Dictionary<int, GradingScale> _schoolScales = [];

    public async Task<IReadOnlyList<ReportCardStudent>> StudentsAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var rows = await db.Students.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new ReportCardStudent(s.Id, (s.PreferredName ?? s.FirstName) + " " + s.LastName, s.StudentNumber, s.YearGroup, s.FormGroup))
            .ToDictionaryAsync(s => s.Id, cancellationToken);
        return [.. ids.Where(rows.ContainsKey).Select(id => rows[id])];
    }

    /// <summary>The report cards of <paramref name="ids"/> (in that order) for a term; attendance over the term's dates when asked.</summary>
    public async Task<IReadOnlyList<ReportCard>> ReportCardsAsync(IReadOnlyList<int> ids, ReportCardTerm term, bool attendance, CancellationToken cancellationToken)
    {
        var students = await StudentsAsync(ids, cancellationToken);
        var grades = await GradesAsync(ids, term.Id, cancellationToken);
        var tallies = attendance
            ? (await AttendanceSummariesHandler.TallyAsync(db, db.Students.Where(s => ids.Contains(s.Id)), term.Start, term.End, cancellationToken))
                .ToDictionary(t => t.StudentId, t => t.Tally)
            : null;
        return [.. students.Select(s => new ReportCard(
            s, term, grades.TryGetValue(s.Id, out var own) ? own : [],
            tallies is null ? null : tallies.GetValueOrDefault(s.Id) ?? AttendanceTally.Empty))];
    }

    /// <summary>A student's every term with sections, oldest first, each section with its grade as it stands.</summary>
    public async Task<Transcript> TranscriptAsync(ReportCardStudent student, CancellationToken cancellationToken)
    {
        var grades = await GradesAsync([student.Id], null, cancellationToken);
        var lines = grades.GetValueOrDefault(student.Id) ?? [];
        var termIds = lines.Select(l => l.TermId).Distinct().ToList();
        var terms = await db.Terms.AsNoTracking().Where(t => termIds.Contains(t.Id))
            .Select(t => new ReportCardTerm(t.Id, t.Name, t.StartDate, t.EndDate, t.AcademicYearId, t.AcademicYear!.Name))
            .ToListAsync(cancellationToken);
        return new Transcript(student, [.. terms.OrderBy(t => t.Start).ThenBy(t => t.Id)
            .Select(t => (t, (IReadOnlyList<ReportCardSection>)[.. lines.Where(l => l.TermId == t.Id)]))]);
    }

    /// <summary>
    /// Each student's sections (of one term, or all), sorted by course. A section counts when the student was still
    /// in it at the end of its term: one they were moved out of (a transfer) or withdrawn from earlier is left out.
    /// </summary>
    private async Task<Dictionary<int, List<ReportCardSection>>> GradesAsync(IReadOnlyList<int> ids, int? termId, CancellationToken cancellationToken)
    {
        var enrolments = await db.Enrollments.AsNoTracking()
            .Where(e => ids.Contains(e.StudentId) && (termId == null || e.Section!.TermId == termId))
            .Where(e => e.WithdrawnOn == null || e.WithdrawnOn > e.Section!.Term!.EndDate)
            .Select(e => new { e.StudentId, e.SectionId })
            .Distinct()
            .ToListAsync(cancellationToken);
        await LoadSectionsAsync([.. enrolments.Select(e => e.SectionId).Distinct().Where(id => !_sections.ContainsKey(id))], cancellationToken);

        var marks = (await db.Marks.AsNoTracking()
                .Where(m => ids.Contains(m.StudentId) && (termId == null || m.Assessment!.TermId == termId))
                .ToListAsync(cancellationToken))
            .Where(m => _sectionOfAssessment.ContainsKey(m.AssessmentId))
            .ToLookup(m => (m.StudentId, Section: _sectionOfAssessment[m.AssessmentId]));
        var stored = (await db.TermGrades.AsNoTracking()
                .Where(t => ids.Contains(t.StudentId) && (termId == null || t.Section!.TermId == termId))
                .ToListAsync(cancellationToken))
            .ToDictionary(t => (t.StudentId, t.SectionId));

        return enrolments
            .GroupBy(e => e.StudentId)
            .ToDictionary(g => g.Key, g => g
                .Select(e =>
                {
                    var info = _sections[e.SectionId];
                    var term = GradebookReader.Term(
                        info.Categories, info.Assessments, [.. marks[(e.StudentId, e.SectionId)]], stored.GetValueOrDefault((e.StudentId, e.SectionId)), info.Scale);
                    return new ReportCardSection(
                        info.Id, info.TermId, info.Course, info.Name, info.Teacher, term.Grade, term.OverrideGrade is null ? term.Percent : null, term.Comment);
                })
                .OrderBy(s => s.Course, StringComparer.CurrentCulture).ThenBy(s => s.Section, StringComparer.CurrentCulture)
                .ToList());
    }

    private async Task LoadSectionsAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var rows = await db.Sections.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new
            {
                s.Id,
                s.Name,
                Course = s.Course!.Name,
                s.Course.SchoolId,
                s.TermId,
                Teacher = s.Teacher!.Title == null ? s.Teacher.FirstName + " " + s.Teacher.LastName : s.Teacher.Title + " " + s.Teacher.LastName,
            })
            .ToListAsync(cancellationToken);
        var categories = (await db.AssessmentCategories.AsNoTracking().Where(c => ids.Contains(c.SectionId)).ToListAsync(cancellationToken))
            .ToLookup(c => c.SectionId);
        var assessments = (await db.Assessments.AsNoTracking().Where(a => ids.Contains(a.SectionId)).ToListAsync(cancellationToken))
            .ToLookup(a => a.SectionId);
        var chosen = await db.SectionGradebooks.AsNoTracking().Include(g => g.Scale!).ThenInclude(s => s.Bands)
            .Where(g => ids.Contains(g.SectionId))
            .ToDictionaryAsync(g => g.SectionId, g => g.Scale!, cancellationToken);

        foreach (var row in rows)
        {
            var scale = chosen.TryGetValue(row.Id, out var own) ? GradeScalesHandler.ToScale(own) : await SchoolScaleAsync(row.SchoolId, row.Id, cancellationToken);
            _sections[row.Id] = new SectionInfo(
                row.Id, row.Name, row.Course, row.Teacher, row.TermId, scale,
                [.. categories[row.Id].Select(GradebookReader.ToCalc)], [.. assessments[row.Id].Select(GradebookReader.ToCalc)]);
            foreach (var assessment in assessments[row.Id])
            {
                _sectionOfAssessment[assessment.Id] = row.Id;
            }
        }
    }

    /// <summary>The scale of a section that has chosen none: its school's default, read once per school.</summary>
    private async Task<GradingScale> SchoolScaleAsync(int schoolId, int sectionId, CancellationToken cancellationToken)
    {
        if (!_schoolScales.TryGetValue(schoolId, out var scale))
        {
            scale = _schoolScales[schoolId] = GradeScalesHandler.ToScale(await GradebookReader.ScaleAsync(db, sectionId, schoolId, cancellationToken));
        }

        return scale;
    }

    private sealed record SectionInfo(
        int Id, string Name, string Course, string? Teacher, int TermId, GradingScale Scale,
        IReadOnlyList<CalcCategory> Categories, IReadOnlyList<GradedAssessment> Assessments);
}
