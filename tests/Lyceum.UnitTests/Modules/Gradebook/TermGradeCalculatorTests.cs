using Lyceum.Modules.Gradebook.Grading;

namespace Lyceum.UnitTests.Modules.Gradebook;

/// <summary>
/// Term grades against examples worked by hand: the figures a teacher, a student or a parent would check with a
/// calculator. Categories as in the issue: Homework 20 %, Tests 50 %, Project 30 %.
/// </summary>
public sealed class TermGradeCalculatorTests
{
    private static readonly GradeCategory Homework = new(1, "Homework", 20);
    private static readonly GradeCategory Tests = new(2, "Tests", 50);
    private static readonly GradeCategory Project = new(3, "Project", 30);
    private static readonly GradeCategory[] Categories = [Homework, Tests, Project];

    // Homework: three of 10 points; Tests: 50 and 100 points; Project: 40 points.
    private static readonly GradedAssessment[] Assessments =
    [
        new(11, 1, 10), new(12, 1, 10), new(13, 1, 10),
        new(21, 2, 50), new(22, 2, 100),
        new(31, 3, 40),
    ];

    private static StudentMark Scored(int id, decimal points) => new(id, MarkState.Scored, points);

    [Fact]
    public void A_full_term_is_the_weighted_mean_of_each_categorys_pooled_points()
    {
        StudentMark[] marks = [Scored(11, 8), Scored(12, 6), Scored(13, 10), Scored(21, 40), Scored(22, 70), Scored(31, 36)];

        var result = TermGradeCalculator.Compute(Categories, Assessments, marks, GradingScale.Letters());

        // Homework 24/30 = 80 %; Tests 110/150 = 73.333… % (pooled by points, not the mean of 80 % and 70 %);
        // Project 36/40 = 90 %. Term: (20×80 + 50×73.333… + 30×90) / 100 = 79.666… → 79.7 → C+.
        Assert.Equal([80m, 73.3333m, 90m], result.Categories.Select(c => Math.Round(c.Percent!.Value, 4)));
        Assert.Equal(79.7m, result.Percent);
        Assert.Equal("C+", result.Grade);
    }

    [Fact]
    public void Weights_are_relative_shares_so_20_50_30_and_2_5_3_give_the_same_grade()
    {
        StudentMark[] marks = [Scored(11, 8), Scored(12, 6), Scored(13, 10), Scored(21, 40), Scored(22, 70), Scored(31, 36)];
        GradeCategory[] tenths = [Homework with { Weight = 2 }, Tests with { Weight = 5 }, Project with { Weight = 3 }];

        Assert.Equal(TermGradeCalculator.Compute(Categories, Assessments, marks).ExactPercent, TermGradeCalculator.Compute(tenths, Assessments, marks).ExactPercent);
    }

    [Fact]
    public void Excused_work_is_left_out_and_missing_work_counts_as_zero()
    {
        // Homework: 8/10, excused, missing → (8 + 0) / (10 + 10) = 40 %. Tests: 45/50 excused-free, 100-point test excused
        // → 90 %. Project 20/40 = 50 %. Term: (20×40 + 50×90 + 30×50) / 100 = 68.0 → D+.
        StudentMark[] marks =
        [
            Scored(11, 8), new(12, MarkState.Excused), new(13, MarkState.Missing),
            Scored(21, 45), new(22, MarkState.Excused),
            new(31, MarkState.Late, 20),
        ];

        var result = TermGradeCalculator.Compute(Categories, Assessments, marks, GradingScale.Letters());

        Assert.Equal(40m, result.Categories[0].Percent);
        Assert.Equal(90m, result.Categories[1].Percent);
        Assert.Equal(50m, result.Categories[2].Percent);
        Assert.Equal(68.0m, result.Percent);
        Assert.Equal("D+", result.Grade);
    }

    [Fact]
    public void Drop_lowest_drops_the_worst_percentage_but_never_the_last_assessment()
    {
        // Homework drops its lowest one: 8/10, 3/10 (dropped), 9/10 → 17/20 = 85 %.
        GradeCategory[] categories = [Homework with { DropLowest = 1 }, Tests, Project];
        StudentMark[] marks = [Scored(11, 8), Scored(12, 3), Scored(13, 9), Scored(21, 50), Scored(22, 100), Scored(31, 40)];

        var result = TermGradeCalculator.Compute(categories, Assessments, marks);

        Assert.Equal([12], result.Categories[0].Dropped);
        Assert.Equal(85m, result.Categories[0].Percent);
        // (20×85 + 50×100 + 30×100) / 100 = 97.0
        Assert.Equal(97.0m, result.Percent);

        // Dropping 5 of 3 keeps the best one: 9/10 = 90 %.
        var greedy = TermGradeCalculator.Compute([Homework with { DropLowest = 5 }], Assessments, marks);
        Assert.Equal([12, 11], greedy.Categories[0].Dropped);
        Assert.Equal(90m, greedy.Categories[0].Percent);
    }

    [Fact]
    public void A_missing_piece_of_work_can_be_the_one_dropped()
    {
        GradeCategory[] categories = [Homework with { DropLowest = 1 }];
        StudentMark[] marks = [Scored(11, 7), new(12, MarkState.Missing), Scored(13, 9)];

        var result = TermGradeCalculator.Compute(categories, Assessments, marks);

        Assert.Equal([12], result.Categories[0].Dropped);
        Assert.Equal(80m, result.Percent); // 16/20
    }

    [Fact]
    public void An_empty_category_neither_counts_nor_pulls_the_grade_down()
    {
        // No project yet: the grade is Homework and Tests renormalised: (20×80 + 50×60) / 70 = 65.714… → 65.7.
        StudentMark[] marks = [Scored(11, 8), Scored(12, 8), Scored(13, 8), Scored(21, 30), Scored(22, 60)];

        var result = TermGradeCalculator.Compute(Categories, Assessments, marks);

        Assert.Null(result.Categories[2].Percent);
        Assert.Equal(65.7m, result.Percent);
    }

    [Fact]
    public void A_category_whose_only_work_is_excused_is_empty_too()
    {
        StudentMark[] marks = [Scored(21, 40), Scored(22, 80), new(31, MarkState.Excused)];

        var result = TermGradeCalculator.Compute(Categories, Assessments, marks);

        Assert.Null(result.Categories[2].Percent);
        Assert.Equal(80m, result.Percent); // Tests alone: 120/150
    }

    [Fact]
    public void Unmarked_and_not_counting_assessments_are_ignored_and_nothing_marked_means_no_grade()
    {
        GradedAssessment[] assessments = [.. Assessments, new(23, 2, 100, Counts: false)];
        StudentMark[] marks = [Scored(21, 25), Scored(23, 0)];

        var result = TermGradeCalculator.Compute(Categories, assessments, marks, GradingScale.Letters());
        Assert.Equal(50m, result.Percent); // 25/50: test 22 is not marked yet, test 23 does not count
        Assert.Equal("F", result.Grade);

        var none = TermGradeCalculator.Compute(Categories, Assessments, [], GradingScale.Letters());
        Assert.Null(none.Percent);
        Assert.Null(none.Grade);
    }

    [Fact]
    public void Rounding_is_once_at_the_end_half_away_from_zero_and_the_grade_follows_the_rounded_figure()
    {
        // One test out of 2,000 points: 1,799 → 89.95 % exactly → shown 90.0 → A- (not B+ from 89.95).
        GradedAssessment[] assessments = [new(41, 2, 2000)];

        var result = TermGradeCalculator.Compute([Tests], assessments, [Scored(41, 1799)], GradingScale.Letters());

        Assert.Equal(89.95m, result.ExactPercent);
        Assert.Equal(90.0m, result.Percent);
        Assert.Equal("A-", result.Grade);
    }

    [Fact]
    public void Points_above_the_maximum_or_below_zero_count_as_the_maximum_or_zero()
    {
        var result = TermGradeCalculator.Compute([Homework], Assessments, [Scored(11, 12), Scored(12, -3)]);

        Assert.Equal(50m, result.Percent); // (10 + 0) / 20
    }

    [Fact]
    public void A_category_weighing_nothing_does_not_count_and_all_weighing_nothing_gives_no_grade()
    {
        StudentMark[] marks = [Scored(11, 10), Scored(21, 25)];

        Assert.Equal(50m, TermGradeCalculator.Compute([Homework with { Weight = 0 }, Tests], Assessments, marks).Percent);
        Assert.Null(TermGradeCalculator.Compute([Homework with { Weight = 0 }, Tests with { Weight = 0 }], Assessments, marks).Percent);
    }
}
