using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Behaviour;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Behaviour.BehaviourWorld;
using static Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests;

namespace Lyceum.IntegrationTests.Modules.Behaviour;

/// <summary>Detentions through /api/v1: scheduling against everyone's day, the supervisor's list, marking how it went.</summary>
[Collection("app")]
public sealed class DetentionsTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task A_detention_is_scheduled_listed_for_its_supervisor_and_the_family_and_supervisor_are_told(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var (supervisor, supervisorUser, client) = await w.StaffWithAccountAsync(app, "Dee", "Tention");
        using var supervisorClient = client;
        var ann = await w.StudentAsync(app, "Ann", "Kept");
        var bob = await w.StudentAsync(app, "Bob", "Kept");
        var (parent, parentClient) = await w.GuardianOfAsync(app, ann);
        using var _ = parentClient;

        var first = await ScheduleAsync(admin, new { studentId = ann, date = Wednesday, startTime = "15:30", durationMinutes = 45, supervisorId = supervisor, roomId = w.Lab, reason = "Repeated lateness" });
        // The same session (supervisor, room, date, time, length) takes a second student: a group detention.
        await ScheduleAsync(admin, new { studentId = bob, date = Wednesday, startTime = "15:30", durationMinutes = 45, supervisorId = supervisor, roomId = w.Lab, reason = "Lateness" });

        Assert.Equal("16:15:00", first["endTime"]!.GetValue<string>());
        Assert.Equal("Lab 1", first["room"]!.GetValue<string>());
        var list = await (await supervisorClient.GetAsync($"/api/v1/detentions?date={Wednesday}&supervisorId={supervisor}")).JsonAsync();
        Assert.Equal(["Ann", "Bob"], list["items"]!.AsArray().Select(d => d!["firstName"]!.GetValue<string>()));
        var mine = await (await supervisorClient.GetAsync($"/api/v1/detentions?date={Wednesday}&mine=true")).JsonAsync();
        Assert.Equal(2, mine["totalCount"]!.GetValue<int>());
        Assert.Equal(0, (await (await admin.GetAsync($"/api/v1/detentions?date={Wednesday}&mine=true")).JsonAsync())["totalCount"]!.GetValue<int>());
        Assert.Equal(2, await app.QueryAsync(db => db.Notifications.CountAsync(n => n.UserId == supervisorUser && n.Type == EventTypes.DetentionScheduled)));
        var note = Assert.Single((await (await parentClient.GetAsync("/api/v1/notifications")).JsonAsync())["items"]!.AsArray())!;
        Assert.Contains("Wednesday 1 October 2031 at 15:30", note["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, await app.QueryAsync(db => db.Notifications.CountAsync(n => n.UserId == parent)));
        var parentsView = await (await parentClient.GetAsync($"/api/v1/detentions?studentId={bob}")).JsonAsync();
        Assert.Equal(0, parentsView["totalCount"]!.GetValue<int>());
    }

    [Theory, AllProviders]
    public async Task Marking_is_idempotent_and_a_detention_no_longer_scheduled_cannot_change(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Marked");
        var today = TimeProvider.System.GetUtcNow().UtcDateTime.Date;
        var done = new Detention
        {
            SchoolId = w.School,
            StudentId = ann,
            Date = DateOnly.FromDateTime(today).AddDays(-1),
            StartTime = new TimeOnly(15, 30),
            DurationMinutes = 30,
            SupervisorId = w.Teacher,
            Reason = "Test",
            Status = DetentionStatus.Scheduled,
        };
        await app.InsertAsync(done);
        var future = await ScheduleAsync(admin, new { studentId = ann, date = Wednesday, startTime = "15:30", durationMinutes = 30, supervisorId = w.Teacher, reason = "Test" });

        using var completed = await admin.PostAsJsonAsync($"/api/v1/detentions/{done.Id}/status", new { status = "completed", note = "Sat quietly" });
        var body = await completed.JsonAsync();
        Assert.Equal(("completed", "Sat quietly"), (body["status"]!.GetValue<string>(), body["note"]!.GetValue<string>()));
        var version = await app.QueryAsync(db => db.Detentions.Where(d => d.Id == done.Id).Select(d => d.Version).SingleAsync());
        using var repeated = await admin.PostAsJsonAsync($"/api/v1/detentions/{done.Id}/status", new { status = "completed" });
        await repeated.JsonAsync();
        Assert.Equal(version, await app.QueryAsync(db => db.Detentions.Where(d => d.Id == done.Id).Select(d => d.Version).SingleAsync()));

        await (await admin.PostAsJsonAsync($"/api/v1/detentions/{done.Id}/status", new { status = "scheduled" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/v1/detentions/{done.Id}/status", new { status = "missed" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync($"/api/v1/detentions/{done.Id}/status", new { status = "forgotten" })).ProblemAsync(HttpStatusCode.BadRequest, "status");
        await (await admin.PostAsJsonAsync($"/api/v1/detentions/{done.Id}/status", new { })).ProblemAsync(HttpStatusCode.BadRequest, "status");
        // Not yet taken place: cancelled, yes; completed, no.
        var id = future["id"]!.GetValue<int>();
        await (await admin.PostAsJsonAsync($"/api/v1/detentions/{id}/status", new { status = "completed" })).ProblemAsync(HttpStatusCode.Conflict);
        var cancelled = await (await admin.PostAsJsonAsync($"/api/v1/detentions/{id}/status", new { status = "cancelled" })).JsonAsync();
        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
        await (await admin.PostAsJsonAsync("/api/v1/detentions/987654321/status", new { status = "cancelled" })).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task A_supervisor_teaching_or_supervising_then_a_busy_room_or_a_past_date_is_refused_at_its_field_and_nothing_is_stored(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var colleague = await Schools.SectionsTests.NewStaffAsync(app, w.School, "Cole", "League");
        var ann = await w.StudentAsync(app, "Ann", "Clash");
        var bob = await w.StudentAsync(app, "Bob", "Clash");
        // The teacher teaches on Wednesdays in period 1 (09:00–10:00); the colleague's class meets in the lab in period 2.
        await CreateAsync(admin, "sections", new { courseId = w.Course, termId = w.Autumn, teacherId = w.Teacher, name = "9W", meetings = new[] { new { day = "wednesday", periodId = w.P1 } } });
        await CreateAsync(admin, "sections", new { courseId = w.Course, termId = w.Autumn, teacherId = colleague, roomId = w.Lab, name = "9L", meetings = new[] { new { day = "wednesday", periodId = w.P2 } } });
        await ScheduleAsync(admin, new { studentId = ann, date = Wednesday, startTime = "15:30", durationMinutes = 30, supervisorId = w.Teacher, roomId = w.Lab, reason = "First" });
        var before = await CountsAsync(app);

        async Task RefusedAsync(object body, string field)
        {
            using var response = await admin.PostAsJsonAsync("/api/v1/detentions", body);
            var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, field);
            Assert.False(string.IsNullOrWhiteSpace(problem["errors"]![field]![0]!.GetValue<string>()));
        }

        // The supervisor teaches 9W then.
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "09:30", durationMinutes = 60, supervisorId = w.Teacher, reason = "x" }, "supervisorId");
        // The supervisor already supervises another session then (another room, another length).
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "15:45", durationMinutes = 30, supervisorId = w.Teacher, reason = "x" }, "supervisorId");
        // The lab is booked by the first session, and by 9L in period 2.
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "15:40", durationMinutes = 30, supervisorId = colleague, roomId = w.Lab, reason = "x" }, "roomId");
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "10:30", durationMinutes = 15, supervisorId = w.Teacher, roomId = w.Lab, reason = "x" }, "roomId");
        // Ann already has a detention then.
        await RefusedAsync(new { studentId = ann, date = Wednesday, startTime = "15:50", durationMinutes = 30, supervisorId = colleague, reason = "x" }, "studentId");
        // In the past, at the school.
        await RefusedAsync(new { studentId = bob, date = "2020-01-06", startTime = "15:30", durationMinutes = 30, supervisorId = w.Teacher, reason = "x" }, "date");
        // Length, supervisor, room, incident, reason.
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "15:30", durationMinutes = 4, supervisorId = w.Teacher, reason = "x" }, "durationMinutes");
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "15:30", durationMinutes = 241, supervisorId = w.Teacher, reason = "x" }, "durationMinutes");
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "23:50", durationMinutes = 30, supervisorId = w.Teacher, reason = "x" }, "durationMinutes");
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "15:30", durationMinutes = 30, supervisorId = 987654321, reason = "x" }, "supervisorId");
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "15:30", durationMinutes = 30, supervisorId = w.Teacher, roomId = 987654321, reason = "x" }, "roomId");
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "15:30", durationMinutes = 30, supervisorId = w.Teacher, incidentId = 987654321, reason = "x" }, "incidentId");
        await RefusedAsync(new { studentId = bob, date = Wednesday, startTime = "15:30", durationMinutes = 30, supervisorId = w.Teacher, reason = " " }, "reason");
        await RefusedAsync(new { studentId = 987654321, date = Wednesday, startTime = "15:30", durationMinutes = 30, supervisorId = w.Teacher, reason = "x" }, "studentId");
        await RefusedAsync(new { studentId = bob, date = "someday", startTime = "15:30", durationMinutes = 30, supervisorId = w.Teacher, reason = "x" }, "date");

        Assert.Equal(before, await CountsAsync(app));
        await (await admin.GetAsync("/api/v1/detentions?status=forgotten")).ProblemAsync(HttpStatusCode.BadRequest, "status");
        await (await admin.GetAsync("/api/v1/detentions?date=tomorrow")).ProblemAsync(HttpStatusCode.BadRequest, "date");
    }

    internal static async Task<System.Text.Json.Nodes.JsonNode> ScheduleAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/detentions", body);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    private static Task<(int Detentions, int Events, int Notifications)> CountsAsync(LyceumApp app) =>
        app.QueryAsync(async db => (await db.Detentions.CountAsync(), await db.OutboxMessages.CountAsync(), await db.Notifications.CountAsync()));
}
