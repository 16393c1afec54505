using System.Text.RegularExpressions;
using Lyceum.E2E.Infrastructure;
using Lyceum.Platform.Identity;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Gradebook;

/// <summary>
/// The office prints a year group's report cards in the browser: the choices, a refusal at its field, the progress,
/// then a download that is a PDF.
/// </summary>
[Collection("browser")]
public sealed class ReportCardsSpecs(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_office_generates_a_year_groups_report_cards_and_downloads_the_pdf(int width)
    {
        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);

        await page.GotoAsync("/report-cards");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Report cards", Exact = true })).ToBeVisibleAsync();
        // A click before the circuit is up does nothing: click until the page answers, then choose the demo school (other
        // specs add schools to this app), so that the year groups are the demo school's.
        var generate = page.GetByRole(AriaRole.Button, new() { Name = "Generate", Exact = true });
        await BrowserFixture.ClickUntilShownAsync(generate, page.Locator(".ly-field-error").First);
        if (await page.Locator("#rc-school").CountAsync() > 0)
        {
            await page.Locator("#rc-school").SelectOptionAsync((await browser.DemoSchoolIdAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Without a year group the page says what is missing, at the field.
        await BrowserFixture.ClickUntilShownAsync(generate, page.Locator("#rc-year-error"));
        await Assertions.Expect(page.Locator("#rc-year-error")).ToHaveTextAsync("Choose a year group (0 to 20).");
        await Assertions.Expect(page.Locator("#rc-year")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.Locator("#rc-year").SelectOptionAsync("7");
        await generate.ClickAsync();
        var link = page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Download report-cards-year-7-.+\\.pdf$") });
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".ly-rc-progress [role=status]")).ToHaveTextAsync(new Regex("^\\d+ report cards, \\d+ pages\\.$"));
        await BrowserFixture.ScreenshotAsync(page, "report-cards");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.StartsWith("report-cards-year-7-", download.SuggestedFilename, StringComparison.Ordinal);
        var file = await download.PathAsync();
        var head = new byte[5];
        await using (var stream = File.OpenRead(file))
        {
            await stream.ReadExactlyAsync(head);
        }

        Assert.Equal("%PDF-"u8.ToArray(), head);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }
}
