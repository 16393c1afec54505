using Lyceum.Platform.Api;

namespace Lyceum.UnitTests.Platform;

public sealed class ListQueryTests
{
    private static readonly string[] Sortable = ["lastName", "firstName", "dateOfBirth"];

    [Fact]
    public void Nothing_given_means_page_1_of_25_with_the_default_sort()
    {
        var result = new ListQuery(null, null, null, null).Parse(Sortable);

        Assert.True(result.IsSuccess);
        Assert.Equal(1, result.Value!.Page);
        Assert.Equal(25, result.Value.PageSize);
        Assert.Empty(result.Value.Sort);
        Assert.Equal(0, result.Value.Skip);
    }

    [Fact]
    public void Sort_fields_are_matched_ignoring_case_and_a_minus_means_descending()
    {
        var result = new ListQuery("3", "10", "  ann  ", "LASTNAME, -dateOfBirth,lastName").Parse(Sortable);

        Assert.True(result.IsSuccess);
        Assert.Equal([new SortField("lastName", false), new SortField("dateOfBirth", true)], result.Value!.Sort);
        Assert.Equal("ann", result.Value.Q);
        Assert.Equal(20, result.Value.Skip);
    }

    [Theory]
    [InlineData("0", null, "page")]
    [InlineData("-1", null, "page")]
    [InlineData("1.5", null, "page")]
    [InlineData("2147483648", null, "page")]
    [InlineData("2147483647", null, "page")]
    [InlineData("1000002", "100", "page")]
    [InlineData(null, "0", "pageSize")]
    [InlineData(null, "-5", "pageSize")]
    [InlineData(null, "101", "pageSize")]
    [InlineData(null, "1000000", "pageSize")]
    [InlineData(null, "ten", "pageSize")]
    public void Out_of_range_paging_names_the_parameter(string? page, string? pageSize, string field)
    {
        var result = new ListQuery(page, pageSize, null, null).Parse(Sortable);

        var error = Assert.IsType<Error.Validation>(result.Error);
        Assert.Equal([field], error.Errors.Keys);
    }

    [Fact]
    public void Every_bad_parameter_is_reported_at_once()
    {
        var result = new ListQuery("0", "0", new string('x', 101), "shoeSize").Parse(Sortable);

        var error = Assert.IsType<Error.Validation>(result.Error);
        Assert.Equal(["page", "pageSize", "q", "sort"], error.Errors.Keys.Order());
        Assert.Contains("lastName", error.Errors["sort"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    public void Page_sizes_from_1_to_100_are_accepted(string pageSize, int expected) =>
        Assert.Equal(expected, new ListQuery(null, pageSize, null, null).Parse(Sortable).Value!.PageSize);
}
