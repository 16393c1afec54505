using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Identity;

[Collection("browser")]
public sealed class SignInSpecs(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_sign_in_page_fits_the_screen_and_passes_axe(int width)
    {
        var page = await browser.NewPageAsync(width);

        await page.GotoAsync("/");

        Assert.Equal("/sign-in", new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "sign-in");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_administrator_signs_in_with_a_password_and_sees_the_schools_figures(int width)
    {
        var page = await browser.NewPageAsync(width);
        var students = await browser.App.QueryAsync(db => db.Students.CountAsync(s => s.ArchivedAt == null));

        await page.GotoAsync("/sign-in");
        await page.GetByLabel("E-mail").FillAsync(LyceumApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync(LyceumApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Assertions.Expect(page.Locator(".ly-user-name")).ToHaveTextAsync("Administrator"); // the display name, not the e-mail
        await Assertions.Expect(page.Locator("[data-kpi=students] .ly-kpi")).ToHaveTextAsync(students.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en")));
        await Assertions.Expect(page.Locator("[data-kpi=staff]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".rz-chart svg").First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "dashboard-administrator");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_wrong_password_gets_one_plain_message_and_no_session()
    {
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/sign-in");
        await page.GetByLabel("E-mail").FillAsync(LyceumApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The e-mail or password is incorrect.");
        // Ready for the next try: the e-mail kept, the password empty and focused, the message read with it.
        await Assertions.Expect(page.GetByLabel("E-mail")).ToHaveValueAsync(LyceumApp.AdminEmail);
        await Assertions.Expect(page.GetByLabel("Password")).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByLabel("Password")).ToHaveValueAsync(string.Empty);
        await Assertions.Expect(page.GetByLabel("Password")).ToHaveAccessibleDescriptionAsync("The e-mail or password is incorrect.");
        await page.GotoAsync("/");
        Assert.Equal("/sign-in", new Uri(page.Url).AbsolutePath);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_return_address_on_another_site_is_ignored()
    {
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/sign-in?returnUrl=" + Uri.EscapeDataString("https://evil.example/steal"));
        await page.GetByLabel("E-mail").FillAsync(LyceumApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync(LyceumApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        Assert.Equal(browser.Root.Authority, new Uri(page.Url).Authority);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_guardian_sees_figures_for_their_own_children_only_and_can_sign_out()
    {
        var page = await browser.NewPageAsync(390);
        var guardian = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var children = await browser.App.QueryAsync(db => db.Students
            .CountAsync(s => s.ArchivedAt == null && s.Guardians.Any(g => g.Guardian!.UserId == guardian)));

        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Guardian);

        // A family sees its children, each a link to their page, rather than school figures.
        await Assertions.Expect(page.Locator(".ly-family-link")).ToHaveCountAsync(children);
        await Assertions.Expect(page.Locator("[data-kpi=staff]")).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "dashboard-guardian");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);

        await page.Locator("label.ly-nav-button").ClickAsync(); // the phone menu opens
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/sign-in");
        await page.GotoAsync("/");
        Assert.Equal("/sign-in", new Uri(page.Url).AbsolutePath);
        await page.Context.CloseAsync();
    }
}
