using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.IntegrationTests.Modules.Attendance;
using Lyceum.Modules.Messaging;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Lyceum.IntegrationTests.Modules.Messaging;

/// <summary>
/// The outbox delivered: e-mail over a real SMTP server, texts through a local HTTP gateway, preferences, retries while
/// a channel is down, and the dead-letter list.
/// </summary>
[Collection("app")]
public sealed class DeliveryTests(MessagingApps apps) : IClassFixture<MessagingApps>
{
    [Theory, AllProviders]
    public async Task An_unexplained_absence_reaches_the_guardian_by_email_once(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        var address = await EmailOfAsync(app, s.GuardianUser);

        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), s.Marks((s.Students[0], "N")))).JsonAsync();
        var mails = await apps.Smtp.WaitAsync(m => m.Any(x => To(x, address)));
        var mail = Assert.Single(mails, m => To(m, address));

        Assert.Equal("Ann Abbot was marked absent", mail.Subject);
        Assert.Equal("Register school", mail.From.Mailboxes.Single().Name);
        Assert.Contains($"/students/{s.Students[0]}?tab=attendance", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("was marked absent without an explanation", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("auto-generated", mail.Headers["Auto-Submitted"]);

        // The afternoon's register raises no second event, so no second mail.
        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today, s.P2), s.Marks((s.Students[0], "N")))).JsonAsync();
        await Task.Delay(1500);
        Assert.Single(apps.Smtp.Received, m => To(m, address));
        var delivery = await app.QueryAsync(db => db.Deliveries.SingleAsync(d => d.UserId == s.GuardianUser));
        Assert.Equal(DeliveryStatus.Sent, delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal(address, delivery.Address);
    }

    [Theory, AllProviders]
    public async Task Preferences_choose_the_channels_and_a_text_goes_through_the_gateway(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        var (user, address, client) = await GuardianAsync(app, phone: "+30 694 000 0001");

        var defaults = await (await client.GetAsync("/api/v1/notifications/preferences")).JsonAsync();
        var absence = defaults["types"]!.AsArray().Single(t => t!["type"]!.GetValue<string>() == "absence")!;
        Assert.True(absence["email"]!.GetValue<bool>());
        Assert.False(absence["sms"]!.GetValue<bool>());

        var changed = await (await client.PutAsJsonAsync("/api/v1/notifications/preferences", new { types = new { absence = new { email = false, sms = true } } })).JsonAsync();
        absence = changed["types"]!.AsArray().Single(t => t!["type"]!.GetValue<string>() == "absence")!;
        Assert.False(absence["email"]!.GetValue<bool>());
        Assert.True(absence["sms"]!.GetValue<bool>());
        Assert.True(absence["inApp"]!.GetValue<bool>());

        var before = apps.Sms.Received.Count;
        await MessagingApps.NotifyAsync(app, EventTypes.UnexplainedAbsence, "Tom was marked absent", "Tom & \"Jerry\" missed Period 1.", "/students/1?tab=attendance", null, user);
        var texts = await apps.Sms.WaitAsync(r => r.Skip(before).Any(x => x.Body.Contains("+30 694 000 0001", StringComparison.Ordinal)));
        var text = texts.Skip(before).Single(x => x.Body.Contains("+30 694 000 0001", StringComparison.Ordinal));
        Assert.Equal("Bearer sms-test-key", text.Headers["Authorization"]);
        Assert.StartsWith("application/json", text.ContentType, StringComparison.Ordinal);
        var body = JsonNode.Parse(text.Body)!;
        Assert.Equal("LyceumTest", body["from"]!.GetValue<string>());
        Assert.Contains("Tom was marked absent", body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(body["reference"]!.GetValue<string>(), text.Headers["Idempotency-Key"]);

        // E-mail was turned off for absences: none came, while the bell has it.
        await Task.Delay(1000);
        Assert.Empty(apps.Smtp.To(address));
        var inbox = await (await client.GetAsync("/api/v1/notifications")).JsonAsync();
        Assert.Equal("absence", inbox["items"]![0]!["kind"]!.GetValue<string>());

        // Turning the in-app channel off hides the type from the bell and its count.
        await (await client.PutAsJsonAsync("/api/v1/notifications/preferences", new { types = new { absence = new { inApp = false } } })).JsonAsync();
        inbox = await (await client.GetAsync("/api/v1/notifications")).JsonAsync();
        Assert.Empty(inbox["items"]!.AsArray());
        Assert.Equal(0, inbox["unread"]!.GetValue<int>());
    }

    [Theory, AllProviders]
    public async Task Bad_preference_payloads_are_refused_and_change_nothing(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        var (_, _, client) = await GuardianAsync(app);
        var before = (await (await client.GetAsync("/api/v1/notifications/preferences")).JsonAsync()).ToJsonString();

        await (await client.PutAsJsonAsync("/api/v1/notifications/preferences", new { types = new { fax = new { email = true } } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "types.fax");
        await (await client.PutAsync("/api/v1/notifications/preferences", Http.Json("""{"types":{"absence":{"pigeon":true}}}""")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        await (await client.PutAsJsonAsync("/api/v1/notifications/preferences", new { dailyDigest = true, digestHour = 25 }))
            .ProblemAsync(HttpStatusCode.BadRequest, "digestHour");
        await (await client.PutAsync("/api/v1/notifications/preferences", Http.Json("""{"types":{"absence":{"email":"yes"}}}""")))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(before, (await (await client.GetAsync("/api/v1/notifications/preferences")).JsonAsync()).ToJsonString());
    }

    [Theory, AllProviders]
    public async Task Markup_in_a_notification_is_text_in_the_email(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        var (user, address, _) = await GuardianAsync(app);

        await MessagingApps.NotifyAsync(app, EventTypes.Incident, "<script>alert('x')</script> in class", "<b>bold</b> & <img src=x onerror=alert(1)>", null, null, user);
        var mail = (await apps.Smtp.WaitAsync(m => m.Any(x => To(x, address)))).Single(x => To(x, address));

        Assert.Equal("<script>alert('x')</script> in class", mail.Subject);
        Assert.DoesNotContain("<script>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<b>bold</b> & <img src=x onerror=alert(1)>", mail.TextBody, StringComparison.Ordinal);
    }

    [Theory, AllProviders]
    public async Task Mail_server_down_during_a_burst_of_500_then_back_delivers_each_exactly_once(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        var (user, address, _) = await GuardianAsync(app);

        await apps.Smtp.StopAsync();
        try
        {
            await using (var db = await app.Services.GetRequiredService<IDbContextFactory<LyceumDbContext>>().CreateDbContextAsync())
            {
                for (var i = 1; i <= 500; i++)
                {
                    Outbox.Add(db, DateTime.UtcNow, EventTypes.Incident, new { i }, null, [new NotificationDraft(user, $"Incident {i}", null, null)]);
                }

                await db.SaveChangesAsync();
            }

            // While the server is down every delivery is tried, fails, and waits; nothing is lost or given up.
            await WaitUntilAsync(app, db => db.Deliveries.CountAsync(d => d.UserId == user && d.Attempts >= 2), n => n == 500);
            var waiting = await app.QueryAsync(db => db.Deliveries.Where(d => d.UserId == user).ToListAsync());
            Assert.All(waiting, d => Assert.Equal(DeliveryStatus.Pending, d.Status));
            Assert.All(waiting, d => Assert.Contains("could not be reached", d.LastError, StringComparison.Ordinal));
            Assert.True(await app.QueryAsync(db => db.DeliveryAttempts.CountAsync(a => !a.Succeeded && db.Deliveries.Any(d => d.Id == a.DeliveryId && d.UserId == user))) >= 1000);
        }
        finally
        {
            await apps.Smtp.ResumeAsync();
        }

        await apps.Smtp.WaitAsync(m => m.Count(x => To(x, address)) >= 500, seconds: 90);
        await WaitUntilAsync(app, db => db.Deliveries.CountAsync(d => d.UserId == user && d.Status == DeliveryStatus.Sent), n => n == 500);
        await Task.Delay(1000);

        var received = apps.Smtp.To(address);
        Assert.Equal(500, received.Count);
        Assert.Equal(500, received.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 500).Select(i => $"Incident {i}").Order(), received.Select(m => m.Subject).Order());
    }

    [Theory, AllProviders]
    public async Task A_text_refused_for_good_is_dead_lettered_and_an_administrator_sends_it_again(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        var (user, _, client) = await GuardianAsync(app, phone: "+30 694 000 0002");
        await (await client.PutAsJsonAsync("/api/v1/notifications/preferences", new { types = new { detention = new { sms = true, email = false } } })).JsonAsync();

        apps.Sms.Status = 400;
        try
        {
            await MessagingApps.NotifyAsync(app, EventTypes.DetentionScheduled, "Detention on Friday", null, null, null, user);
            await WaitUntilAsync(app, db => db.Deliveries.CountAsync(d => d.UserId == user && d.Status == DeliveryStatus.Dead), n => n == 1);
        }
        finally
        {
            apps.Sms.Status = 200;
        }

        using var admin = await app.AdminClientAsync();
        var dead = await (await admin.GetAsync("/api/v1/messaging/deliveries?status=dead&q=Detention on Friday")).JsonAsync();
        var item = dead["items"]!.AsArray().Single()!;
        Assert.Equal("sms", item["channel"]!.GetValue<string>());
        Assert.Equal(1, item["attempts"]!.GetValue<int>());
        Assert.Contains("answered 400", item["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(dead["counts"]!["dead"]!.GetValue<int>() >= 1);
        var id = item["id"]!.GetValue<long>();

        using var moderator = await app.DemoClientAsync(RoleNames.Moderator);
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.PostAsJsonAsync($"/api/v1/messaging/deliveries/{id}/retry", new { })).StatusCode);

        var before = apps.Sms.Received.Count;
        await (await admin.PostAsJsonAsync($"/api/v1/messaging/deliveries/{id}/retry", new { })).JsonAsync();
        await WaitUntilAsync(app, db => db.Deliveries.CountAsync(d => d.Id == id && d.Status == DeliveryStatus.Sent), n => n == 1);
        Assert.Single(apps.Sms.Received.Skip(before), r => r.Body.Contains("+30 694 000 0002", StringComparison.Ordinal));

        var log = await (await admin.GetAsync($"/api/v1/messaging/deliveries/{id}")).JsonAsync();
        Assert.Equal([false, true], log["attemptLog"]!.AsArray().Select(a => a!["succeeded"]!.GetValue<bool>()));
        await (await admin.PostAsJsonAsync($"/api/v1/messaging/deliveries/{id}/retry", new { })).ProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync("/api/v1/messaging/deliveries/999999999/retry", new { })).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/messaging/deliveries?status=lost")).ProblemAsync(HttpStatusCode.BadRequest, "status");
    }

    [Theory, AllProviders]
    public async Task A_daily_digest_gathers_the_days_mail_into_one(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        var (user, address, client) = await GuardianAsync(app);
        await (await client.PutAsJsonAsync("/api/v1/notifications/preferences", new { dailyDigest = true, digestHour = 17 })).JsonAsync();

        await MessagingApps.NotifyAsync(app, EventTypes.Incident, "First incident", null, null, null, user);
        await MessagingApps.NotifyAsync(app, EventTypes.DetentionScheduled, "A detention", null, null, null, user);
        await WaitUntilAsync(app, db => db.Deliveries.CountAsync(d => d.UserId == user && d.Digest), n => n == 2);
        await Task.Delay(1000);
        Assert.Empty(apps.Smtp.To(address));

        // The digest's hour comes (moved to now for the test): one mail with both.
        await app.QueryAsync(db => db.Deliveries.Where(d => d.UserId == user).ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, DateTime.UtcNow.AddSeconds(-1))));
        var digest = (await apps.Smtp.WaitAsync(m => m.Any(x => To(x, address)))).Single(x => To(x, address));
        Assert.Contains("2 notifications", digest.Subject, StringComparison.Ordinal);
        Assert.Contains("First incident", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("A detention", digest.HtmlBody, StringComparison.Ordinal);
        await Task.Delay(1000);
        Assert.Single(apps.Smtp.To(address));
    }

    [Theory, AllProviders]
    public async Task A_refused_recipient_is_final_while_a_refused_message_waits_for_the_server_to_be_set_right(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        var (refusedUser, refusedAddress, _) = await GuardianAsync(app);
        var (user, address, _) = await GuardianAsync(app);
        apps.Smtp.RefusedRecipients.TryAdd(refusedAddress, 0);
        apps.Smtp.RefuseMessages = new SmtpServer.Protocol.SmtpResponse(SmtpServer.Protocol.SmtpReplyCode.TransactionFailed, "5.7.1 Relaying denied");
        try
        {
            await MessagingApps.NotifyAsync(app, EventTypes.Incident, "No such mailbox", null, null, null, refusedUser);
            await MessagingApps.NotifyAsync(app, EventTypes.Incident, "Relay denied for now", null, null, null, user);

            // 550 at RCPT TO: dead after its first try. 554 at DATA (the server's set-up): tried again and again.
            await WaitUntilAsync(app, db => db.Deliveries.CountAsync(d => d.UserId == refusedUser && d.Status == DeliveryStatus.Dead), n => n == 1);
            await WaitUntilAsync(app, db => db.Deliveries.Where(d => d.UserId == user).SumAsync(d => d.Attempts), n => n >= 3);
            Assert.Equal(DeliveryStatus.Pending, await app.QueryAsync(db => db.Deliveries.Where(d => d.UserId == user).Select(d => d.Status).SingleAsync()));
        }
        finally
        {
            apps.Smtp.RefuseMessages = null;
            apps.Smtp.RefusedRecipients.Clear();
        }

        await apps.Smtp.WaitAsync(m => m.Any(x => To(x, address)));
        var dead = await app.QueryAsync(db => db.Deliveries.SingleAsync(d => d.UserId == refusedUser));
        Assert.Equal(1, dead.Attempts);
        Assert.Contains("550", dead.LastError, StringComparison.Ordinal);
        Assert.Empty(apps.Smtp.To(refusedAddress));
    }

    private static bool To(MimeMessage message, string address) =>
        message.To.Mailboxes.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase));

    private static Task<string> EmailOfAsync(LyceumApp app, Guid user) =>
        app.QueryAsync(db => db.Users.Where(u => u.Id == user).Select(u => u.Email!).SingleAsync());

    /// <summary>A new guardian account (optionally with a phone number) and a client signed in as it.</summary>
    private static async Task<(Guid User, string Email, HttpClient Client)> GuardianAsync(LyceumApp app, string? phone = null)
    {
        var (email, password) = await app.CreateUserAsync(RoleNames.Guardian, "Gina Guardian");
        var user = await app.UserIdAsync(email);
        if (phone is not null)
        {
            await app.QueryAsync(db => db.Users.Where(u => u.Id == user).ExecuteUpdateAsync(s => s.SetProperty(u => u.PhoneNumber, phone)));
        }

        return (user, email, app.ClientWithToken(await app.TokenAsync(email, password)));
    }

    private static async Task WaitUntilAsync(LyceumApp app, Func<LyceumDbContext, Task<int>> count, Func<int, bool> done, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var last = -1;
        while (DateTime.UtcNow < deadline)
        {
            last = await app.QueryAsync(count);
            if (done(last))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Still {last} after {seconds} s.");
    }
}
