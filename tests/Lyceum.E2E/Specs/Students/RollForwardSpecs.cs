using System.Globalization;
using Lyceum.E2E.Infrastructure;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Students;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Students;

/// <summary>
/// Moving a school up a year from /students/roll-forward. The browser specs share one demo database, and other specs
/// read the demo students' year groups: these move the students of a school of their own, archived at the end so that
/// the demo school is again the only one.
/// </summary>
[Collection("browser")]
public sealed class RollForwardSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task The_administrator_previews_then_moves_a_school_up_a_year_and_a_second_run_moves_nobody()
    {
        var school = await SchoolOfItsOwnAsync();
        try
        {
            var page = await browser.NewPageAsync();
            await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);
            await page.GotoAsync("/students");
            await page.GetByRole(AriaRole.Link, new() { Name = "Move up a year", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/students/roll-forward");
            await ChooseSchoolAsync(page, school);

            // The defaults: the year after the one under way, every year group; who leaves is always a choice.
            await Assertions.Expect(page.Locator("#academic-year")).ToHaveValueAsync(Text(school.NextYear));
            await Assertions.Expect(page.Locator("#leaving-year-group")).ToHaveValueAsync("");
            foreach (var group in new[] { "Year 7", "Year 8", "Year 13" })
            {
                await Assertions.Expect(page.GetByLabel(group, new() { Exact = true })).ToBeCheckedAsync();
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#leaving-year-group-error")).ToContainTextAsync("Choose the year group that leaves the school");
            await page.Locator("#leaving-year-group").SelectOptionAsync("13");

            // No year chosen: the handler's message stands at the field.
            await page.Locator("#academic-year").SelectOptionAsync("");
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#academic-year")).ToHaveAttributeAsync("aria-invalid", "true");
            await Assertions.Expect(page.Locator("#academic-year-error")).ToContainTextAsync("This field is required");

            // One year group left out: only the others are counted.
            await page.Locator("#academic-year").SelectOptionAsync(Text(school.NextYear));
            await page.GetByLabel("Year 8", new() { Exact = true }).UncheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#academic-year")).Not.ToHaveAttributeAsync("aria-invalid", "true");
            await Assertions.Expect(Status(page))
                .ToHaveTextAsync($"3 students would move up into {school.NextYearName} and 2 would leave. Nothing has changed yet.");
            await ExpectRowsAsync(page, ["Year 7", "Year 8", "3"], ["Year 13", "Leaves (archived)", "2"], [$"Already in {school.NextYearName} (not moved)", "1"]);

            await page.GetByLabel("Year 8", new() { Exact = true }).CheckAsync();
            await Assertions.Expect(Status(page)).ToHaveCountAsync(0); // a changed choice clears the preview
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true }).ClickAsync();
            await Assertions.Expect(Status(page))
                .ToHaveTextAsync($"5 students would move up into {school.NextYearName} and 2 would leave. Nothing has changed yet.");
            await ExpectRowsAsync(page,
                ["Year 7", "Year 8", "3"], ["Year 8", "Year 9", "2"], ["Year 13", "Leaves (archived)", "2"], [$"Already in {school.NextYearName} (not moved)", "1"]);
            Assert.Equal([7, 7, 7, 7, 8, 8, 13, 13], await YearGroupsAsync(school.Id));

            // A colleague previews the same in another tab, before this one moves them.
            var other = await page.Context.NewPageAsync();
            await other.GotoAsync("/students/roll-forward");
            await ChooseSchoolAsync(other, school);
            await other.Locator("#leaving-year-group").SelectOptionAsync("13");
            await other.GetByRole(AriaRole.Button, new() { Name = "Preview", Exact = true }).ClickAsync();
            await Assertions.Expect(Status(other)).ToContainTextAsync("5 students would move up");

            await page.GetByRole(AriaRole.Button, new() { Name = "Move students up", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator(".ly-confirm")).ToContainTextAsync(
                $"Move 5 students up into {school.NextYearName}, and archive the 2 who leave?");
            foreach (var width in new[] { 1280, 390 })
            {
                await page.SetViewportSizeAsync(width, width <= 480 ? 844 : 900);
                await BrowserFixture.ScreenshotAsync(page, "roll-forward-preview");
                await BrowserFixture.AssertNoHorizontalScrollAsync(page);
                await BrowserFixture.AssertAccessibleAsync(page);
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Yes, move them up", Exact = true }).ClickAsync();
            await Assertions.Expect(Status(page)).ToHaveTextAsync($"5 students moved up into {school.NextYearName} and 2 left.");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Move students up", Exact = true })).ToHaveCountAsync(0);
            var stored = await browser.App.QueryAsync(db => db.Students.Where(s => s.SchoolId == school.Id).OrderBy(s => s.Id)
                .Select(s => new { s.YearGroup, s.FormGroup, s.AcademicYearId, Archived = s.ArchivedAt != null }).ToListAsync());
            Assert.Equal(
                [(8, "8A", false), (8, "8B", false), (8, "8B", false), (9, "9A", false), (9, "Red", false), (13, "13C", true), (13, "13C", true), (7, "7A", false)],
                stored.Select(s => (s.YearGroup, s.FormGroup ?? "", s.Archived)));
            Assert.All(stored.Where(s => !s.Archived), s => Assert.Equal(school.NextYear, s.AcademicYearId));
            foreach (var width in new[] { 1280, 390 })
            {
                await page.SetViewportSizeAsync(width, width <= 480 ? 844 : 900);
                await BrowserFixture.ScreenshotAsync(page, "roll-forward-done");
                await BrowserFixture.AssertNoHorizontalScrollAsync(page);
                await BrowserFixture.AssertAccessibleAsync(page);
            }

            // The colleague's tab still shows its preview; running it moves nobody a second time.
            await other.GetByRole(AriaRole.Button, new() { Name = "Move students up", Exact = true }).ClickAsync();
            await other.GetByRole(AriaRole.Button, new() { Name = "Yes, move them up", Exact = true }).ClickAsync();
            await Assertions.Expect(Status(other))
                .ToHaveTextAsync($"Nobody moved: every student of these year groups was already in {school.NextYearName}.");
            await ExpectRowsAsync(other, [$"Already in {school.NextYearName} (not moved)", "6"]);
            Assert.Equal([7, 8, 8, 8, 9, 9, 13, 13], await YearGroupsAsync(school.Id));

            Assert.Empty(BrowserFixture.ErrorsOf(page));
            await page.Context.CloseAsync();
        }
        finally
        {
            await ArchiveAsync(school.Id);
        }
    }

    [Fact]
    public async Task The_teacher_has_no_move_up_button_and_the_page_is_not_for_their_role()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Teacher);
        await page.GotoAsync("/students");
        await Assertions.Expect(page.Locator(".ly-row-link").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Move up a year", Exact = true })).ToHaveCountAsync(0);

        await page.GotoAsync("/students/roll-forward");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not for your role", Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    private sealed record TestSchool(int Id, int ThisYear, int NextYear, string NextYearName);

    /// <summary>
    /// A school with the year under way, the next and the one after, and students of years 7, 8 and 13 in this year,
    /// and one already entered for next year's year 7.
    /// </summary>
    private async Task<TestSchool> SchoolOfItsOwnAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        static string Name(DateOnly start) => $"{start.Year}–{(start.Year + 1) % 100:00}";
        var thisStart = today.AddMonths(-6);
        // The next year starts within the twelve weeks in which its students may be moved into it.
        var years = new[] { thisStart, today.AddMonths(2), today.AddMonths(18) }
            .Select(start => new AcademicYear { Name = Name(start), StartDate = start, EndDate = start.AddMonths(11) })
            .ToList();
        var school = new School { Name = $"Roll-forward School {tag}", Code = $"RF{tag}", TimeZone = "Europe/London" };
        await browser.App.InsertAsync(school);
        years.ForEach(y => y.SchoolId = school.Id);
        await browser.App.InsertAsync([.. years]);

        Student Student(int yearGroup, string form, AcademicYear year) => new()
        {
            SchoolId = school.Id,
            AcademicYearId = year.Id,
            StudentNumber = $"RF-{Guid.NewGuid():N}"[..20],
            FirstName = "Rolling",
            LastName = $"Spec{tag}",
            DateOfBirth = new DateOnly(2012, 9, 1),
            YearGroup = yearGroup,
            FormGroup = form,
            AdmittedOn = thisStart,
        };
        // Inserted one by one, so that their ids follow this order.
        foreach (var student in new[]
        {
            Student(7, "7A", years[0]), Student(7, "7B", years[0]), Student(7, "7B", years[0]), Student(8, "8A", years[0]),
            Student(8, "Red", years[0]), Student(13, "13C", years[0]), Student(13, "13C", years[0]), Student(7, "7A", years[1]),
        })
        {
            await browser.App.InsertAsync(student);
        }

        return new TestSchool(school.Id, years[0].Id, years[1].Id, years[1].Name);
    }

    private static async Task ChooseSchoolAsync(IPage page, TestSchool school)
    {
        // The choices come once the page is interactive; a choice made before would be lost.
        await Assertions.Expect(page.Locator("form > fieldset:not([disabled])")).ToBeVisibleAsync();
        await page.Locator("#school").SelectOptionAsync(Text(school.Id));
        await Assertions.Expect(page.Locator("#academic-year")).ToHaveValueAsync(Text(school.NextYear));
    }

    /// <summary>The one-line answer above the summary table.</summary>
    private static ILocator Status(IPage page) => page.Locator(".ly-roll-summary [role=status]");

    private static async Task ExpectRowsAsync(IPage page, params string[][] rows)
    {
        var table = page.Locator(".ly-roll-table tbody tr");
        await Assertions.Expect(table).ToHaveCountAsync(rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            await Assertions.Expect(table.Nth(i).Locator("th, td")).ToHaveTextAsync(rows[i]);
        }
    }

    private Task<List<int>> YearGroupsAsync(int school) =>
        browser.App.QueryAsync(db => db.Students.Where(s => s.SchoolId == school).Select(s => s.YearGroup).OrderBy(g => g).ToListAsync());

    /// <summary>The school and its students out of every list again: the other specs expect the demo school alone.</summary>
    private Task ArchiveAsync(int school) =>
        browser.App.QueryAsync(async db =>
        {
            var now = DateTime.UtcNow;
            await db.Students.Where(s => s.SchoolId == school && s.ArchivedAt == null).ExecuteUpdateAsync(u => u.SetProperty(s => s.ArchivedAt, (DateTime?)now));
            return await db.Schools.Where(s => s.Id == school).ExecuteUpdateAsync(u => u.SetProperty(s => s.ArchivedAt, (DateTime?)now));
        });

    private static string Text(int id) => id.ToString(CultureInfo.InvariantCulture);
}
