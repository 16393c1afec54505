using Lyceum.E2E.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Messaging;

[Collection("browser")]
public sealed class NotificationBellSpecs(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task A_guardians_bell_counts_a_new_absence_without_a_reload_and_the_list_marks_it_read(int width)
    {
        var (email, password) = await browser.App.CreateUserAsync(RoleNames.Guardian, "Gail Bellamy");
        var user = await browser.App.UserIdAsync(email);
        var page = await browser.NewPageAsync(width);
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { Timeout = 60_000 });

        var bell = page.Locator("[data-ly-bell]");
        await Assertions.Expect(bell).ToHaveAttributeAsync("aria-label", "Notifications: none unread");
        await Assertions.Expect(bell.Locator(".ly-bell-count")).ToBeHiddenAsync();
        // The live connection is open once the page's script has connected; wait for it before the event.
        await page.WaitForFunctionAsync("() => window.lyceumBell && window.lyceumBell.count === 0", null, new() { Timeout = 30_000 });

        // A register somewhere marks her son absent: the bell says 1 within seconds, with no reload.
        await NotifyAsync(user, "Sam Bellamy was marked absent", "Sam Bellamy was marked absent without an explanation on Thursday (Period 1).", "/");
        await Assertions.Expect(bell.Locator(".ly-bell-count")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        await Assertions.Expect(bell).ToHaveAttributeAsync("aria-label", "Notifications: 1 unread");
        await BrowserFixture.ScreenshotAsync(page, "notifications-bell");

        await NotifyAsync(user, "<b>Detention</b> on Friday", "Sam has a detention on Friday at 15:30 & must attend.", null, EventTypes.DetentionScheduled);
        await Assertions.Expect(bell.Locator(".ly-bell-count")).ToHaveTextAsync("2", new() { Timeout = 15_000 });

        await bell.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notifications", Exact = true })).ToBeVisibleAsync();
        var items = page.Locator(".ly-note");
        await Assertions.Expect(items).ToHaveCountAsync(2);
        await Assertions.Expect(items.First).ToContainTextAsync("<b>Detention</b> on Friday"); // markup shows as text
        await Assertions.Expect(items.Nth(1)).ToContainTextAsync("Sam Bellamy was marked absent");
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "unread" })).ToHaveTextAsync("2 unread");
        await BrowserFixture.ScreenshotAsync(page, "notifications-list");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        // The buttons are disabled until the page is live, so the click waits for that.
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark all read" }).ClickAsync();
        await Assertions.Expect(page.GetByText("0 unread", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(bell.Locator(".ly-bell-count")).ToBeHiddenAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator(".ly-note-unread")).ToHaveCountAsync(0);
        Assert.Equal(0, await browser.App.QueryAsync(db => db.Notifications.CountAsync(n => n.UserId == user && n.ReadAt == null)));

        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notification settings" })).ToBeVisibleAsync();
        await page.GetByLabel("Absences by text message").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Saved.")).ToBeVisibleAsync();
        Assert.True(await browser.App.QueryAsync(db => db.NotificationPreferences.AnyAsync(p => p.UserId == user && p.Type == "absence" && p.Sms)));
        await BrowserFixture.ScreenshotAsync(page, "notifications-settings");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    private async Task NotifyAsync(Guid user, string title, string body, string? link, string type = EventTypes.UnexplainedAbsence)
    {
        await using var db = await browser.App.Services.GetRequiredService<IDbContextFactory<LyceumDbContext>>().CreateDbContextAsync();
        Outbox.Add(db, DateTime.UtcNow, type, new { spec = true }, null, [new NotificationDraft(user, title, body, link)]);
        await db.SaveChangesAsync();
    }
}
