using Lyceum.Platform.Demo;

namespace Lyceum.UnitTests.Platform;

/// <summary>The demo timetable's option blocks: the ground its clash-freedom stands on.</summary>
public sealed class TimetableTests
{
    private static readonly int[] Years = [7, 8, 9, 10, 11];

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(11)]
    public void The_blocks_of_a_year_group_share_out_the_whole_week_without_overlap(int year)
    {
        var slots = Enumerable.Range(0, 8).SelectMany(b => RecordsDemo.SlotsOf(year, b)).ToList();

        Assert.Equal(30, slots.Count);
        Assert.Equal(Enumerable.Range(0, 30), slots.Order());
    }

    [Fact]
    public void A_block_meets_at_most_once_a_day()
    {
        foreach (var year in Years)
        {
            for (var block = 0; block < 8; block++)
            {
                var days = RecordsDemo.SlotsOf(year, block).Select(s => s / 6).ToList();
                Assert.Equal(days.Count, days.Distinct().Count());
            }
        }
    }

    [Fact]
    public void Year_groups_share_a_block_at_the_same_time_in_at_most_one_slot()
    {
        for (var block = 0; block < 8; block++)
        {
            var overlaps = Years.SelectMany(y => RecordsDemo.SlotsOf(y, block)).GroupBy(s => s).Count(g => g.Count() > 1);
            Assert.True(overlaps <= 1, $"Block {block} runs for several year groups at once in {overlaps} slots.");
        }
    }
}
