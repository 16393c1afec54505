using Lyceum.Modules.Gradebook.Grading;
using Lyceum.Platform.Api;

namespace Lyceum.UnitTests.Modules.Gradebook;

/// <summary>Grading scales as data: the presets map percentages as schools expect, and a bad custom scale is refused at its field.</summary>
public sealed class GradingScaleTests
{
    [Theory]
    [InlineData(100, "A+")]
    [InlineData(97, "A+")]
    [InlineData(96.9, "A")]
    [InlineData(90, "A-")]
    [InlineData(89.9, "B+")]
    [InlineData(60, "D-")]
    [InlineData(59.9, "F")]
    [InlineData(0, "F")]
    public void Letters_follow_their_boundaries(decimal percent, string grade) =>
        Assert.Equal(grade, GradingScale.Letters().GradeFor(percent));

    [Theory]
    [InlineData(87.5, "18")] // 17.5 rounds half away from zero
    [InlineData(47.4, "9")] // 9.48
    [InlineData(50, "10")]
    [InlineData(100, "20")]
    public void Zero_to_twenty_is_the_percentage_on_twenty_in_whole_points(decimal percent, string grade) =>
        Assert.Equal(grade, GradingScale.ZeroToTwenty().GradeFor(percent));

    [Theory]
    [InlineData(95, "9")]
    [InlineData(49.9, "4")]
    [InlineData(5, "U")]
    public void Nine_to_one_has_u_below_one(decimal percent, string grade) =>
        Assert.Equal(grade, GradingScale.NineToOne().GradeFor(percent));

    [Fact]
    public void Pass_fail_and_percentage()
    {
        Assert.Equal("Pass", GradingScale.PassFail(40).GradeFor(40));
        Assert.Equal("Fail", GradingScale.PassFail(40).GradeFor(39.9m));
        Assert.Equal("79.7%", GradingScale.Percentage().GradeFor(79.66m));
    }

    [Fact]
    public void A_custom_scale_of_bands_is_made_highest_first_whatever_the_order_given()
    {
        var made = GradingScale.Create("Merit", ScaleKind.Bands, [new("Pass", 40, 70), new("Fail", 0, 40), new("Merit", 70, 100)]);

        Assert.True(made.IsSuccess);
        Assert.Equal(["Merit", "Pass", "Fail"], made.Value!.Bands.Select(b => b.Label));
        Assert.Equal("Merit", made.Value.GradeFor(70));
    }

    public static TheoryData<ScaleBand[], string, string> BadBands() => new()
    {
        { [new("A", 50, 100), new("B", 40, 60), new("C", 0, 40)], "bands[0].from", "Overlaps 'B' (40–60)" },
        { [new("A", 60, 100), new("B", 0, 50)], "bands[0].from", "gap" },
        { [new("A", 50, 100), new("B", 10, 50)], "bands[1].from", "must start at 0" },
        { [new("A", 50, 90), new("B", 0, 50)], "bands[0].to", "must reach 100" },
        { [new("A", 50, 100), new("a", 0, 50)], "bands[1].label", "already" },
        { [new("A", 50, 100), new(" ", 0, 50)], "bands[1].label", "Required" },
        { [new("A", 50, 40), new("B", 0, 50)], "bands[0].to", "above" },
        { [new("A", 50, 120), new("B", -10, 50)], "bands[0].to", "between 0 and 100" },
        { [new("A", 0, 100)], "bands", "at least two" },
    };

    [Theory]
    [MemberData(nameof(BadBands))]
    public void A_bad_custom_scale_is_refused_at_the_field_that_is_wrong(ScaleBand[] bands, string field, string message)
    {
        var made = GradingScale.Create("Custom", ScaleKind.Bands, bands);

        var validation = Assert.IsType<Error.Validation>(made.Error);
        Assert.Contains(field, validation.Errors.Keys);
        Assert.Contains(validation.Errors[field], m => m.Contains(message, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_scale_needs_a_name_and_a_sensible_points_maximum()
    {
        var made = GradingScale.Create(" ", ScaleKind.Points, pointsMax: 0);

        var validation = Assert.IsType<Error.Validation>(made.Error);
        Assert.Contains("name", validation.Errors.Keys);
        Assert.Contains("pointsMax", validation.Errors.Keys);
    }
}
