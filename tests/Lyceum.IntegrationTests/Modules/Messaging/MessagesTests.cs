using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.IntegrationTests.Modules.Attendance;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Modules.Tutoring;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Messaging;

/// <summary>
/// Direct messages: who may write to whom (one policy, both directions), read receipts, the notification each message
/// raises (bell and e-mail), bad input refused with nothing stored, and the per-sender rate limit.
/// </summary>
[Collection("app")]
public sealed class MessagesTests(MessagingApps apps) : IClassFixture<MessagingApps>
{
    private const string Threads = "/api/v1/messages/threads";

    [Theory, AllProviders]
    public async Task A_teacher_and_a_guardian_talk_and_each_sees_when_the_other_has_read(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        var teacher = await TeacherOfAsync(app, s);
        var guardianEmail = await app.QueryAsync(db => db.Users.Where(u => u.Id == s.GuardianUser).Select(u => u.Email!).SingleAsync());

        var contacts = await (await s.Teacher.GetAsync("/api/v1/messages/contacts")).JsonAsync();
        Assert.Contains(contacts.AsArray(), c => c!["userId"]!.GetValue<Guid>() == s.GuardianUser);

        var thread = await (await s.Teacher.PostAsJsonAsync(Threads, new { to = new[] { s.GuardianUser }, subject = "Ann's homework", body = "Ann did very well <b>today</b> & on Monday." }))
            .JsonAsync(HttpStatusCode.Created);
        var id = thread["id"]!.GetValue<long>();
        Assert.Empty(thread["messages"]![0]!["readBy"]!.AsArray());

        // The guardian hears of it: the bell counts it, and an e-mail (the type's default) carries the text as typed.
        var inbox = await (await s.Guardian.GetAsync("/api/v1/notifications?unread=true")).JsonAsync();
        var note = inbox["items"]!.AsArray().Single(n => n!["kind"]!.GetValue<string>() == "message-received")!;
        Assert.Equal("Ada Byron: Ann's homework", note["title"]!.GetValue<string>());
        Assert.Equal($"/messages/{id}", note["link"]!.GetValue<string>());
        var mail = (await apps.Smtp.WaitAsync(m => m.Any(x => x.To.Mailboxes.Any(a => a.Address == guardianEmail)))).Single(x => x.To.Mailboxes.Any(a => a.Address == guardianEmail));
        Assert.Contains("Ann did very well <b>today</b> & on Monday.", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;today&lt;/b&gt; &amp;", mail.HtmlBody, StringComparison.Ordinal);

        var list = await (await s.Guardian.GetAsync(Threads)).JsonAsync();
        Assert.Equal(1, list["unread"]!.GetValue<int>());
        Assert.True(list["items"]![0]!["unread"]!.GetValue<bool>());
        Assert.Equal(["Ada Byron"], list["items"]![0]!["with"]!.AsArray().Select(n => n!.GetValue<string>()));

        // Reading it: the teacher's receipt names the guardian, and the notification is read with it.
        var read = await (await s.Guardian.PostAsync($"{Threads}/{id}/read", null)).JsonAsync();
        Assert.Equal("Ann did very well <b>today</b> & on Monday.", read["messages"]![0]!["body"]!.GetValue<string>());
        var seen = await (await s.Teacher.GetAsync($"{Threads}/{id}")).JsonAsync();
        Assert.Equal(["Guardian"], seen["messages"]![0]!["readBy"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(0, (await (await s.Guardian.GetAsync("/api/v1/notifications")).JsonAsync())["unread"]!.GetValue<int>());
        Assert.Equal(0, (await (await s.Guardian.GetAsync(Threads)).JsonAsync())["unread"]!.GetValue<int>());

        // The guardian answers; the teacher sees it unread until opening the thread.
        var reply = await (await s.Guardian.PostAsJsonAsync($"{Threads}/{id}/messages", new { body = "Thank you!" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(s.GuardianUser, reply["senderId"]!.GetValue<Guid>());
        Assert.True((await (await s.Teacher.GetAsync(Threads)).JsonAsync())["items"]![0]!["unread"]!.GetValue<bool>());
        var both = await (await s.Teacher.PostAsync($"{Threads}/{id}/read", null)).JsonAsync();
        Assert.Equal(["Ann did very well <b>today</b> & on Monday.", "Thank you!"], both["messages"]!.AsArray().Select(m => m!["body"]!.GetValue<string>()));
        Assert.Equal(["Ada Byron"], both["messages"]![1]!["readBy"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(teacher, both["participants"]![0]!["userId"]!.GetValue<Guid>());

        // Someone outside the thread cannot see it or write in it.
        using var stranger = await app.ClientAsAsync(RoleNames.Moderator);
        await (await stranger.GetAsync($"{Threads}/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.PostAsJsonAsync($"{Threads}/{id}/messages", new { body = "Hello" })).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task Nobody_may_write_outside_their_audience_and_a_refusal_stores_nothing(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        var teacher = await TeacherOfAsync(app, s);
        var (other, otherClient) = await GuardianOfAsync(app, s.School, s.Students[1], "Olga", "Other");
        var (stranger, _) = await GuardianOfAsync(app, s.School, null, "Sam", "Stranger");
        var (moderatorEmail, moderatorPassword) = await app.CreateUserAsync(RoleNames.Moderator, "Mona Office");
        var moderator = await app.UserIdAsync(moderatorEmail);
        using var office = app.ClientWithToken(await app.TokenAsync(moderatorEmail, moderatorPassword));
        var before = await CountsAsync(app);

        // A teacher reaches the guardians of their students, not a guardian whose children they do not teach.
        var contacts = (await (await s.Teacher.GetAsync("/api/v1/messages/contacts")).JsonAsync()).AsArray().Select(c => c!["userId"]!.GetValue<Guid>()).ToList();
        Assert.Contains(s.GuardianUser, contacts);
        Assert.Contains(other, contacts);
        Assert.DoesNotContain(stranger, contacts);
        await (await s.Teacher.PostAsJsonAsync(Threads, new { to = new[] { stranger }, subject = "Trip", body = "Hello" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "to[0]");

        // Nor one thread with two families: each could then write to the other, whom neither may reach.
        await (await s.Teacher.PostAsJsonAsync(Threads, new { to = new[] { s.GuardianUser, other }, subject = "Trip", body = "Hello" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "to");

        // A guardian reaches their child's teacher and the office, not another family.
        await (await otherClient.PostAsJsonAsync(Threads, new { to = new[] { s.GuardianUser }, subject = "Hi", body = "Hello" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "to[0]");
        await (await otherClient.PostAsJsonAsync(Threads, new { to = new[] { Guid.NewGuid() }, subject = "Hi", body = "Hello" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "to[0]");

        // A student may not send at all (no messages.send).
        using var student = await app.ClientAsAsync(RoleNames.Student);
        await (await student.PostAsJsonAsync(Threads, new { to = new[] { teacher }, subject = "Hi", body = "Hello" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await CountsAsync(app));

        await (await otherClient.PostAsJsonAsync(Threads, new { to = new[] { teacher }, subject = "Olga's son", body = "Question" })).JsonAsync(HttpStatusCode.Created);
        await (await otherClient.PostAsJsonAsync(Threads, new { to = new[] { moderator }, subject = "Bus", body = "Question" })).JsonAsync(HttpStatusCode.Created);

        // The office writes to anyone, the stranger included.
        await (await office.PostAsJsonAsync(Threads, new { to = new[] { stranger, teacher }, subject = "Meeting", body = "Tuesday" })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal((before.Threads + 3, before.Messages + 3), await CountsAsync(app));
    }

    [Theory, AllProviders]
    public async Task A_tutor_writes_to_the_guardians_of_their_tutees_only(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        var (tutorEmail, tutorPassword) = await app.CreateUserAsync(RoleNames.Tutor, "Tim Tutor");
        var tutorStaff = new StaffMember
        {
            SchoolId = s.School,
            StaffNumber = $"T{Guid.NewGuid():N}"[..10],
            FirstName = "Tim",
            LastName = "Tutor",
            Email = $"tim.{Guid.NewGuid():N}@lyceum.test",
            UserId = await app.UserIdAsync(tutorEmail),
        };
        await app.InsertAsync(tutorStaff);
        var session = new TutoringSession
        {
            SchoolId = s.School,
            TutorId = tutorStaff.Id,
            Subject = "Physics",
            StartUtc = DateTime.UtcNow.AddDays(1),
            EndUtc = DateTime.UtcNow.AddDays(1).AddHours(1),
            TimeZone = AttendanceSchool.Zone,
        };
        await app.InsertAsync(session);
        var (tutee, _) = await GuardianOfAsync(app, s.School, s.Students[2], "Tina", "Cooper");
        await app.InsertAsync(new TutoringSessionStudent { SessionId = session.Id, StudentId = s.Students[2] });
        using var tutor = app.ClientWithToken(await app.TokenAsync(tutorEmail, tutorPassword));

        await (await tutor.PostAsJsonAsync(Threads, new { to = new[] { s.GuardianUser }, subject = "Hi", body = "Hello" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "to[0]");
        var thread = await (await tutor.PostAsJsonAsync(Threads, new { to = new[] { tutee }, subject = "Physics on Friday", body = "Bring the workbook." }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Tim Tutor", thread["messages"]![0]!["senderName"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task Empty_oversized_and_badly_addressed_messages_are_refused(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var office = await app.ClientAsAsync(RoleNames.Moderator);
        var (to, _) = await GuardianOfAsync(app, null, null, "Gus", "Good");
        var before = await CountsAsync(app);

        await (await office.PostAsJsonAsync(Threads, new { to = new[] { to }, subject = "Hi", body = "   " })).ProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await office.PostAsJsonAsync(Threads, new { to = new[] { to }, subject = "Hi", body = new string('x', 5001) })).ProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await office.PostAsJsonAsync(Threads, new { to = new[] { to }, subject = "", body = "Hello" })).ProblemAsync(HttpStatusCode.BadRequest, "subject");
        await (await office.PostAsJsonAsync(Threads, new { to = new[] { to }, subject = "Two\nlines", body = "Hello" })).ProblemAsync(HttpStatusCode.BadRequest, "subject");
        await (await office.PostAsJsonAsync(Threads, new { to = Array.Empty<Guid>(), subject = "Hi", body = "Hello" })).ProblemAsync(HttpStatusCode.BadRequest, "to");
        await (await office.PostAsync(Threads, Http.Json("""{"to":["x"],"subject":"Hi","body":"Hello"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await office.PostAsJsonAsync(Threads, new { to = new[] { to }, subject = "Hi", body = "A\u0000B" })).ProblemAsync(HttpStatusCode.BadRequest, "body");
        Assert.Equal(before, await CountsAsync(app));

        var thread = await (await office.PostAsJsonAsync(Threads, new { to = new[] { to }, subject = "Hi", body = new string('x', 5000) })).JsonAsync(HttpStatusCode.Created);
        var id = thread["id"]!.GetValue<long>();
        await (await office.PostAsJsonAsync($"{Threads}/{id}/messages", new { body = "" })).ProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await office.PostAsJsonAsync($"{Threads}/{id + 100000}/messages", new { body = "Hello" })).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal((before.Threads + 1, before.Messages + 1), await CountsAsync(app));
    }

    [Theory, AllProviders]
    public async Task A_sender_gets_429_after_the_per_minute_limit_and_the_extra_message_is_not_stored(DatabaseProvider provider)
    {
        var app = await apps.App(provider);
        using var office = await app.ClientAsAsync(RoleNames.Moderator);
        var (to, _) = await GuardianOfAsync(app, null, null, "Rita", "Rate");
        var thread = await (await office.PostAsJsonAsync(Threads, new { to = new[] { to }, subject = "Many", body = "1" })).JsonAsync(HttpStatusCode.Created);
        var id = thread["id"]!.GetValue<long>();
        for (var i = 2; i <= MessagingApps.MessagesPerMinute; i++)
        {
            await (await office.PostAsJsonAsync($"{Threads}/{id}/messages", new { body = $"{i}" })).JsonAsync(HttpStatusCode.Created);
        }

        using var refused = await office.PostAsJsonAsync($"{Threads}/{id}/messages", new { body = "one too many" });
        await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        await (await office.PostAsJsonAsync(Threads, new { to = new[] { to }, subject = "Another", body = "x" })).ProblemAsync(HttpStatusCode.TooManyRequests);

        var stored = await (await office.GetAsync($"{Threads}/{id}")).JsonAsync();
        Assert.Equal(MessagingApps.MessagesPerMinute, stored["messages"]!.AsArray().Count);
        Assert.Single((await (await office.GetAsync(Threads)).JsonAsync())["items"]!.AsArray());
    }

    private static Task<Guid> TeacherOfAsync(LyceumApp app, AttendanceSchool s) =>
        app.QueryAsync(db => db.Staff.Where(x => x.Id == s.TeacherStaff).Select(x => x.UserId!.Value).SingleAsync());

    /// <summary>A guardian with an account, of a new school or the given one, linked (with responsibility) to a student when given.</summary>
    private static async Task<(Guid User, HttpClient Client)> GuardianOfAsync(LyceumApp app, int? school, int? student, string first, string last)
    {
        var (email, password) = await app.CreateUserAsync(RoleNames.Guardian, $"{first} {last}");
        var user = await app.UserIdAsync(email);
        var schoolId = school ?? await app.QueryAsync(db => db.Schools.Select(x => x.Id).FirstAsync());
        var guardian = new Guardian { SchoolId = schoolId, FirstName = first, LastName = last, UserId = user };
        await app.InsertAsync(guardian);
        if (student is { } child)
        {
            await app.InsertAsync(new StudentGuardian { StudentId = child, GuardianId = guardian.Id, Relationship = Relationship.Mother, HasParentalResponsibility = true, ReceivesMail = true });
        }

        return (user, app.ClientWithToken(await app.TokenAsync(email, password)));
    }

    private static Task<(int Threads, int Messages)> CountsAsync(LyceumApp app) =>
        app.QueryAsync(async db => (await db.MessageThreads.CountAsync(), await db.Messages.CountAsync()));
}
