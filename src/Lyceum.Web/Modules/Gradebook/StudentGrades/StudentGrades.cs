using Lyceum.Modules.Gradebook.EnterMarks;
using Lyceum.Modules.Gradebook.Scales;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Gradebook.StudentGrades;

public sealed record StudentMarkView(
    int AssessmentId, string Title, DateOnly Date, string Category, decimal MaxPoints, bool Counts, bool Published,
    MarkStatus? Status, decimal? Points);

/// <summary>
/// A student's grade in a section. For staff who reach the section's gradebook: the grade standing now (and whether it
/// is published). For the student and their guardians: only the published snapshot, and the comment with it.
/// </summary>
public sealed record SectionGradeView(
    int SectionId, string Section, string Course, int TermId, string Term, int AcademicYearId, string AcademicYear, DateOnly TermStart,
    string? Teacher, string Scale, string? Grade, decimal? Percent, bool Published, DateTime? PublishedAt, string? Comment,
    IReadOnlyList<StudentMarkView> Marks);

public sealed record StudentGradesView(int StudentId, string Name, bool PublishedOnly, IReadOnlyList<SectionGradeView> Sections);

/// <summary>
/// A student's grades across their sections (the profile's tab, the transcript). Each section is shown in full to
/// staff who reach its gradebook; otherwise, to the student and their guardians, only what was published. A student
/// the caller's grades.view does not reach at all is not found.
/// </summary>
public sealed class StudentGradesHandler(IDbContextFactory<LyceumDbContext> contexts, GradebookAccess gradebooks, AccessService access)
{
    public async Task<Result<StudentGradesView>> GetAsync(Caller caller, int studentId, int? termId, int? academicYearId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var student = await access.Reachable(db.Students, caller, Permissions.GradesView).AsNoTracking().Where(s => s.Id == studentId)
            .Select(s => new { s.Id, s.FirstName, s.PreferredName, s.LastName }).FirstOrDefaultAsync(cancellationToken);
        if (student is null)
        {
            return new Error.NotFound($"There is no student {studentId} whose grades you may see.");
        }

        var family = await access.Reachable(db.Students, GradebookAccess.AsFamily(caller), Permissions.GradesView).AnyAsync(s => s.Id == studentId, cancellationToken);
        var staffSections = gradebooks.Viewable(db, caller).Select(s => s.Id);
        var sections = await db.Enrollments.AsNoTracking().Where(e => e.StudentId == studentId)
            .Where(e => termId == null || e.Section!.TermId == termId)
            .Where(e => academicYearId == null || e.Section!.Term!.AcademicYearId == academicYearId)
            .Select(e => new
            {
                e.SectionId,
                Section = e.Section!.Name,
                Course = e.Section.Course!.Name,
                e.Section.Course.SchoolId,
                e.Section.TermId,
                Term = e.Section.Term!.Name,
                e.Section.Term.AcademicYearId,
                AcademicYear = e.Section.Term.AcademicYear!.Name,
                e.Section.Term.StartDate,
                Teacher = e.Section.Teacher!.Title == null ? e.Section.Teacher.FirstName + " " + e.Section.Teacher.LastName : e.Section.Teacher.Title + " " + e.Section.Teacher.LastName,
                e.Section.Course.DepartmentId,
                Staff = staffSections.Contains(e.SectionId),
            })
            .ToListAsync(cancellationToken);
        var visible = sections.Where(s => s.Staff || family).ToList();
        var ids = visible.Select(s => s.SectionId).ToList();
        var categories = (await db.AssessmentCategories.AsNoTracking().Where(c => ids.Contains(c.SectionId)).ToListAsync(cancellationToken)).ToLookup(c => c.SectionId);
        var assessments = (await db.Assessments.AsNoTracking().Where(a => ids.Contains(a.SectionId)).OrderBy(a => a.Date).ThenBy(a => a.Id).ToListAsync(cancellationToken))
            .ToLookup(a => a.SectionId);
        var marks = (await db.Marks.AsNoTracking().Where(m => m.StudentId == studentId && ids.Contains(m.Assessment!.SectionId)).ToListAsync(cancellationToken))
            .ToDictionary(m => m.AssessmentId);
        var terms = await db.TermGrades.AsNoTracking().Where(t => t.StudentId == studentId && ids.Contains(t.SectionId)).ToDictionaryAsync(t => t.SectionId, cancellationToken);

        var result = new List<SectionGradeView>();
        foreach (var s in visible.OrderByDescending(s => s.StartDate).ThenBy(s => s.Course, StringComparer.CurrentCulture))
        {
            var scaleRow = await GradebookReader.ScaleAsync(db, s.SectionId, s.SchoolId, cancellationToken);
            var own = categories[s.SectionId].ToDictionary(c => c.Id);
            var work = assessments[s.SectionId].Where(a => s.Staff || a.PublishedAt is not null).ToList();
            terms.TryGetValue(s.SectionId, out var stored);
            var markViews = work.Select(a =>
            {
                marks.TryGetValue(a.Id, out var m);
                return new StudentMarkView(a.Id, a.Title, a.Date, own.TryGetValue(a.CategoryId, out var c) ? c.Name : "", a.MaxPoints, a.Counts, a.PublishedAt is not null, m?.Status, m?.Points);
            }).ToList();
            string? grade;
            decimal? percent;
            string? comment;
            if (s.Staff)
            {
                var term = GradebookReader.Term(
                    [.. own.Values.Select(GradebookReader.ToCalc)], [.. assessments[s.SectionId].Select(GradebookReader.ToCalc)],
                    [.. assessments[s.SectionId].Where(a => marks.ContainsKey(a.Id)).Select(a => marks[a.Id])], stored, GradeScalesHandler.ToScale(scaleRow));
                (grade, percent, comment) = (term.Grade, term.OverrideGrade is null ? term.Percent : null, term.Comment);
            }
            else
            {
                (grade, percent, comment) = (stored?.PublishedGrade, stored?.PublishedPercent, stored?.PublishedAt is null ? null : stored.Comment);
            }

            result.Add(new SectionGradeView(
                s.SectionId, s.Section, s.Course, s.TermId, s.Term, s.AcademicYearId, s.AcademicYear, s.StartDate, s.Teacher, scaleRow.Name,
                grade, percent, stored?.PublishedAt is not null, stored?.PublishedAt, comment, markViews));
        }

        return new StudentGradesView(student.Id, $"{student.PreferredName ?? student.FirstName} {student.LastName}", !sections.Any(s => s.Staff), result);
    }
}
