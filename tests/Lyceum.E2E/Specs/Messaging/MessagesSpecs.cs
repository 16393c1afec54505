using System.Globalization;
using System.Text.RegularExpressions;
using Lyceum.E2E.Infrastructure;
using Lyceum.Platform.Identity;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Messaging;

[Collection("browser")]
public sealed partial class MessagesSpecs(BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_office_writes_to_a_teacher_who_reads_and_replies_and_the_office_sees_it_read(int width)
    {
        var subject = $"Parents' evening rota ({width})";
        var office = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(office, RoleNames.Moderator);
        await office.GotoAsync("/messages");
        await office.GetByRole(AriaRole.Button, new() { Name = "New message", Exact = true }).ClickAsync();
        // Sent empty: each field says what it needs, beside it.
        await office.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Assertions.Expect(office.Locator("#compose-to-error")).ToHaveTextAsync("Choose at least one person to write to.");
        await Assertions.Expect(office.Locator("#compose-body-error")).ToHaveTextAsync("Write a message: it is empty.");
        await office.GetByLabel("To", new() { Exact = true }).FillAsync("Demo Teacher");
        await office.GetByRole(AriaRole.Button, new() { Name = "Add Demo Teacher", Exact = true }).ClickAsync();
        await Assertions.Expect(office.Locator(".ly-chips")).ToContainTextAsync("Demo Teacher");
        await office.GetByLabel("Subject", new() { Exact = true }).FillAsync(subject);
        await office.GetByLabel("Message", new() { Exact = true }).FillAsync("Could you take the 18:00 slot?\nThe <b>hall</b> is booked.");
        await Assertions.Expect(office.GetByText("57 of 5000 characters")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(office, "messages-compose");
        await BrowserFixture.AssertNoHorizontalScrollAsync(office);
        await BrowserFixture.AssertAccessibleAsync(office);
        await office.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        await office.WaitForURLAsync(ThreadAddress());
        await Assertions.Expect(office.GetByRole(AriaRole.Heading, new() { Name = subject })).ToBeVisibleAsync();
        await Assertions.Expect(office.Locator(".ly-msg-receipt")).ToContainTextAsync("Not read yet");

        var teacher = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(teacher, RoleNames.Teacher);
        await teacher.GotoAsync("/messages");
        var thread = teacher.Locator(".ly-thread").Filter(new() { HasText = subject });
        await Assertions.Expect(thread).ToHaveClassAsync(UnreadClass());
        await Assertions.Expect(thread).ToContainTextAsync("Demo Moderator: Could you take the 18:00 slot? The <b>hall</b> is booked.");
        await BrowserFixture.ScreenshotAsync(teacher, "messages-list");
        await BrowserFixture.AssertNoHorizontalScrollAsync(teacher);
        await BrowserFixture.AssertAccessibleAsync(teacher);

        await BrowserFixture.ClickUntilShownAsync(thread.GetByRole(AriaRole.Link), teacher.GetByRole(AriaRole.Heading, new() { Name = subject }));
        // The body is text, line break kept: the markup shows as typed.
        await Assertions.Expect(teacher.Locator(".ly-msg-body").First).ToHaveTextAsync("Could you take the 18:00 slot?\nThe <b>hall</b> is booked.");
        await teacher.GetByLabel("Reply", new() { Exact = true }).FillAsync("Yes, happy to.");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Send reply", Exact = true }).ClickAsync();
        await Assertions.Expect(teacher.Locator(".ly-msg")).ToHaveCountAsync(2);
        await Assertions.Expect(teacher.Locator(".ly-msg-mine .ly-msg-receipt")).ToContainTextAsync("Not read yet");
        await BrowserFixture.ScreenshotAsync(teacher, "messages-thread");
        await BrowserFixture.AssertNoHorizontalScrollAsync(teacher);
        await BrowserFixture.AssertAccessibleAsync(teacher);

        await office.ReloadAsync();
        await Assertions.Expect(office.Locator(".ly-msg")).ToHaveCountAsync(2);
        await Assertions.Expect(office.Locator(".ly-msg-mine .ly-msg-receipt")).ToContainTextAsync("Read by Demo Teacher");
        await Assertions.Expect(office.Locator(".ly-msg").Nth(1)).ToContainTextAsync("Yes, happy to.");

        // A teacher may not broadcast, and a conversation one is not in does not exist for them.
        await teacher.GotoAsync("/messages/broadcasts");
        await Assertions.Expect(teacher.GetByRole(AriaRole.Alert)).ToContainTextAsync("You may not send broadcasts.");
        await teacher.GotoAsync("/messages/987654321");
        await Assertions.Expect(teacher.GetByRole(AriaRole.Heading, new() { Name = "No such conversation" })).ToBeVisibleAsync();
        Assert.Empty(BrowserFixture.ErrorsOf(office));
        Assert.Empty(BrowserFixture.ErrorsOf(teacher));
        await office.Context.CloseAsync();
        await teacher.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task An_administrator_checks_a_broadcasts_audience_sends_it_in_app_and_sees_it_listed(int width)
    {
        var subject = $"Snow day tomorrow ({width})";
        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);
        await page.GotoAsync("/messages/broadcasts");
        await page.Locator("#b-school").SelectOptionAsync((await browser.DemoSchoolIdAsync()).ToString(CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check audience", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "This reaches" })).ToHaveTextAsync(ReachesGuardians());

        await page.GetByLabel("Subject", new() { Exact = true }).FillAsync(subject);
        await page.GetByLabel("Message", new() { Exact = true }).FillAsync("The school is closed tomorrow.");
        await BrowserFixture.ScreenshotAsync(page, "broadcasts-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send broadcast", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText(SentToGuardians())).ToBeVisibleAsync();
        var row = page.Locator(".ly-broadcasts tbody tr").Filter(new() { HasText = subject });
        await Assertions.Expect(row).ToContainTextAsync("In the app");
        await Assertions.Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("—");
        await BrowserFixture.ScreenshotAsync(page, "broadcasts");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    private static Func<string, bool> ThreadAddress() => url => ThreadPath().IsMatch(new Uri(url).AbsolutePath);

    [GeneratedRegex(@"^/messages/\d+$")]
    private static partial Regex ThreadPath();

    [GeneratedRegex(@"\bly-thread-unread\b")]
    private static partial Regex UnreadClass();

    [GeneratedRegex(@"This reaches \d+ (person|people): Guardians of \S")]
    private static partial Regex ReachesGuardians();

    [GeneratedRegex(@"Sent to \d+ (person|people): Guardians of \S")]
    private static partial Regex SentToGuardians();
}
