using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.IntegrationTests.Modules.Attendance;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Modules.Messaging;

/// <summary>
/// Broadcasts: an announcement to a year group's guardians by the channels the sender chose (over the recipients'
/// preferences), its delivered and read counts, who may send where, and bad input refused with nothing stored.
/// </summary>
[Collection("app")]
public sealed class BroadcastsTests(MessagingApps apps) : IClassFixture<MessagingApps>
{
    private const string Broadcasts = "/api/v1/messaging/broadcasts";

    [Theory, AllProviders]
    public async Task An_administrator_tells_the_guardians_of_year_9_by_email_and_sms_and_sees_what_reached_them(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        const string phone = "+30 694 000 0099";
        await app.QueryAsync(db => db.Users.Where(u => u.Id == s.GuardianUser).ExecuteUpdateAsync(x => x.SetProperty(u => u.PhoneNumber, phone)));
        var address = await app.QueryAsync(db => db.Users.Where(u => u.Id == s.GuardianUser).Select(u => u.Email!).SingleAsync());
        // A Year 10 family of the same school must not hear of it.
        var older = await NewStudentAsync(app, "Yan", "Older", school: s.School);
        await app.QueryAsync(db => db.Students.Where(x => x.Id == older.Id).ExecuteUpdateAsync(x => x.SetProperty(t => t.YearGroup, 10)));
        var (olderEmail, _) = await app.CreateUserAsync(RoleNames.Guardian, "Oona Older");
        var olderGuardian = new Guardian { SchoolId = s.School, FirstName = "Oona", LastName = "Older", UserId = await app.UserIdAsync(olderEmail) };
        await app.InsertAsync(olderGuardian);
        await app.InsertAsync(new StudentGuardian { StudentId = older.Id, GuardianId = olderGuardian.Id, Relationship = Relationship.Mother, HasParentalResponsibility = true, ReceivesMail = true });

        var audience = new { kind = "year-group", schoolId = s.School, yearGroup = 9 };
        var preview = await (await admin.PostAsJsonAsync($"{Broadcasts}/preview", audience)).JsonAsync();
        Assert.Equal(1, preview["recipients"]!.GetValue<int>());
        Assert.Equal("Guardians of Year 9, Register school", preview["audience"]!.GetValue<string>());

        var sent = await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "School closed tomorrow", body = "Heating failure: the school is closed on Friday.", audience, channels = new[] { "email", "sms" } }))
            .JsonAsync(HttpStatusCode.Created);
        var id = sent["id"]!.GetValue<long>();
        Assert.Equal(1, sent["recipients"]!.GetValue<int>());

        // SMS is off by default for every type: the sender's choice stands over it.
        var texts = await apps.Sms.WaitAsync(r => r.Any(x => x.Body.Contains(phone, StringComparison.Ordinal)));
        Assert.Contains("School closed tomorrow", texts.Single(x => x.Body.Contains(phone, StringComparison.Ordinal)).Body, StringComparison.Ordinal);
        var mail = (await apps.Smtp.WaitAsync(m => m.Any(x => x.To.Mailboxes.Any(a => a.Address == address)))).Single(x => x.To.Mailboxes.Any(a => a.Address == address));
        Assert.Equal("School closed tomorrow", mail.Subject);
        Assert.Empty(apps.Smtp.To(olderEmail));
        var bell = await (await s.Guardian.GetAsync("/api/v1/notifications?unread=true")).JsonAsync();
        var note = bell["items"]!.AsArray().Single(n => n!["title"]!.GetValue<string>() == "School closed tomorrow")!;

        var counts = await WaitForAsync(admin, id, b => b["email"]!["sent"]!.GetValue<int>() == 1 && b["sms"]!["sent"]!.GetValue<int>() == 1);
        Assert.Equal(0, counts["read"]!.GetValue<int>());
        await (await s.Guardian.PostAsync($"/api/v1/notifications/{note["id"]!.GetValue<long>()}/read", null)).JsonAsync();
        var read = await (await admin.GetAsync($"{Broadcasts}/{id}")).JsonAsync();
        Assert.Equal(1, read["read"]!.GetValue<int>());
        Assert.Equal(["email", "sms"], read["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Contains((await (await admin.GetAsync(Broadcasts)).JsonAsync()).AsArray(), b => b!["id"]!.GetValue<long>() == id);
    }

    [Theory, AllProviders]
    public async Task Only_senders_with_the_permission_broadcast_and_a_moderator_only_to_the_tutors(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        using var moderator = await app.ClientAsAsync(RoleNames.Moderator);
        var (tutorEmail, _) = await app.CreateUserAsync(RoleNames.Tutor, "Tia Tutor");
        var tutor = await app.UserIdAsync(tutorEmail);
        var before = await app.QueryAsync(db => db.Broadcasts.CountAsync());
        var toSchool = new { subject = "Closed", body = "Closed tomorrow.", audience = new { kind = "school", schoolId = s.School } };

        await (await s.Teacher.PostAsJsonAsync(Broadcasts, toSchool)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await s.Guardian.PostAsJsonAsync(Broadcasts, toSchool)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await s.Guardian.GetAsync(Broadcasts)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await moderator.PostAsJsonAsync(Broadcasts, toSchool)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await app.QueryAsync(db => db.Broadcasts.CountAsync()));

        var toTutors = await (await moderator.PostAsJsonAsync(Broadcasts, new { subject = "Rota", body = "New rota from Monday.", audience = new { kind = "role", role = "Tutor" } }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Everyone with the role Tutor", toTutors["audience"]!.GetValue<string>());
        var tutorNotes = await app.QueryAsync(db => db.Notifications.Where(n => n.UserId == tutor && n.Title == "Rota").CountAsync());
        Assert.Equal(1, tutorNotes);
        // A moderator lists only their own broadcasts; an administrator's list holds every one.
        Assert.All((await (await moderator.GetAsync(Broadcasts)).JsonAsync()).AsArray(), b => Assert.Equal("Rota", b!["subject"]!.GetValue<string>()));
    }

    [Theory, AllProviders]
    public async Task A_grant_limited_to_one_school_reaches_that_school_only_and_learns_nothing_of_others(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        var other = await app.QueryAsync(db => db.Schools.Where(x => x.Id != s.School).Select(x => x.Id).FirstAsync());
        var name = $"Head of {s.School} {Guid.NewGuid():N}";
        await app.InsertAsync(new LyceumRole(name)
        {
            NormalizedName = name.ToUpperInvariant(),
            Grants = [new RoleGrant { Permission = "broadcasts.send", Scope = AccessScope.School, SchoolId = s.School }],
        });
        var (email, password) = await app.CreateUserAsync(name, "Hana Head");
        using var head = app.ClientWithToken(await app.TokenAsync(email, password));

        var own = await (await head.PostAsJsonAsync($"{Broadcasts}/preview", new { kind = "year-group", schoolId = s.School, yearGroup = 9 })).JsonAsync();
        Assert.Equal(1, own["recipients"]!.GetValue<int>());
        await (await head.PostAsJsonAsync($"{Broadcasts}/preview", new { kind = "school", schoolId = other })).ProblemAsync(HttpStatusCode.Forbidden);
        // An id that does not exist is refused the same way as another school's: no probing.
        await (await head.PostAsJsonAsync($"{Broadcasts}/preview", new { kind = "school", schoolId = 999999 })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await head.PostAsJsonAsync($"{Broadcasts}/preview", new { kind = "section", sectionId = 999999 })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await head.PostAsJsonAsync($"{Broadcasts}/preview", new { kind = "role", role = "Tutor" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await head.PostAsJsonAsync($"{Broadcasts}/preview", new { kind = "role", role = "Guardian", schoolId = s.School })).JsonAsync();
        await (await head.PostAsJsonAsync($"{Broadcasts}/preview", new { kind = "section", sectionId = s.Section })).JsonAsync();
    }

    [Theory, AllProviders]
    public async Task Bad_broadcasts_are_refused_at_the_field_and_nothing_is_sent(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await app.QueryAsync(db => db.Schools.Select(x => x.Id).FirstAsync());
        var before = await app.QueryAsync(async db => (await db.Broadcasts.CountAsync(), await db.OutboxMessages.CountAsync()));
        var audience = new { kind = "school", schoolId = school };

        await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "Hi", body = "Hello", audience, channels = new[] { "pigeon" } })).ProblemAsync(HttpStatusCode.BadRequest, "channels[0]");
        await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "Hi", body = "", audience })).ProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "Hi", body = new string('x', 1001), audience })).ProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "", body = "Hello", audience })).ProblemAsync(HttpStatusCode.BadRequest, "subject");
        await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "Hi", body = "Hello" })).ProblemAsync(HttpStatusCode.BadRequest, "audience");
        await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "Hi", body = "Hello", audience = new { kind = "galaxy" } })).ProblemAsync(HttpStatusCode.BadRequest, "audience.kind");
        await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "Hi", body = "Hello", audience = new { kind = "school", schoolId = 999999 } })).ProblemAsync(HttpStatusCode.BadRequest, "audience.schoolId");
        await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "Hi", body = "Hello", audience = new { kind = "role", role = "Astronaut" } })).ProblemAsync(HttpStatusCode.BadRequest, "audience.role");
        await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "Hi", body = "Hello", audience = new { kind = "section", sectionId = 999999 } })).ProblemAsync(HttpStatusCode.BadRequest, "audience.sectionId");
        await (await admin.PostAsJsonAsync(Broadcasts, new { subject = "Hi", body = "Hello", audience = new { kind = "school", schoolId = school, include = new[] { "aliens" } } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "audience.include[0]");

        Assert.Equal(before, await app.QueryAsync(async db => (await db.Broadcasts.CountAsync(), await db.OutboxMessages.CountAsync())));
    }

    [Theory, AllProviders]
    public async Task A_sender_gets_429_after_ten_broadcasts_in_an_hour_and_the_eleventh_is_not_sent(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        using var office = await app.ClientAsAsync(RoleNames.Administrator);
        var audience = new { kind = "section", sectionId = s.Section };
        for (var i = 1; i <= 10; i++)
        {
            await (await office.PostAsJsonAsync(Broadcasts, new { subject = $"Notice {i}", body = "Read me.", audience })).JsonAsync(HttpStatusCode.Created);
        }

        var outbox = await app.QueryAsync(db => db.OutboxMessages.CountAsync());
        using var refused = await office.PostAsJsonAsync(Broadcasts, new { subject = "Notice 11", body = "Read me.", audience });
        await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 3600);

        Assert.Equal(outbox, await app.QueryAsync(db => db.OutboxMessages.CountAsync()));
        var mine = (await (await office.GetAsync(Broadcasts)).JsonAsync()).AsArray().Select(b => b!["subject"]!.GetValue<string>()).ToList();
        Assert.Equal(10, mine.Count(t => t.StartsWith("Notice ", StringComparison.Ordinal)));
        Assert.DoesNotContain("Notice 11", mine);
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> WaitForAsync(HttpClient client, long id, Func<System.Text.Json.Nodes.JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var view = await (await client.GetAsync($"{Broadcasts}/{id}")).JsonAsync();
            if (done(view))
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Not reached in 30 s: {view.ToJsonString()}");

            await Task.Delay(200);
        }
    }
}
