using System.Net.Http.Json;
using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.IntegrationTests.Modules.Attendance;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Attendance;

/// <summary>The office's follow-up of unexplained absences.</summary>
[Collection("browser")]
public sealed class AbsencesSpecs(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_office_records_a_parents_explanation_and_the_days_registers_are_amended(int width)
    {
        using var admin = await browser.App.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(browser.App, admin);
        using (var taken = await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), s.Marks((s.Students[0], "N"))))
        {
            await taken.JsonAsync();
        }

        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        if (width <= 480)
        {
            await page.GotoAsync("/attendance/absences");
        }
        else
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Unexplained absences", Exact = true }).ClickAsync();
        }

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/attendance/absences");
        await Assertions.Expect(page.Locator("#absence-school")).ToBeEnabledAsync();
        await page.Locator("#absence-school").SelectOptionAsync(s.School.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ann = page.Locator(".ly-absence").Filter(new() { HasText = "Ann Abbot" });
        await Assertions.Expect(ann).ToContainTextAsync("9Z Maths · Period 1");
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "attendance-absences");

        await ann.GetByRole(AriaRole.Button, new() { Name = "Record explanation" }).ClickAsync();
        await ann.GetByLabel("How you know").FillAsync("Mother phoned at 9:15: dentist");
        await ann.GetByRole(AriaRole.Button, new() { Name = "Save explanation" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Ann Abbot's absence is explained; registers amended: 1.");
        await Assertions.Expect(page.GetByText("No unexplained absences on this day.")).ToBeVisibleAsync();
        var student = s.Students[0];
        Assert.Equal("M", await browser.App.QueryAsync(db => db.AttendanceMarks.Where(m => m.StudentId == student).Select(m => m.Code!.Code).SingleAsync()));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }
}
