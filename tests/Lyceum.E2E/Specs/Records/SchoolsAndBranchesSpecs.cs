using System.Globalization;
using Lyceum.E2E.Infrastructure;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Records;

/// <summary>
/// The schools and branches screens (school.configure). The demo school is changed, never a second one added: other
/// specs expect the demo school to be the only one (a second one puts a school choice on the add-student page).
/// </summary>
[Collection("browser")]
public sealed class SchoolsAndBranchesSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task The_administrator_adds_a_branch_and_changes_the_schools_phone_after_the_bad_values_are_shown_at_their_fields()
    {
        var school = await browser.App.QueryAsync(db => db.Schools.Where(s => s.ArchivedAt == null).OrderBy(s => s.Id)
            .Select(s => new { s.Id, s.Name, s.TimeZone, s.Email }).FirstAsync());
        var branch = $"Annexe {Guid.NewGuid():N}"[..15];
        var phone = $"+44 20 7946 {Random.Shared.Next(1000, 9999)}";
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);

        await page.GotoAsync("/structure/branches");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a branch", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure/branches/new");
        await Assertions.Expect(page.Locator("form > fieldset:not([disabled])")).ToBeVisibleAsync();
        await page.Locator("#school").SelectOptionAsync(school.Id.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#name").FillAsync(branch);
        await page.Locator("#address").FillAsync("1 Orchard Way, Leeds");
        await page.Locator("#phone").FillAsync("ring the office");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#phone")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#phone-error")).ToHaveTextAsync("Use digits, spaces and + - ( ) only.");
        Assert.Equal(branch, await page.Locator("#name").InputValueAsync()); // the input is kept
        Assert.Equal("/structure/branches/new", new Uri(page.Url).AbsolutePath);
        Assert.False(await browser.App.QueryAsync(db => db.Branches.AnyAsync(b => b.Name == branch)));

        await page.Locator("#phone").FillAsync("+44 113 496 0000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure/branches");
        await SearchAsync(page, "Search branches", branch);
        await Assertions.Expect(page.Locator(".rz-data-row").First).ToContainTextAsync("1 Orchard Way, Leeds");
        Assert.Equal((school.Id, "+44 113 496 0000"),
            await browser.App.QueryAsync(db => db.Branches.Where(b => b.Name == branch).Select(b => new ValueTuple<int, string?>(b.SchoolId, b.Phone)).SingleAsync()));

        await page.GotoAsync("/structure/schools");
        await SearchAsync(page, "Search schools", school.Name);
        await page.Locator(".ly-row-link").First.ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/structure/schools/{school.Id}");
        await Assertions.Expect(page.Locator("#time-zone")).ToHaveValueAsync(school.TimeZone);
        await Assertions.Expect(page.Locator("#time-zone")).ToBeEnabledAsync();
        await page.Locator("#phone").FillAsync(phone);
        await page.Locator("#time-zone").FillAsync("Europe/Atlantis");
        await page.Locator("#email").FillAsync("office@");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#time-zone-error")).ToHaveTextAsync("Must be a time zone such as Europe/London or Europe/Athens.");
        await Assertions.Expect(page.Locator("#email-error")).ToHaveTextAsync("Must be an e-mail address such as name@example.org.");
        await Assertions.Expect(page.Locator("#email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#phone")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        Assert.NotEqual(phone, await browser.App.QueryAsync(db => db.Schools.Where(s => s.Id == school.Id).Select(s => s.Phone).SingleAsync()));
        await BrowserFixture.ScreenshotAsync(page, "school-form-error");

        await page.Locator("#time-zone").FillAsync(school.TimeZone);
        await page.Locator("#email").FillAsync(school.Email ?? "");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure/schools");
        await SearchAsync(page, "Search schools", school.Name);
        await Assertions.Expect(page.Locator(".rz-data-row").First).ToContainTextAsync(school.TimeZone);
        Assert.Equal((phone, school.TimeZone, school.Email), await browser.App.QueryAsync(db => db.Schools.Where(s => s.Id == school.Id)
            .Select(s => new ValueTuple<string?, string, string?>(s.Phone, s.TimeZone, s.Email)).SingleAsync()));
        await page.GotoAsync($"/structure/schools/{school.Id}");
        await Assertions.Expect(page.Locator("#phone")).ToHaveValueAsync(phone);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_office_moderator_is_told_the_school_and_branch_forms_are_not_for_their_role()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);

        await page.GotoAsync("/structure");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Rooms", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Schools", Exact = true })).ToHaveCountAsync(0);
        foreach (var form in new[] { "/structure/schools/new", "/structure/branches/new" })
        {
            await page.GotoAsync(form);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not for your role", Exact = true })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true })).ToHaveCountAsync(0);
        }

        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    /// <summary>Types into a list's search box until the first row shows <paramref name="expected"/> (a keystroke before the circuit is up is lost).</summary>
    private static async Task SearchAsync(IPage page, string label, string expected)
    {
        var box = page.GetByLabel(label, new() { Exact = true });
        for (var attempt = 1; ; attempt++)
        {
            await box.FillAsync(expected);
            try
            {
                await Assertions.Expect(page.Locator(".ly-row-link").First).ToHaveTextAsync(expected, new() { Timeout = 2_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 8)
            {
                await box.FillAsync("");
            }
        }
    }
}
