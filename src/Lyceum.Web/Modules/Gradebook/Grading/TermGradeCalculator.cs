namespace Lyceum.Modules.Gradebook.Grading;

/// <summary>What became of a student's work on one assessment.</summary>
public enum MarkState
{
    /// <summary>Marked: the points count.</summary>
    Scored,

    /// <summary>Handed in late and marked: the points count as they are (late is shown, not penalised here).</summary>
    Late,

    /// <summary>Not handed in: counts as zero points.</summary>
    Missing,

    /// <summary>Let off (illness, a trip): left out of the grade as if the assessment did not exist for the student.</summary>
    Excused,
}

/// <summary>A category of a section's gradebook ("Tests") and its weight, a relative share (see <see cref="TermGradeCalculator"/>).</summary>
public sealed record GradeCategory(int Id, string Name, decimal Weight, int DropLowest = 0);

/// <summary>An assessment in a category, out of <paramref name="MaxPoints"/>; one that does not count is ignored.</summary>
public sealed record GradedAssessment(int Id, int CategoryId, decimal MaxPoints, bool Counts = true);

/// <summary>One student's mark on one assessment. <paramref name="Points"/> is ignored unless scored or late.</summary>
public sealed record StudentMark(int AssessmentId, MarkState State, decimal? Points = null);

/// <summary>How one category added up: its percentage (null when nothing in it counted) and the assessments dropped.</summary>
public sealed record CategoryResult(int CategoryId, decimal Weight, decimal? Percent, decimal Earned, decimal Possible, IReadOnlyList<int> Dropped);

/// <summary>
/// A term grade: the percentage exactly as computed, the same rounded for showing (one decimal), the scale's grade
/// for the rounded one, and how each category added up. No percentage (and no grade) when nothing counted yet.
/// </summary>
public sealed record TermGradeResult(decimal? ExactPercent, decimal? Percent, string? Grade, IReadOnlyList<CategoryResult> Categories);

/// <summary>
/// The one place a term grade is computed, for the grade-entry grid, the term grades, report cards and the API alike.
/// </summary>
/// <remarks>
/// <para><b>Within a category</b> marks are pooled by points: the category's percentage is the points earned over the
/// points possible of its counted assessments (a test out of 50 weighs twice one out of 25). An assessment that does
/// not count, one the student is excused from, and one not marked yet are left out; a missing piece of work counts
/// as 0 of its maximum; late work counts as marked.</para>
/// <para><b>Drop lowest</b> <c>n</c>: of the assessments left in, the <c>n</c> with the lowest percentage (earned over
/// maximum; ties: the later assessment, by id, goes first) are dropped, but never the last one.</para>
/// <para><b>Across categories</b> the weights are relative shares: the term percentage is the weighted mean of the
/// categories that have something counted, divided by the sum of <em>their</em> weights. So weights need not add up
/// to 100 (20/50/30 and 2/5/3 give the same grade), and a category with nothing in it yet (an empty one, or all
/// excused) neither pulls the grade down nor counts: the others are normalised without it. A weight of 0 makes a
/// category count for nothing; when every category with marks weighs 0 there is no grade.</para>
/// <para><b>Rounding</b>: the percentage is computed exactly in decimal and rounded once, at the end, to one decimal,
/// half away from zero (89.95 → 90.0). The scale maps the rounded figure, so the grade always agrees with the
/// percentage shown beside it.</para>
/// </remarks>
public static class TermGradeCalculator
{
    public static TermGradeResult Compute(
        IReadOnlyList<GradeCategory> categories, IReadOnlyList<GradedAssessment> assessments, IReadOnlyList<StudentMark> marks, GradingScale? scale = null)
    {
        var markOf = marks.GroupBy(m => m.AssessmentId).ToDictionary(g => g.Key, g => g.Last());
        var results = new List<CategoryResult>(categories.Count);
        foreach (var category in categories)
        {
            // (assessment id, earned, possible) for what counts for this student.
            var counted = new List<(int Id, decimal Earned, decimal Possible)>();
            foreach (var assessment in assessments.Where(a => a.CategoryId == category.Id && a.Counts && a.MaxPoints > 0))
            {
                if (!markOf.TryGetValue(assessment.Id, out var mark))
                {
                    continue;
                }

                switch (mark.State)
                {
                    case MarkState.Excused:
                        break;
                    case MarkState.Missing:
                        counted.Add((assessment.Id, 0m, assessment.MaxPoints));
                        break;
                    case MarkState.Scored or MarkState.Late when mark.Points is { } points:
                        counted.Add((assessment.Id, Math.Clamp(points, 0m, assessment.MaxPoints), assessment.MaxPoints));
                        break;
                }
            }

            var drop = Math.Min(Math.Max(0, category.DropLowest), Math.Max(0, counted.Count - 1));
            var dropped = counted
                .OrderBy(c => c.Earned / c.Possible)
                .ThenByDescending(c => c.Id)
                .Take(drop)
                .Select(c => c.Id)
                .ToList();
            var kept = counted.Where(c => !dropped.Contains(c.Id)).ToList();
            var earned = kept.Sum(c => c.Earned);
            var possible = kept.Sum(c => c.Possible);
            results.Add(new CategoryResult(category.Id, category.Weight, possible > 0 ? 100m * earned / possible : null, earned, possible, dropped));
        }

        var withMarks = results.Where(r => r.Percent is not null && r.Weight > 0).ToList();
        var weights = withMarks.Sum(r => r.Weight);
        if (weights <= 0)
        {
            return new TermGradeResult(null, null, null, results);
        }

        var exact = withMarks.Sum(r => r.Weight * r.Percent!.Value) / weights;
        var rounded = Math.Round(exact, 1, MidpointRounding.AwayFromZero);
        return new TermGradeResult(exact, rounded, scale?.GradeFor(rounded), results);
    }
}
