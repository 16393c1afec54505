using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Academics;

[Collection("browser")]
public sealed class TimetableSpecs(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_administrator_opens_a_sections_week_grid(int width)
    {
        var page = await browser.NewPageAsync(width);
        var section = await browser.App.QueryAsync(db => db.Sections.Where(s => s.ArchivedAt == null && s.Meetings.Count > 1)
            .OrderBy(s => s.Id).Select(s => new { s.Id, s.Name, Meetings = s.Meetings.Count, Teacher = s.Teacher!.LastName }).FirstAsync());
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);

        await page.GotoAsync($"/timetable?section={section.Id}");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = section.Name, Exact = true })).ToBeVisibleAsync();
        var grid = page.GetByRole(AriaRole.Region, new() { Name = "Weekly timetable" });
        await Assertions.Expect(grid.Locator(".ly-slot")).ToHaveCountAsync(section.Meetings);
        await Assertions.Expect(grid.GetByRole(AriaRole.Columnheader, new() { Name = "Monday", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(grid.Locator(".ly-slot").First).ToContainTextAsync(section.Teacher);
        await BrowserFixture.ScreenshotAsync(page, "timetable-section");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_guardian_opens_their_childs_timetable_from_the_menu_and_follows_a_class_to_its_own()
    {
        var page = await browser.NewPageAsync(390);
        var guardian = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var eldest = await browser.App.QueryAsync(db => db.StudentGuardians
            .Where(l => l.Guardian!.UserId == guardian && l.Student!.ArchivedAt == null)
            .OrderBy(l => l.Student!.DateOfBirth).ThenBy(l => l.StudentId)
            .Select(l => (l.Student!.PreferredName ?? l.Student.FirstName) + " " + l.Student.LastName).FirstAsync());
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Guardian);

        await page.Locator("label.ly-nav-button").ClickAsync(); // the phone menu opens
        await page.GetByRole(AriaRole.Link, new() { Name = "Timetable" }).ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/timetable");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = eldest, Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".ly-also .ly-chip").First).ToBeVisibleAsync(); // the other children
        await BrowserFixture.ScreenshotAsync(page, "timetable-guardian");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        // Another term: the same child, a week without classes (the demo timetables the current term only).
        var spring = await browser.App.QueryAsync(db => db.Terms.Where(t => t.Name == "Spring").Select(t => t.Id).FirstAsync());
        var current = page.Url;
        var autumn = await page.GetByLabel("Term").InputValueAsync();
        for (var attempt = 1; ; attempt++)
        {
            // A change that lands before the circuit is connected does nothing, as for a person: choose again.
            await page.GetByLabel("Term").SelectOptionAsync(spring.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                await page.WaitForURLAsync(url => url.EndsWith($"&term={spring}", StringComparison.Ordinal), new() { Timeout = 1_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 10)
            {
                await page.GetByLabel("Term").SelectOptionAsync(autumn);
            }
        }

        await Assertions.Expect(page.GetByText("No classes in this term.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = eldest, Exact = true })).ToBeVisibleAsync();
        await page.GotoAsync(current);

        var lesson = page.Locator("a.ly-lesson").First;
        var course = await lesson.InnerTextAsync();
        await lesson.ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).Query.StartsWith("?section=", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator(".ly-lesson").First).ToHaveTextAsync(course);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }
}
