using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Tutoring;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Tutoring.Finance;

/// <summary>
/// The administrator bills a family from the finance page (generate, open, send) and the family's guardian sees the
/// invoice, the balance and its PDF on their own page.
/// </summary>
[Collection("browser")]
public sealed class FinanceSpecs(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_administrator_sends_an_invoice_and_the_guardian_sees_it_with_its_pdf(int width)
    {
        var app = browser.App;
        var guardianUser = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var (school, child, tutor) = await app.QueryAsync(async db =>
        {
            var link = await db.StudentGuardians.Where(l => l.Guardian!.UserId == guardianUser).Select(l => new { l.StudentId, l.Student!.SchoolId }).FirstAsync();
            var staff = await db.Staff.Where(s => s.SchoolId == link.SchoolId).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
            return (link.SchoolId, link.StudentId, staff);
        });
        var start = DateTime.UtcNow.Date.AddDays(-1).AddHours(15);
        await app.InsertAsync(new TutoringSession
        {
            SchoolId = school,
            TutorId = tutor,
            Subject = "Maths",
            StartUtc = start,
            EndUtc = start.AddMinutes(90),
            TimeZone = "Europe/London",
            Status = SessionStatus.Completed,
            Students = [new TutoringSessionStudent { StudentId = child, Attendance = SessionAttendance.Present, Rate = 30m, Amount = 45m }],
        });

        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);
        await page.GotoAsync("/tutoring/finance");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tutoring finance", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Revenue per month", Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // The chart is drawn once the circuit is up.
        await Assertions.Expect(page.Locator(".ly-att-chart svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // Other specs add schools: the page opens on the first by name, so choose the one this spec's invoice is for.
        var picker = page.Locator("#fin-school");
        if (await picker.CountAsync() > 0)
        {
            await picker.SelectOptionAsync(school.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(page.Locator(".ly-att-chart svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }
        await BrowserFixture.ScreenshotAsync(page, "tutoring-finance-revenue");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await BrowserFixture.SelectTabAsync(page, "Invoices");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate drafts for these dates", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-alert-info")).ToBeVisibleAsync();
        var draft = page.Locator("table .ly-text-button").First;
        await BrowserFixture.ClickUntilShownAsync(draft, page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }));
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-alert-info")).ToHaveTextAsync("Invoice sent.");
        await BrowserFixture.ScreenshotAsync(page, "tutoring-finance-invoice");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();

        var family = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(family, RoleNames.Guardian);
        await family.GotoAsync("/invoices");
        await Assertions.Expect(family.GetByRole(AriaRole.Heading, new() { Name = "Invoices", Exact = true })).ToBeVisibleAsync();
        var link = family.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Download INV-\\d{6}$") }).First;
        await Assertions.Expect(link).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(family, "family-invoices");
        await BrowserFixture.AssertNoHorizontalScrollAsync(family);
        await BrowserFixture.AssertAccessibleAsync(family);
        var download = await family.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var head = new byte[5];
        await using (var stream = File.OpenRead(await download.PathAsync()))
        {
            await stream.ReadExactlyAsync(head);
        }

        Assert.Equal("%PDF-"u8.ToArray(), head);
        Assert.Empty(BrowserFixture.ErrorsOf(family));
        await family.Context.CloseAsync();
    }
}
