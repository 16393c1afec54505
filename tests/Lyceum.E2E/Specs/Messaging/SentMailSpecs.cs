using Lyceum.E2E.Infrastructure;
using Lyceum.Modules.Messaging;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Messaging;

[Collection("browser")]
public sealed class SentMailSpecs(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task Without_a_mail_server_the_administrator_reads_sent_mail_and_sends_a_dead_delivery_again(int width)
    {
        var (email, _) = await browser.App.CreateUserAsync(RoleNames.Guardian, "Nora Mailbox");
        var user = await browser.App.UserIdAsync(email);
        var subject = $"Detention for Theo {Guid.NewGuid():N}"[..28];
        var eventId = await NotifyAsync(user, subject);
        await WaitAsync(() => browser.App.QueryAsync(db => db.Deliveries.AnyAsync(d => d.UserId == user && d.Status == DeliveryStatus.Sent)));

        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);
        await page.GotoAsync("/messaging/sent-mail");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sent mail", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("no mail leaves this machine")).ToBeVisibleAsync();
        var open = page.GetByRole(AriaRole.Button, new() { Name = subject });
        await Assertions.Expect(open).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "messaging-sent-mail");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await open.ClickAsync(); // enabled once the page is live
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = subject })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".ly-details")).ToContainTextAsync(email);
        await Assertions.Expect(page.FrameLocator("iframe.ly-mail-frame").GetByText(subject)).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "messaging-sent-mail-open");
        // No axe run here: axe waits for an answer from every frame, and the mail's frame is sandboxed (no script runs
        // in it, by design), so it would wait forever. The list above is checked.
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);

        // A delivery that kept failing is dead; the administrator sends it again from the delivery log.
        var dead = await DeadDeliveryAsync(user, $"Late twice {Guid.NewGuid():N}"[..20]);
        await page.GotoAsync("/messaging/deliveries");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delivery log", Exact = true })).ToBeVisibleAsync();
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("dead");
        var row = page.Locator(".rz-data-row").Filter(new() { HasText = dead.Title });
        await Assertions.Expect(row).ToContainTextAsync("Connection refused");
        await BrowserFixture.ScreenshotAsync(page, "messaging-deliveries");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await row.GetByRole(AriaRole.Button, new() { Name = "Send again" }).ClickAsync();
        await Assertions.Expect(page.GetByText($"{dead.Title} to Nora Mailbox is on its way again.")).ToBeVisibleAsync();
        await WaitAsync(() => browser.App.QueryAsync(db => db.Deliveries.AnyAsync(d => d.Id == dead.Id && d.Status == DeliveryStatus.Sent)));
        Assert.Equal(eventId, await browser.App.QueryAsync(db => db.Notifications.Where(n => n.UserId == user && n.Title == subject).Select(n => n.EventId).SingleAsync()));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    private async Task<Guid> NotifyAsync(Guid user, string title)
    {
        await using var db = await browser.App.Services.GetRequiredService<IDbContextFactory<LyceumDbContext>>().CreateDbContextAsync();
        var id = Outbox.Add(db, DateTime.UtcNow, EventTypes.DetentionScheduled, new { spec = true }, null, [new NotificationDraft(user, title, "After school on Friday.", null)]);
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>A notification whose e-mail already failed every try (written as the dispatcher would leave it).</summary>
    private async Task<(long Id, string Title)> DeadDeliveryAsync(Guid user, string title)
    {
        await using var db = await browser.App.Services.GetRequiredService<IDbContextFactory<LyceumDbContext>>().CreateDbContextAsync();
        var note = new Notification { UserId = user, EventId = Guid.NewGuid(), Type = EventTypes.Incident, Title = title, CreatedAt = DateTime.UtcNow };
        db.Notifications.Add(note);
        await db.SaveChangesAsync();
        var delivery = new Delivery
        {
            NotificationId = note.Id,
            UserId = user,
            Channel = DeliveryChannel.Email,
            Status = DeliveryStatus.Dead,
            Attempts = 12,
            DueAt = DateTime.UtcNow,
            NextAttemptAt = DateTime.UtcNow,
            CreatedAt = DateTime.UtcNow,
            LastError = "The mail server smtp.example:587 could not be reached: Connection refused",
        };
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync();
        return (delivery.Id, title);
    }

    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        for (var i = 0; i < 150 && !await done(); i++)
        {
            await Task.Delay(200);
        }

        Assert.True(await done());
    }
}
