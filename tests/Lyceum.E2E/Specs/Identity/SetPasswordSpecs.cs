using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.E2E.Infrastructure;
using Lyceum.Platform.Identity;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Identity;

[Collection("browser")]
public sealed class SetPasswordSpecs(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task A_new_colleague_opens_their_link_sets_a_password_and_signs_in(int width)
    {
        var (email, _) = await browser.App.CreateUserAsync(RoleNames.Teacher);
        var userId = await browser.App.UserIdAsync(email);
        using var admin = await browser.App.AdminClientAsync();
        var link = (await (await admin.PostAsync($"/api/v1/users/{userId}/password-link", null)).Content.ReadFromJsonAsync<JsonNode>())!["setPasswordUrl"]!.GetValue<string>();
        var page = await browser.NewPageAsync(width);

        await page.GotoAsync(new Uri(link).PathAndQuery);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set your password" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(email)).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "set-password");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByLabel("New password").FillAsync("short but different");
        await page.GetByLabel("The same password again").FillAsync("short but not the same");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The two passwords are not the same.");

        await page.GetByLabel("New password").FillAsync("a garden of forty lemons");
        await page.GetByLabel("The same password again").FillAsync("a garden of forty lemons");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is set.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("a garden of forty lemons");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }
}
