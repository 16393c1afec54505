using Lyceum.E2E.Infrastructure;
using Xunit.Sdk;

namespace Lyceum.E2E.Specs.Platform;

/// <summary>The accessibility check every spec relies on finds what it should: a check that passes everything guards nothing.</summary>
[Collection("browser")]
public sealed class AccessibilityCheckSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task A_page_with_an_unnamed_image_and_button_fails_the_check_naming_both()
    {
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("""
            <!doctype html><html lang="en"><head><title>Broken</title></head>
            <body><main><h1>Broken</h1><img src="/favicon.png"><button></button></main></body></html>
            """);

        var failure = await Assert.ThrowsAsync<TrueException>(() => BrowserFixture.AssertAccessibleAsync(page));
        Assert.Contains("image-alt", failure.Message);
        Assert.Contains("button-name", failure.Message);

        // Mended, the same page passes, with axe already on it.
        await page.EvaluateAsync("() => { document.querySelector('img').alt = 'Logo'; document.querySelector('button').textContent = 'Go'; }");
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }
}
