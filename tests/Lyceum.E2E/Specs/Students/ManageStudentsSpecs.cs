using Lyceum.E2E.Infrastructure;
using Lyceum.Modules.Students;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Students;

/// <summary>The office's student screens: add with guardians, edit, archive and restore, and what other roles see.</summary>
[Collection("browser")]
public sealed class ManageStudentsSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task The_moderator_adds_a_student_with_a_new_and_an_existing_guardian_and_lands_on_the_profile()
    {
        var page = await browser.NewPageAsync();
        var sibling = await browser.App.QueryAsync(db => db.Guardians.Where(g => g.ArchivedAt == null && g.Email != null)
            .OrderBy(g => g.Id).Select(g => new { g.Id, g.SchoolId, g.FirstName, g.LastName, g.Email }).FirstAsync());
        var last = $"Quill{Guid.NewGuid():N}"[..14];
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await page.GotoAsync("/students");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add student", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/students/new");

        await FillStudentAsync(page, "Zephyrine", last);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a new guardian", Exact = true }).ClickAsync();
        var first = page.Locator("fieldset.ly-guardian").Nth(0);
        await first.GetByLabel("Title").FillAsync("Ms");
        await first.GetByLabel("First name").FillAsync("Odile");
        await first.GetByLabel("Last name").FillAsync(last);
        await first.GetByLabel("E-mail").FillAsync($"odile.{last.ToLowerInvariant()}@example.org");
        await first.GetByLabel("Relationship to the student").SelectOptionAsync("Mother");

        await page.GetByRole(AriaRole.Button, new() { Name = "Add a guardian on record", Exact = true }).ClickAsync();
        var second = page.Locator("fieldset.ly-guardian").Nth(1);
        await second.GetByLabel("Find a guardian of the school (name or e-mail)").FillAsync(sibling.Email!);
        await second.Locator(".ly-pick").First.ClickAsync();
        await Assertions.Expect(second.Locator(".ly-picked")).ToContainTextAsync(sibling.LastName);
        await second.GetByLabel("Relationship to the student").SelectOptionAsync("Father");
        await second.GetByLabel("Lives with the student").UncheckAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Save student", Exact = true }).ClickAsync();

        await page.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(new Uri(url).AbsolutePath, @"^/students/\d+$"));
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(last);
        await BrowserFixture.SelectTabAsync(page, "Guardians");
        await Assertions.Expect(page.Locator(".ly-people .ly-card")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".ly-people")).ToContainTextAsync($"Ms Odile {last}");
        await Assertions.Expect(page.Locator(".ly-people")).ToContainTextAsync($"{sibling.FirstName} {sibling.LastName}");

        var stored = await browser.App.QueryAsync(db => db.Students.Where(s => s.LastName == last)
            .Select(s => new
            {
                s.Id,
                s.SchoolId,
                s.StudentNumber,
                s.AdmittedOn,
                Links = s.Guardians.OrderBy(l => l.ContactPriority)
                    .Select(l => new { l.GuardianId, l.Relationship, l.LivesWith, l.Guardian!.FirstName, GuardianSchool = l.Guardian.SchoolId }).ToList(),
            })
            .SingleAsync());
        Assert.Equal($"/students/{stored.Id}", new Uri(page.Url).AbsolutePath);
        Assert.Equal(sibling.SchoolId, stored.SchoolId);
        Assert.False(string.IsNullOrEmpty(stored.StudentNumber)); // left blank: the school's next number
        Assert.Equal(2, stored.Links.Count);
        Assert.Equal(("Odile", Relationship.Mother, true, stored.SchoolId), (stored.Links[0].FirstName, stored.Links[0].Relationship, stored.Links[0].LivesWith, stored.Links[0].GuardianSchool));
        Assert.Equal((sibling.Id, Relationship.Father, false), (stored.Links[1].GuardianId, stored.Links[1].Relationship, stored.Links[1].LivesWith));

        // Linked by mistake: removed from the Guardians tab; the guardian's own record stays.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Remove {sibling.FirstName} {sibling.LastName}", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, remove", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-people .ly-card")).ToHaveCountAsync(1);
        Assert.Equal(1, await browser.App.QueryAsync(db => db.StudentGuardians.CountAsync(l => l.StudentId == stored.Id)));
        Assert.True(await browser.App.QueryAsync(db => db.Guardians.AnyAsync(g => g.Id == sibling.Id && g.ArchivedAt == null)));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_bad_e_mail_is_shown_at_its_field_and_nothing_is_stored()
    {
        var page = await browser.NewPageAsync();
        var before = await browser.App.QueryAsync(async db => (await db.Students.CountAsync(), await db.Guardians.CountAsync()));
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await page.GotoAsync("/students/new");

        await FillStudentAsync(page, "Bad", "Address");
        await page.Locator("#email").FillAsync("not-an-address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a new guardian", Exact = true }).ClickAsync();
        var guardian = page.Locator("fieldset.ly-guardian").Nth(0);
        await guardian.GetByLabel("First name").FillAsync("Ada");
        await guardian.GetByLabel("Last name").FillAsync("Address");
        await guardian.GetByLabel("E-mail").FillAsync("ada@");
        await guardian.GetByLabel("Relationship to the student").SelectOptionAsync("Carer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save student", Exact = true }).ClickAsync();

        // Each message stands at its own field (the field points at it), and in the summary at the top.
        await Assertions.Expect(page.Locator("#email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#email-error")).ToHaveTextAsync("Must be an e-mail address such as name@example.org.");
        var guardianEmail = guardian.GetByLabel("E-mail");
        await Assertions.Expect(guardianEmail).ToHaveAttributeAsync("aria-invalid", "true");
        var describedBy = await guardianEmail.GetAttributeAsync("aria-describedby");
        await Assertions.Expect(page.Locator($"#{describedBy}")).ToHaveTextAsync("Must be an e-mail address such as name@example.org.");
        await Assertions.Expect(page.Locator(".ly-alert[role=alert]")).ToContainTextAsync("Guardian 1 · E-mail");
        await Assertions.Expect(page.Locator("#first-name")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal("not-an-address", await page.Locator("#email").InputValueAsync()); // the input is kept

        Assert.Equal("/students/new", new Uri(page.Url).AbsolutePath);
        Assert.Equal(before, await browser.App.QueryAsync(async db => (await db.Students.CountAsync(), await db.Guardians.CountAsync())));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_moderator_archives_and_restores_a_student_from_the_profile()
    {
        var id = await InsertStudentAsync("Archie");
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await page.GotoAsync($"/students/{id}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, archive", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-badge")).ToHaveTextAsync("Archived");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true })).ToHaveCountAsync(0);
        Assert.NotNull(await browser.App.QueryAsync(db => db.Students.Where(s => s.Id == id).Select(s => s.ArchivedAt).SingleAsync()));

        await page.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, restore", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-badge")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true })).ToBeVisibleAsync();
        Assert.Null(await browser.App.QueryAsync(db => db.Students.Where(s => s.Id == id).Select(s => s.ArchivedAt).SingleAsync()));
        // The moderator may not delete: no such button.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true })).ToHaveCountAsync(0);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_moderator_links_a_guardian_on_record_from_the_profile()
    {
        var id = await InsertStudentAsync("Linda");
        var guardian = await browser.App.QueryAsync(db => db.Guardians.Where(g => g.ArchivedAt == null && g.SchoolId == db.Students.Where(s => s.Id == id).Select(s => s.SchoolId).First())
            .OrderBy(g => g.Id).Select(g => new { g.Id, g.FirstName, g.LastName }).FirstAsync());
        var page = await browser.NewPageAsync(390);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await page.GotoAsync($"/students/{id}");
        await BrowserFixture.SelectTabAsync(page, "Guardians");
        await Assertions.Expect(page.GetByText("No guardians to show.")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Link a guardian on record", Exact = true }).ClickAsync();
        await page.GetByLabel("Find a guardian of the school (name or e-mail)").FillAsync(guardian.LastName);
        await page.Locator("#link-found .ly-pick", new() { HasText = $"{guardian.FirstName} {guardian.LastName}" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Link guardian", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#link-relationship-error")).ToBeVisibleAsync(); // what they are to her is required
        await page.Locator("#link-relationship").SelectOptionAsync("Father");
        await page.GetByLabel("Lives with the student").UncheckAsync();
        await BrowserFixture.ScreenshotAsync(page, "student-link-guardian");
        await page.GetByRole(AriaRole.Button, new() { Name = "Link guardian", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator(".ly-people .ly-card h2")).ToContainTextAsync($"{guardian.FirstName} {guardian.LastName}");
        var link = await browser.App.QueryAsync(db => db.StudentGuardians.Where(l => l.StudentId == id).Select(l => new { l.GuardianId, l.Relationship, l.LivesWith }).SingleAsync());
        Assert.Equal((guardian.Id, Relationship.Father, false), (link.GuardianId, link.Relationship, link.LivesWith));
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_administrator_deletes_a_mistaken_record_but_is_told_to_archive_a_student_with_enrolments()
    {
        var enrolled = await browser.App.QueryAsync(db => db.Students.Where(s => s.Enrollments.Any()).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());
        var mistake = await InsertStudentAsync("Mistake");
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);

        await page.GotoAsync($"/students/{enrolled}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-alert[role=alert]")).ToContainTextAsync("Archive the student instead");
        Assert.True(await browser.App.QueryAsync(db => db.Students.AnyAsync(s => s.Id == enrolled)));

        await page.GotoAsync($"/students/{mistake}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/students");
        Assert.False(await browser.App.QueryAsync(db => db.Students.AnyAsync(s => s.Id == mistake)));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_save_over_someone_elses_change_says_so_and_keeps_the_input()
    {
        var id = await InsertStudentAsync("Stale");
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await page.GotoAsync($"/students/{id}/edit");
        await page.Locator("#preferred-name").FillAsync("Mine");

        await browser.App.QueryAsync(async db =>
        {
            var other = await db.Students.SingleAsync(s => s.Id == id);
            other.FormGroup = "9Z";
            return await db.SaveChangesAsync();
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator(".ly-alert[role=alert]")).ToContainTextAsync("changed by someone else");
        Assert.Equal("Mine", await page.Locator("#preferred-name").InputValueAsync());
        Assert.Null(await browser.App.QueryAsync(db => db.Students.Where(s => s.Id == id).Select(s => s.PreferredName).SingleAsync()));

        await page.GetByRole(AriaRole.Button, new() { Name = "Reload the record", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-group")).ToHaveValueAsync("9Z");
        await page.Locator("#preferred-name").FillAsync("Mine");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/students/{id}");
        Assert.Equal("Mine", await browser.App.QueryAsync(db => db.Students.Where(s => s.Id == id).Select(s => s.PreferredName).SingleAsync()));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_teacher_sees_no_add_edit_or_archive_and_cannot_open_the_add_page()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Teacher);
        await page.GotoAsync("/students");
        await Assertions.Expect(page.Locator(".ly-row-link").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Add student", Exact = true })).ToHaveCountAsync(0);

        await page.Locator(".ly-row-link").First.ClickAsync();
        await page.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(new Uri(url).AbsolutePath, @"^/students/\d+$"));
        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".ly-profile-actions")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true })).ToHaveCountAsync(0);

        await page.GotoAsync("/students/new");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not for your role", Exact = true })).ToBeVisibleAsync();
        await page.GotoAsync($"/students/{await browser.App.QueryAsync(db => db.Students.Select(s => s.Id).FirstAsync())}/edit");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not for your role", Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_add_and_edit_pages_fit_the_screen_and_pass_the_accessibility_check(int width)
    {
        var id = await InsertStudentAsync("Layout");
        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);

        await page.GotoAsync("/students/new");
        await browser.ChooseDemoSchoolAsync(page, onlyIfAsked: true);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a new guardian", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a guardian on record", Exact = true }).ClickAsync();
        await page.Locator("fieldset.ly-guardian").Nth(1).GetByLabel("Find a guardian of the school (name or e-mail)").FillAsync("a");
        await Assertions.Expect(page.Locator(".ly-pick").First).ToBeVisibleAsync();
        await page.Locator("#email").FillAsync("wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save student", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#email-error")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "student-new");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GotoAsync($"/students/{id}/edit");
        await Assertions.Expect(page.Locator("#first-name")).ToHaveValueAsync("Layout");
        await Assertions.Expect(page.Locator("#first-name")).ToBeEnabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "student-edit");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GotoAsync($"/students/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-confirm")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "student-profile-actions");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    private async Task FillStudentAsync(IPage page, string firstName, string lastName)
    {
        await browser.ChooseDemoSchoolAsync(page, onlyIfAsked: true);
        await page.Locator("#first-name").FillAsync(firstName);
        await page.Locator("#last-name").FillAsync(lastName);
        await page.Locator("#date-of-birth").FillAsync("2013-04-05");
        await page.Locator("#year-group").SelectOptionAsync("7");
    }

    /// <summary>A student of the demo school of one's own, so that archiving it changes nothing another spec reads.</summary>
    private async Task<int> InsertStudentAsync(string firstName)
    {
        var school = await browser.DemoSchoolIdAsync();
        var student = new Student
        {
            SchoolId = school,
            StudentNumber = $"E2E-{Guid.NewGuid():N}"[..20],
            FirstName = firstName,
            LastName = "Spec",
            DateOfBirth = new DateOnly(2012, 9, 1),
            YearGroup = 8,
            AdmittedOn = new DateOnly(2024, 9, 1),
        };
        await browser.App.InsertAsync(student);
        return student.Id;
    }
}
