using Lyceum.Modules.Dashboard;

namespace Lyceum.ComponentTests.Modules.Dashboard;

public sealed class DashboardCardsTests : LyceumComponentContext
{
    [Fact]
    public void Shows_a_card_for_each_figure_with_thousands_separated()
    {
        var cards = Render<DashboardCards>(p => p.Add(c => c.Figures, new DashboardFigures(15000, 320, 640, [])));

        Assert.Equal(["students", "staff", "sections"], cards.FindAll("[data-kpi]").Select(c => c.GetAttribute("data-kpi")));
        Assert.Equal("15,000", cards.Find("[data-kpi=students] .ly-kpi").TextContent);
    }

    [Fact]
    public void A_figure_the_caller_may_not_see_has_no_card_not_a_zero()
    {
        var cards = Render<DashboardCards>(p => p.Add(c => c.Figures, new DashboardFigures(2, null, 14, [])));

        Assert.Empty(cards.FindAll("[data-kpi=staff]"));
        Assert.Equal("2", cards.Find("[data-kpi=students] .ly-kpi").TextContent);
    }
}
