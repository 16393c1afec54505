using Lyceum.Modules.Gradebook;
using Lyceum.Modules.Gradebook.EnterMarks;

namespace Lyceum.UnitTests.Modules.Gradebook;

public sealed class CellTextTests
{
    [Theory]
    [InlineData("14", MarkStatus.Scored, 14)]
    [InlineData(" 14.5 ", MarkStatus.Scored, 14.5)]
    [InlineData("14,5", MarkStatus.Scored, 14.5)]
    [InlineData("0", MarkStatus.Scored, 0)]
    [InlineData("20", MarkStatus.Scored, 20)]
    [InlineData("14L", MarkStatus.Late, 14)]
    [InlineData("l 9", MarkStatus.Late, 9)]
    public void Points_are_scored_or_late(string text, MarkStatus status, decimal points)
    {
        var value = CellText.Parse(text, 20m);

        Assert.True(value.IsValid, value.Error);
        Assert.Equal(status, value.Status);
        Assert.Equal(points, value.Points);
    }

    [Theory]
    [InlineData("M", MarkStatus.Missing)]
    [InlineData("-", MarkStatus.Missing)]
    [InlineData("e", MarkStatus.Excused)]
    [InlineData("X", MarkStatus.Excused)]
    public void Letters_mean_missing_or_excused_without_points(string text, MarkStatus status)
    {
        var value = CellText.Parse(text, 20m);

        Assert.Equal((status, (decimal?)null), (value.Status!.Value, value.Points));
    }

    [Theory]
    [InlineData("21", "at most 20")]
    [InlineData("-1", "0 or more")]
    [InlineData("abc", "Not a mark")]
    [InlineData("12.345", "two decimals")]
    [InlineData("L", "Not a mark")]
    public void Bad_text_is_refused_with_the_reason(string text, string reason)
    {
        var value = CellText.Parse(text, 20m);

        Assert.False(value.IsValid);
        Assert.Contains(reason, value.Error);
    }

    [Fact]
    public void An_empty_cell_clears_the_mark()
    {
        Assert.True(CellText.Parse("  ", 20m).IsEmpty);
    }

    [Theory]
    [InlineData(MarkStatus.Scored, 14.5, "14.5")]
    [InlineData(MarkStatus.Late, 12.0, "12L")]
    [InlineData(MarkStatus.Missing, null, "M")]
    [InlineData(MarkStatus.Excused, null, "E")]
    public void What_is_shown_reads_back_as_the_same_mark(MarkStatus status, double? points, string text)
    {
        Assert.Equal(text, CellText.Format(status, (decimal?)points));
        var back = CellText.Parse(text, 20m);
        Assert.Equal((status, (decimal?)points), (back.Status!.Value, back.Points));
    }

    [Fact]
    public void A_pasted_block_keeps_empty_cells_and_rows_in_place()
    {
        var rows = CellText.ParseBlock("12\t14\r\n\t9\r\n\r\n\"7\t8\"\t3\r\n");

        Assert.Equal(4, rows.Count);
        Assert.Equal(["12", "14"], rows[0]);
        Assert.Equal(["", "9"], rows[1]);
        Assert.Equal([""], rows[2]);
        Assert.Equal(["7\t8", "3"], rows[3]);
    }

    [Fact]
    public void A_pasted_column_is_one_cell_per_row()
    {
        var rows = CellText.ParseBlock("10\n11\nE\n");

        Assert.Equal([["10"], ["11"], ["E"]], rows);
    }
}
