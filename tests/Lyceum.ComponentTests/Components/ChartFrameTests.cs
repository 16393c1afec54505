using Lyceum.Components.Shared;
using Microsoft.JSInterop;
using Radzen.Blazor;

namespace Lyceum.ComponentTests.Components;

public sealed class ChartFrameTests : LyceumComponentContext
{
    private sealed record Row(string Label, int Value);

    [Fact]
    public void A_chart_whose_element_is_gone_before_it_draws_says_so_and_leaves_the_page_working()
    {
        // What the browser answers when the user has left the page before the chart's first draw arrived.
        JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true)
            .SetException(new JSException("Cannot set properties of null (setting 'mouseMoveHandler')"));
        Row[] rows = [new("Year 7", 120), new("Year 8", 118)];

        var frame = Render<ChartFrame>(p => p.AddChildContent<RadzenChart>(chart => chart
            .AddChildContent<RadzenColumnSeries<Row>>(series => series
                .Add(s => s.Data, rows)
                .Add(s => s.CategoryProperty, nameof(Row.Label))
                .Add(s => s.ValueProperty, nameof(Row.Value)))));

        frame.WaitForAssertion(() => Assert.Contains("The chart could not be drawn", frame.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public void A_chart_that_draws_is_shown_as_it_is()
    {
        JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true)
            .SetResult(new Radzen.Blazor.Rendering.Rect { Width = 600, Height = 300 });
        Row[] rows = [new("Year 7", 120)];

        var frame = Render<ChartFrame>(p => p.AddChildContent<RadzenChart>(chart => chart
            .AddChildContent<RadzenColumnSeries<Row>>(series => series
                .Add(s => s.Data, rows)
                .Add(s => s.CategoryProperty, nameof(Row.Label))
                .Add(s => s.ValueProperty, nameof(Row.Value)))));

        Assert.NotNull(frame.Find(".rz-chart"));
        Assert.DoesNotContain("could not be drawn", frame.Markup, StringComparison.Ordinal);
    }
}
