using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Gradebook;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Gradebook;

/// <summary>
/// The gradebook in the browser: a teacher adds a category and an assessment, enters marks with the keyboard alone
/// and pastes a column from a spreadsheet; a bad mark is marked and held back; everything saves by itself and stays.
/// </summary>
[Collection("browser")]
public sealed class GradebookSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task A_teacher_enters_marks_with_the_keyboard_and_a_pasted_column_and_they_save_by_themselves()
    {
        var teacher = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var section = await browser.App.QueryAsync(db => db.Sections
            .Where(s => s.Teacher!.UserId == teacher && s.ArchivedAt == null)
            .OrderByDescending(s => s.Enrollments.Count(e => e.WithdrawnOn == null)).ThenBy(s => s.Id)
            .Select(s => new { s.Id, s.Name, Course = s.Course!.Name }).FirstAsync());
        var title = $"Quiz {Guid.NewGuid():N}"[..12];
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Teacher);

        await page.GotoAsync("/gradebook");
        await BrowserFixture.ClickUntilShownAsync(
            page.GetByRole(AriaRole.Link).Filter(new() { HasText = section.Name }).First,
            page.GetByRole(AriaRole.Heading, new() { Name = "Categories and weights" }));

        // A category of its own, so the spec does not depend on what the gradebook already has.
        var category = $"E2E {Guid.NewGuid():N}"[..10];
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add category", Exact = true })).ToBeEnabledAsync(); // interactive
        await page.Locator("#c-name").FillAsync(category);
        await page.Locator("#c-weight").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add category", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-gb-categories")).ToContainTextAsync(category);

        await page.Locator("#a-title").FillAsync(title);
        await page.Locator("#a-max").FillAsync("20");
        await page.Locator("#a-category").SelectOptionAsync(new SelectOptionValue { Label = category });
        await page.GetByRole(AriaRole.Button, new() { Name = "Add assessment", Exact = true }).ClickAsync();
        var header = page.Locator(".ly-gb-grid thead th").Filter(new() { HasText = title });
        await Assertions.Expect(header).ToBeVisibleAsync();
        var column = await page.Locator(".ly-gb-grid thead th").EvaluateAllAsync<int>(
            "(ths, t) => ths.findIndex(th => th.textContent.includes(t)) - 1", title);
        ILocator Cell(int row) => page.Locator($".ly-gb-grid input[data-r='{row}'][data-c='{column}']");

        // Keyboard alone: type, Enter moves down.
        await Cell(0).ClickAsync();
        await page.Keyboard.TypeAsync("15");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Cell(1)).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("21");
        await Assertions.Expect(Cell(1)).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByTestId("save-state")).ToContainTextAsync("need fixing");
        await Screenshots(page, "gradebook-bad-cell");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("12L");
        await Assertions.Expect(Cell(1)).ToHaveAttributeAsync("aria-invalid", "false");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Cell(2)).ToBeFocusedAsync();

        // A column pasted from a spreadsheet fills down from the focused cell.
        await Cell(2).EvaluateAsync("""
            el => {
                const data = new DataTransfer();
                data.setData('text/plain', '10\n11\nE\n');
                el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
            }
            """);
        await Assertions.Expect(Cell(4)).ToHaveValueAsync("E");
        await Assertions.Expect(page.GetByTestId("save-state")).ToHaveTextAsync("All changes saved.", new() { Timeout = 15_000 });

        var students = await page.Locator(".ly-gb-grid tbody th a").EvaluateAllAsync<string[]>("links => links.slice(0, 5).map(a => a.getAttribute('href'))");
        var ids = students.Select(href => int.Parse(href.Split('/')[2].Split('?')[0])).ToList();
        var stored = await browser.App.QueryAsync(db => db.Marks.Where(m => m.Assessment!.Title == title && m.Assessment.SectionId == section.Id)
            .Select(m => new { m.StudentId, m.Status, m.Points }).ToListAsync());
        Assert.Equal(5, stored.Count);
        var byStudent = stored.ToDictionary(m => m.StudentId);
        Assert.Equal((MarkStatus.Scored, 15m), (byStudent[ids[0]].Status, byStudent[ids[0]].Points!.Value));
        Assert.Equal((MarkStatus.Late, 12m), (byStudent[ids[1]].Status, byStudent[ids[1]].Points!.Value));
        Assert.Equal(10m, byStudent[ids[2]].Points);
        Assert.Equal(11m, byStudent[ids[3]].Points);
        Assert.Equal(MarkStatus.Excused, byStudent[ids[4]].Status);

        // Term grades compute from the marks; a reload shows what was saved.
        await Assertions.Expect(page.Locator(".ly-gb-grid tbody tr").First.Locator(".ly-gb-grade strong")).Not.ToHaveTextAsync("–");
        await Screenshots(page, "gradebook-grid");
        await page.ReloadAsync();
        await Assertions.Expect(Cell(0)).ToHaveValueAsync("15");
        await Assertions.Expect(Cell(1)).ToHaveValueAsync("12L");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Two_people_typing_in_one_gradebook_lose_no_mark_and_a_clash_shows_whose_value_stands()
    {
        var teacher = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var section = await browser.App.QueryAsync(db => db.Sections
            .Where(s => s.Teacher!.UserId == teacher && s.ArchivedAt == null && s.Enrollments.Count(e => e.WithdrawnOn == null) >= 2)
            .OrderBy(s => s.Id).Select(s => new { s.Id, s.TermId }).FirstAsync());
        var category = new AssessmentCategory { SectionId = section.Id, Name = $"Clash {Guid.NewGuid():N}"[..12], Weight = 1 };
        await browser.App.InsertAsync(category);
        var title = $"Clash test {Guid.NewGuid():N}"[..16];
        await browser.App.InsertAsync(new Assessment
        {
            SectionId = section.Id,
            CategoryId = category.Id,
            TermId = section.TermId,
            Title = title,
            Date = new DateOnly(2020, 1, 6),
            MaxPoints = 20,
        });

        var mine = await browser.NewPageAsync();
        var theirs = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(mine, RoleNames.Teacher);
        await BrowserFixture.SignInAsDemoAsync(theirs, RoleNames.Administrator);
        var columns = new List<int>();
        foreach (var page in new[] { mine, theirs })
        {
            await page.GotoAsync($"/gradebook/{section.Id}");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Publish term grades", Exact = true })).ToBeEnabledAsync(); // interactive
            columns.Add(await page.Locator(".ly-gb-grid thead th").EvaluateAllAsync<int>("(ths, t) => ths.findIndex(th => th.textContent.includes(t)) - 1", title));
        }

        ILocator Cell(IPage page, int row) => page.Locator($".ly-gb-grid input[data-r='{row}'][data-c='{columns[0]}']");

        // The teacher saves 14 in the first cell; the administrator, whose page still shows it empty, types 9 there and 7 below.
        await Cell(mine, 0).FillAsync("14");
        await Assertions.Expect(mine.GetByTestId("save-state")).ToHaveTextAsync("All changes saved.", new() { Timeout = 15_000 });
        await Cell(theirs, 0).FillAsync("9");
        await Cell(theirs, 1).FillAsync("7");

        await Assertions.Expect(Cell(theirs, 0)).ToHaveValueAsync("14", new() { Timeout = 15_000 });
        await Assertions.Expect(theirs.Locator(".ly-gb-conflict")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("yours was \"9\""));
        await Assertions.Expect(theirs.GetByTestId("save-state")).ToHaveTextAsync("All changes saved.", new() { Timeout = 15_000 });
        await Screenshots(theirs, "gradebook-clash");

        var stored = await browser.App.QueryAsync(db => db.Marks.Where(m => m.Assessment!.Title == title).OrderBy(m => m.Points).Select(m => m.Points).ToListAsync());
        Assert.Equal([7m, 14m], stored);

        // The class's scale is the teacher's choice: on 0–20, 14 of 20 (70%) is a 14.
        await theirs.Locator("#g-scale").SelectOptionAsync(new SelectOptionValue { Label = "0–20" });
        await Assertions.Expect(theirs.Locator(".ly-notice")).ToContainTextAsync("Term grades now use the scale 0–20.");
        await Assertions.Expect(theirs.Locator(".ly-gb-grid tbody tr").First.Locator(".ly-gb-grade strong")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^\\d+$"));
        Assert.Empty(BrowserFixture.ErrorsOf(mine));
        Assert.Empty(BrowserFixture.ErrorsOf(theirs));
        await mine.Context.CloseAsync();
        await theirs.Context.CloseAsync();
    }

    private static async Task Screenshots(IPage page, string name)
    {
        var original = page.ViewportSize!.Width;
        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, width <= 480 ? 844 : 900);
            await BrowserFixture.ScreenshotAsync(page, name);
            await BrowserFixture.AssertNoHorizontalScrollAsync(page);
            await BrowserFixture.AssertAccessibleAsync(page);
        }

        await page.SetViewportSizeAsync(original, 900);
    }
}
