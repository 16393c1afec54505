using Lyceum.Modules.Gradebook.Grading;
using Lyceum.Modules.Gradebook.Scales;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using CalcCategory = Lyceum.Modules.Gradebook.Grading.GradeCategory;

namespace Lyceum.Modules.Gradebook.EnterMarks;

public sealed record CategoryView(int Id, string Name, decimal Weight, int DropLowest, decimal Share, Guid Version);

public sealed record AssessmentView(
    int Id, int CategoryId, string Title, DateOnly Date, decimal MaxPoints, bool Counts, DateTime? PublishedAt, int Marked, decimal? MeanPercent, Guid Version);

public sealed record MarkView(int AssessmentId, MarkStatus Status, decimal? Points, string? By, Guid Version);

/// <summary>
/// A student's term grade: as the marks compute it (percent rounded once, grade on the section's scale), the override
/// if any, the grade that stands (override or computed), and what was last published.
/// </summary>
public sealed record TermGradeView(
    decimal? Percent, string? ComputedGrade, string? OverrideGrade, string? OverrideReason, string? Grade, string? Comment,
    string? PublishedGrade, decimal? PublishedPercent, DateTime? PublishedAt, Guid? Version,
    IReadOnlyList<CategoryResult> Categories);

public sealed record GradebookStudent(int Id, string Name, string StudentNumber, IReadOnlyList<MarkView> Marks, TermGradeView Term);

public sealed record GradeCount(string Grade, int Count);

/// <summary>The current term grades of a section: how they spread over the scale, and their mean, median and standard deviation.</summary>
public sealed record SectionStatistics(int Graded, int Students, decimal? Mean, decimal? Median, decimal? StandardDeviation, IReadOnlyList<GradeCount> Distribution);

public sealed record GradebookView(
    GradebookSection Section, ScaleView Scale, bool CanEdit, bool CanPublish, Guid? SettingsVersion,
    IReadOnlyList<CategoryView> Categories, IReadOnlyList<AssessmentView> Assessments, IReadOnlyList<GradebookStudent> Students,
    SectionStatistics Statistics);

/// <summary>
/// Reads a section's gradebook and computes it through <see cref="TermGradeCalculator"/>: the grid, the API, the
/// overview's statistics and report cards all read it here.
/// </summary>
public static class GradebookReader
{
    /// <summary>The section's scale: its gradebook's, else the school's default (made on first need).</summary>
    public static async Task<GradeScale> ScaleAsync(LyceumDbContext db, int sectionId, int schoolId, CancellationToken cancellationToken)
    {
        // Include cannot follow a Select to a navigation (EF refuses it at run time): ask for the scale the gradebook names.
        var chosen = await db.GradeScales.AsNoTracking().Include(s => s.Bands)
            .Where(s => db.SectionGradebooks.Any(g => g.SectionId == sectionId && g.ScaleId == s.Id))
            .FirstOrDefaultAsync(cancellationToken);
        if (chosen is not null)
        {
            return chosen;
        }

        await GradeScaleDefaults.EnsureAsync(db, schoolId, cancellationToken);
        return await db.GradeScales.AsNoTracking().Include(s => s.Bands).Where(s => s.SchoolId == schoolId && s.ArchivedAt == null)
                   .OrderByDescending(s => s.IsDefault).ThenBy(s => s.Id).FirstOrDefaultAsync(cancellationToken)
               ?? GradeScaleDefaults.For(schoolId)[0];
    }

    public static async Task<GradebookView> ReadAsync(
        LyceumDbContext db, GradebookSection section, bool canEdit, bool canPublish, CancellationToken cancellationToken)
    {
        var scaleRow = await ScaleAsync(db, section.Id, section.SchoolId, cancellationToken);
        var scale = GradeScalesHandler.ToScale(scaleRow);
        var settingsVersion = await db.SectionGradebooks.Where(g => g.SectionId == section.Id).Select(g => (Guid?)g.Version).FirstOrDefaultAsync(cancellationToken);
        var categories = await db.AssessmentCategories.AsNoTracking().Where(c => c.SectionId == section.Id)
            .OrderBy(c => c.Position).ThenBy(c => c.Id).ToListAsync(cancellationToken);
        var assessments = await db.Assessments.AsNoTracking().Where(a => a.SectionId == section.Id)
            .OrderBy(a => a.Date).ThenBy(a => a.Id).ToListAsync(cancellationToken);
        var students = await db.Enrollments.AsNoTracking().Where(e => e.SectionId == section.Id && e.WithdrawnOn == null)
            .Select(e => new { e.Student!.Id, e.Student.FirstName, e.Student.PreferredName, e.Student.LastName, e.Student.StudentNumber })
            .ToListAsync(cancellationToken);
        var marks = (await db.Marks.AsNoTracking().Where(m => m.Assessment!.SectionId == section.Id).ToListAsync(cancellationToken))
            .ToLookup(m => m.StudentId);
        var terms = await db.TermGrades.AsNoTracking().Where(t => t.SectionId == section.Id).ToDictionaryAsync(t => t.StudentId, cancellationToken);

        var calcCategories = categories.Select(ToCalc).ToList();
        var calcAssessments = assessments.Select(ToCalc).ToList();
        var rows = students
            .OrderBy(s => s.LastName, StringComparer.CurrentCulture).ThenBy(s => s.PreferredName ?? s.FirstName, StringComparer.CurrentCulture)
            .Select(s =>
            {
                var own = marks[s.Id].ToList();
                terms.TryGetValue(s.Id, out var term);
                return new GradebookStudent(
                    s.Id, $"{s.LastName}, {s.PreferredName ?? s.FirstName}", s.StudentNumber,
                    [.. own.Select(m => new MarkView(m.AssessmentId, m.Status, m.Points, m.By, m.Version))],
                    Term(calcCategories, calcAssessments, own, term, scale));
            })
            .ToList();

        var totalWeight = categories.Sum(c => Math.Max(0m, c.Weight));
        var markList = marks.SelectMany(g => g).ToLookup(m => m.AssessmentId);
        return new GradebookView(
            section, GradeScalesHandler.ToView(scaleRow), canEdit, canPublish, settingsVersion,
            [.. categories.Select(c => new CategoryView(c.Id, c.Name, c.Weight, c.DropLowest,
                totalWeight > 0 ? Math.Round(100m * Math.Max(0m, c.Weight) / totalWeight, 1, MidpointRounding.AwayFromZero) : 0m, c.Version))],
            [.. assessments.Select(a => Assessment(a, markList[a.Id].ToList()))],
            rows,
            Statistics(rows.Select(r => r.Term).ToList(), scale));
    }

    /// <summary>A student's term grade from their marks, with what is stored for it (override, comment, publication).</summary>
    public static TermGradeView Term(
        IReadOnlyList<CalcCategory> categories, IReadOnlyList<GradedAssessment> assessments, IReadOnlyList<Mark> marks, TermGrade? stored, GradingScale scale)
    {
        var result = TermGradeCalculator.Compute(categories, assessments, [.. marks.Select(ToCalc)], scale);
        return new TermGradeView(
            result.Percent, result.Grade, stored?.OverrideGrade, stored?.OverrideReason, stored?.OverrideGrade ?? result.Grade, stored?.Comment,
            stored?.PublishedGrade, stored?.PublishedPercent, stored?.PublishedAt, stored?.Version, result.Categories);
    }

    /// <summary>Distribution over the scale's grades (in its order), and mean, median and population standard deviation of the percentages.</summary>
    public static SectionStatistics Statistics(IReadOnlyList<TermGradeView> terms, GradingScale scale)
    {
        var percents = terms.Where(t => t.Percent is not null).Select(t => t.Percent!.Value).Order().ToList();
        var graded = terms.Where(t => t.Grade is not null).ToList();
        IEnumerable<string> order = scale.Kind == ScaleKind.Bands
            ? scale.Bands.Select(b => b.Label)
            : graded.Select(t => t.Grade!).Distinct().OrderByDescending(g => decimal.TryParse(g.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0m);
        var counts = graded.GroupBy(t => t.Grade!).ToDictionary(g => g.Key, g => g.Count());
        var distribution = order.Concat(counts.Keys).Distinct().Select(g => new GradeCount(g, counts.GetValueOrDefault(g))).ToList();
        if (percents.Count == 0)
        {
            return new SectionStatistics(0, terms.Count, null, null, null, distribution);
        }

        var mean = percents.Average();
        var median = percents.Count % 2 == 1 ? percents[percents.Count / 2] : (percents[(percents.Count / 2) - 1] + percents[percents.Count / 2]) / 2m;
        var variance = percents.Sum(p => (p - mean) * (p - mean)) / percents.Count;
        var deviation = (decimal)Math.Sqrt((double)variance);
        return new SectionStatistics(percents.Count, terms.Count, Round(mean), Round(median), Round(deviation), distribution);
    }

    public static CalcCategory ToCalc(AssessmentCategory c) => new(c.Id, c.Name, c.Weight, c.DropLowest);

    public static GradedAssessment ToCalc(Assessment a) => new(a.Id, a.CategoryId, a.MaxPoints, a.Counts);

    public static StudentMark ToCalc(Mark m) => new(m.AssessmentId, m.Status switch
    {
        MarkStatus.Late => MarkState.Late,
        MarkStatus.Missing => MarkState.Missing,
        MarkStatus.Excused => MarkState.Excused,
        _ => MarkState.Scored,
    }, m.Points);

    private static AssessmentView Assessment(Assessment a, IReadOnlyList<Mark> marks)
    {
        var scored = marks.Where(m => m.Status is MarkStatus.Scored or MarkStatus.Late && m.Points is not null || m.Status == MarkStatus.Missing).ToList();
        decimal? mean = scored.Count > 0 && a.MaxPoints > 0 ? Round(scored.Average(m => 100m * (m.Points ?? 0m) / a.MaxPoints)) : null;
        return new AssessmentView(a.Id, a.CategoryId, a.Title, a.Date, a.MaxPoints, a.Counts, a.PublishedAt, marks.Count, mean, a.Version);
    }

    private static decimal Round(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);
}
