using Lyceum.Modules.Students.RollForward;

namespace Lyceum.UnitTests.Modules.Students;

public sealed class RollForwardTests
{
    [Theory]
    [InlineData("7B", 7, 8, "8B")]
    [InlineData("9", 9, 10, "10")]
    [InlineData("10Z", 10, 11, "11Z")]
    [InlineData("1A", 1, 2, "2A")]
    [InlineData("11A", 1, 2, "11A")] // "11A" is not a year-1 form
    [InlineData("Red", 7, 8, "Red")]
    [InlineData("8B", 7, 8, "8B")] // not this year's: left alone
    [InlineData(null, 7, 8, null)]
    public void A_form_that_starts_with_its_year_follows_it(string? form, int from, int to, string? expected) =>
        Assert.Equal(expected, RollForwardHandler.NextForm(form, from, to));
}
