using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Tutoring;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Tutoring.TutoringWorld;

namespace Lyceum.IntegrationTests.Modules.Tutoring;

/// <summary>
/// The tutor's one-tap log (POST /tutoring/sessions/{id}/log): idempotent on the client's log id, so a retry or an
/// offline replay changes nothing; priced when completed; only the session's own tutor (or a coordinator) logs it.
/// </summary>
[Collection("app")]
public sealed class SessionLogTests(AppFixture fixture)
{
    /// <summary>A 90-minute lesson of Maria's with Ann and Bob, a few weeks ago, and a default rate of 30 an hour.</summary>
    private static async Task<(TutoringWorld World, int Session)> LessonAsync(LyceumApp app, HttpClient admin, string day = "2026-10-06")
    {
        var w = await CreateAsync(app, admin);
        await app.InsertAsync(new TutoringRate { SchoolId = w.School.School, HourlyRate = 30m });
        var booking = await BookedAsync(w.Coordinator, new
        {
            tutorId = w.Maria,
            studentIds = new[] { w.Ann, w.Bob },
            subject = "Algebra",
            start = $"{day}T16:00:00",
            end = $"{day}T17:30:00",
        });
        return (w, IdOf(booking["sessions"]![0]!));
    }

    private static Task<HttpResponseMessage> LogAsync(HttpClient client, int session, object body) =>
        client.PostAsJsonAsync($"/api/v1/tutoring/sessions/{session}/log", body);

    [Theory, AllProviders]
    public async Task A_tutor_logs_a_lesson_completed_and_a_replay_of_the_same_log_changes_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (w, session) = await LessonAsync(app, admin);
        var logId = Guid.NewGuid();
        var log = new { logId, status = "completed", note = "Factorising: done", attendance = new[] { new { studentId = w.Bob, status = "late" } } };

        var logged = await (await LogAsync(w.MariaClient, session, log)).JsonAsync();
        Assert.Equal("completed", Str(logged, "status"));
        Assert.Equal("Factorising: done", Str(logged, "logNote"));
        Assert.Equal(["present", "late"], logged["students"]!.AsArray().Select(s => Str(s!, "attendance")));
        Assert.Null(logged["students"]![0]!["amount"]);
        var audited = await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.Entity == "TutoringSession" && a.EntityId == session.ToString()));

        // The app's offline queue sends it again (twice at once, and once more later): the same answer, nothing new.
        var replays = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => LogAsync(w.MariaClient, session, log)));
        foreach (var replay in replays)
        {
            Assert.Equal(Str(logged, "version"), Str(await replay.JsonAsync(), "version"));
        }

        Assert.Equal(audited, await app.QueryAsync(db => db.AuditEntries.CountAsync(a => a.Entity == "TutoringSession" && a.EntityId == session.ToString())));

        // Priced at 30 an hour for 90 minutes, for each student: the administrator sees it.
        var seen = await (await admin.GetAsync($"/api/v1/tutoring/sessions/{session}")).JsonAsync();
        Assert.Equal([45.00m, 45.00m], seen["students"]!.AsArray().Select(s => s!["amount"]!.GetValue<decimal>()));
    }

    [Theory, AllProviders]
    public async Task Five_copies_of_one_log_sent_at_once_log_it_once(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (w, session) = await LessonAsync(app, admin);
        var log = new { logId = Guid.NewGuid(), status = "noShow" };

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => LogAsync(w.MariaClient, session, log)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var rows = await app.QueryAsync(db => db.TutoringSessionStudents.Where(s => s.SessionId == session).Select(s => s.Attendance).ToListAsync());
        Assert.Equal([SessionAttendance.Absent, SessionAttendance.Absent], rows);
        Assert.Equal(SessionStatus.NoShow, await app.QueryAsync(db => db.TutoringSessions.Where(s => s.Id == session).Select(s => s.Status).SingleAsync()));
    }

    [Theory, AllProviders]
    public async Task A_new_log_corrects_the_last_one_and_a_log_id_cannot_be_reused_for_another_lesson(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (w, session) = await LessonAsync(app, admin);
        var first = Guid.NewGuid();
        (await LogAsync(w.MariaClient, session, new { logId = first, status = "completed" })).EnsureSuccessStatusCode();

        var corrected = await (await LogAsync(w.MariaClient, session, new { logId = Guid.NewGuid(), status = "noShow", note = "Wrong lesson ticked" })).JsonAsync();
        Assert.Equal("noShow", Str(corrected, "status"));
        Assert.Null(await app.QueryAsync(db => db.TutoringSessionStudents.Where(s => s.SessionId == session).Select(s => s.Amount).FirstAsync()));

        var other = IdOf((await BookedAsync(w.Coordinator, new
        {
            tutorId = w.Maria,
            studentIds = new[] { w.Cat },
            subject = "Algebra",
            start = "2026-10-07T16:00:00",
            end = "2026-10-07T17:00:00",
        }))["sessions"]![0]!);
        await (await LogAsync(w.MariaClient, other, new { logId = first, status = "completed" })).ProblemAsync(HttpStatusCode.BadRequest, "logId");
    }

    [Theory, AllProviders]
    public async Task Only_the_lessons_own_tutor_or_a_coordinator_logs_it_and_not_before_it_starts(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (w, session) = await LessonAsync(app, admin);

        await (await LogAsync(w.NikosClient, session, new { logId = Guid.NewGuid(), status = "completed" })).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, (await LogAsync(w.AnnsGuardian, session, new { logId = Guid.NewGuid(), status = "completed" })).StatusCode);
        (await LogAsync(w.Coordinator, session, new { logId = Guid.NewGuid(), status = "completed" })).EnsureSuccessStatusCode();

        var future = IdOf((await BookedAsync(w.Coordinator, new
        {
            tutorId = w.Maria,
            studentIds = new[] { w.Ann },
            subject = "Algebra",
            start = "2031-10-07T16:00:00",
            end = "2031-10-07T17:00:00",
        }))["sessions"]![0]!);
        await (await LogAsync(w.MariaClient, future, new { logId = Guid.NewGuid(), status = "completed" })).ProblemAsync(HttpStatusCode.Conflict);
        var cancelled = await (await LogAsync(w.MariaClient, future, new { logId = Guid.NewGuid(), status = "cancelled", note = "Ann on a school trip" })).JsonAsync();
        Assert.Equal("Ann on a school trip", Str(cancelled, "cancelReason"));
    }

    [Theory, AllProviders]
    public async Task A_bad_log_is_refused_at_its_field(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (w, session) = await LessonAsync(app, admin);

        await (await LogAsync(w.MariaClient, session, new { status = "completed" })).ProblemAsync(HttpStatusCode.BadRequest, "logId");
        await (await LogAsync(w.MariaClient, session, new { logId = Guid.NewGuid(), status = "scheduled" })).ProblemAsync(HttpStatusCode.BadRequest, "status");
        await (await LogAsync(w.MariaClient, session, new { logId = Guid.NewGuid(), status = "completed", attendance = new[] { new { studentId = w.Cat, status = "present" } } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "attendance[0].studentId");
        await (await LogAsync(w.MariaClient, session, new { logId = Guid.NewGuid(), status = "completed", note = new string('x', 2001) }))
            .ProblemAsync(HttpStatusCode.BadRequest, "note");
        Assert.Equal(SessionStatus.Scheduled, await app.QueryAsync(db => db.TutoringSessions.Where(s => s.Id == session).Select(s => s.Status).SingleAsync()));
    }
}
