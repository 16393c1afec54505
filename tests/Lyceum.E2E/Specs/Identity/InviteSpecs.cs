using Lyceum.E2E.Infrastructure;
using Lyceum.Modules.Staff;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Identity;

[Collection("browser")]
public sealed class InviteSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task The_office_gives_a_new_colleague_an_account_and_the_colleague_signs_in_with_the_link()
    {
        var school = await browser.DemoSchoolIdAsync();
        var colleague = new StaffMember
        {
            SchoolId = school,
            StaffNumber = $"E{Guid.NewGuid():N}"[..10],
            FirstName = "Rosalind",
            LastName = "Franklin",
            Email = $"rosalind.{Guid.NewGuid():N}@lyceum.test",
        };
        await browser.App.InsertAsync(colleague);
        var office = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(office, RoleNames.Moderator);

        await office.GotoAsync($"/staff/{colleague.Id}");
        await Assertions.Expect(office.GetByText("No account yet: this person cannot sign in.")).ToBeVisibleAsync();
        var give = office.GetByRole(AriaRole.Button, new() { Name = "Give an account" });
        await Assertions.Expect(give).ToBeEnabledAsync();
        await give.ClickAsync();
        var box = office.GetByLabel("Set-password link");
        await Assertions.Expect(box).ToBeVisibleAsync();
        var link = await box.InputValueAsync();
        await Assertions.Expect(office.GetByText("Waiting for a password")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(office);
        Assert.Equal(colleague.Id, await browser.App.QueryAsync(db => db.Staff.Where(s => s.UserId != null && s.Id == colleague.Id).Select(s => s.Id).SingleAsync()));

        var newcomer = await browser.NewPageAsync(390);
        await newcomer.GotoAsync(new Uri(link).PathAndQuery);
        await newcomer.GetByLabel("New password").FillAsync("rosalind's long password");
        await newcomer.GetByLabel("The same password again").FillAsync("rosalind's long password");
        await newcomer.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
        await newcomer.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await newcomer.GetByLabel("E-mail").FillAsync(colleague.Email);
        await newcomer.GetByLabel("Password").FillAsync("rosalind's long password");
        await newcomer.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await newcomer.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");

        // The office sees the account active now, and may not deactivate it (an administrator's action).
        await office.ReloadAsync();
        await Assertions.Expect(office.GetByText("Active", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(office.GetByRole(AriaRole.Button, new() { Name = "Deactivate" })).ToHaveCountAsync(0);
        Assert.Empty(BrowserFixture.ErrorsOf(office));
        await office.Context.CloseAsync();
        await newcomer.Context.CloseAsync();
    }
}
