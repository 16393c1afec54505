using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Students;

[Collection("browser")]
public sealed class StudentsSpecs(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_administrator_searches_the_students_and_opens_a_profile(int width)
    {
        var page = await browser.NewPageAsync(width);
        var target = await browser.App.QueryAsync(db => db.Students.Where(s => s.ArchivedAt == null && s.Guardians.Any() && s.Enrollments.Any())
            .OrderBy(s => s.Id).Select(s => new { s.Id, s.LastName, s.StudentNumber }).FirstAsync());
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);

        await page.GotoAsync("/students");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Students", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".ly-row-link").First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "students");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByLabel("Search students").FillAsync(target.StudentNumber);
        await Assertions.Expect(page.Locator(".ly-row-link")).ToHaveCountAsync(1);
        await page.Locator(".ly-row-link").ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/students/{target.Id}");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(target.LastName);
        await BrowserFixture.SelectTabAsync(page, "Guardians");
        await Assertions.Expect(page.Locator(".ly-people .ly-card").First).ToBeVisibleAsync();
        await BrowserFixture.SelectTabAsync(page, "Timetable");
        await Assertions.Expect(page.Locator(".ly-table")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "student-profile");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_list_filters_by_year_group_and_sorts_by_a_column()
    {
        var page = await browser.NewPageAsync();
        var year9 = await browser.App.QueryAsync(db => db.Students.CountAsync(s => s.ArchivedAt == null && s.YearGroup == 9));
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await page.GotoAsync("/students");
        await Assertions.Expect(page.Locator(".ly-row-link").First).ToBeVisibleAsync();

        await page.GetByLabel("Year group").SelectOptionAsync("9");

        Assert.InRange(year9, 1, 25); // one page
        await Assertions.Expect(page.Locator(".rz-data-row")).ToHaveCountAsync(year9);
        var forms = await page.Locator(".rz-data-row td:nth-child(2)").AllInnerTextsAsync();
        Assert.NotEmpty(forms);
        Assert.All(forms, f => Assert.True(f.Trim().StartsWith('9') || f.Trim() == "Year 9", $"form '{f}' in year 9's list"));

        // The Form column sorts by year group, then form, then name: descending puts the top year's last form first.
        await page.GetByLabel("Year group").SelectOptionAsync(string.Empty);
        await page.GetByRole(AriaRole.Columnheader, new() { Name = "Form" }).ClickAsync();
        await page.GetByRole(AriaRole.Columnheader, new() { Name = "Form" }).ClickAsync(); // descending
        var last = await browser.App.QueryAsync(db => db.Students.Where(s => s.ArchivedAt == null)
            .OrderByDescending(s => s.YearGroup).ThenByDescending(s => s.FormGroup ?? string.Empty)
            .Select(s => new { s.YearGroup, s.FormGroup }).FirstAsync());
        await Assertions.Expect(page.Locator(".rz-data-row td:nth-child(2)").First).ToHaveTextAsync(last.FormGroup ?? $"Year {last.YearGroup}");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_role_taken_away_while_the_list_is_open_stops_working_at_the_next_click()
    {
        var page = await browser.NewPageAsync();
        var (email, password) = await browser.App.CreateUserAsync(RoleNames.Moderator);
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await page.GotoAsync("/students");
        await Assertions.Expect(page.Locator(".ly-row-link")).ToHaveCountAsync(25);

        // The circuit stays open for as long as the tab; the grants are read again for each event on it.
        await using (var scope = browser.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<LyceumUser>>();
            var user = await users.FindByEmailAsync(email);
            Assert.True((await users.RemoveFromRoleAsync(user!, RoleNames.Moderator)).Succeeded);
        }

        await page.Locator(".rz-pager-next").ClickAsync();
        await Assertions.Expect(page.GetByText("No students to show.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".ly-row-link")).ToHaveCountAsync(0);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("'\"; DROP TABLE \"Students\"; --")]
    public async Task Wildcards_and_quotes_in_the_search_box_are_searched_for_literally(string text)
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);
        await page.GotoAsync("/students");
        await Assertions.Expect(page.Locator(".ly-row-link").First).ToBeVisibleAsync();

        await page.GetByLabel("Search students").FillAsync(text);

        await Assertions.Expect(page.GetByText("No students match.")).ToBeVisibleAsync();
        await page.GetByLabel("Search students").FillAsync(new string('a', 5000)); // the box takes 100 characters
        Assert.Equal(100, (await page.GetByLabel("Search students").InputValueAsync()).Length);
        await Assertions.Expect(page.GetByText("No students match.")).ToBeVisibleAsync();
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        Assert.True(await browser.App.QueryAsync(db => db.Students.AnyAsync()));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_guardian_sees_exactly_their_own_children_and_not_another_childs_profile()
    {
        var page = await browser.NewPageAsync(390);
        var guardian = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var children = await browser.App.QueryAsync(db => db.Students
            .Where(s => s.ArchivedAt == null && s.Guardians.Any(g => g.Guardian!.UserId == guardian)).Select(s => s.Id).ToListAsync());
        var other = await browser.App.QueryAsync(db => db.Students.Where(s => !children.Contains(s.Id)).Select(s => s.Id).FirstAsync());
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Guardian);

        await page.GotoAsync("/students");
        await Assertions.Expect(page.Locator(".ly-row-link")).ToHaveCountAsync(children.Count);
        var linked = await page.Locator(".ly-row-link").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(children.Order().Select(id => $"/students/{id}"), linked.Order());
        await BrowserFixture.ScreenshotAsync(page, "students-guardian");

        await page.GotoAsync($"/students/{other}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_page_the_role_may_not_use_is_neither_listed_nor_reachable()
    {
        var (email, password) = await browser.App.CreateUserAsync(RoleNames.Student);
        var userId = await browser.App.UserIdAsync(email);
        await browser.App.QueryAsync(db => db.UserRoles.Where(ur => ur.UserId == userId).ExecuteDeleteAsync()); // no role at all
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/sign-in");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Students" })).ToHaveCountAsync(0);
        await page.GotoAsync("/students");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not for your role", Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
