using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Behaviour;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Behaviour.BehaviourWorld;
using static Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests;

namespace Lyceum.IntegrationTests.Modules.Behaviour;

/// <summary>The rules engine through the API: a threshold reached schedules a detention or raises an alert, once per run.</summary>
[Collection("app")]
public sealed class RulesTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task The_third_negative_incident_this_week_schedules_a_detention_with_its_supervisor_and_tells_the_family(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var (supervisor, supervisorUser, supervisorClient) = await w.StaffWithAccountAsync(app, "Sue", "Pervisor");
        using var _ = supervisorClient;
        var rule = await CreateAsync(admin, "behaviour-rules", new
        {
            schoolId = w.School,
            name = "Three in a week",
            measure = "incidents",
            threshold = 3,
            windowDays = 7,
            action = "detention",
            detentionStart = "15:30",
            detentionMinutes = 30,
            detentionRoomId = w.Lab,
            detentionSupervisorId = supervisor,
        });
        var ann = await w.StudentAsync(app, "Ann", "Third");
        var (parent, parentClient) = await w.GuardianOfAsync(app, ann);
        using var __ = parentClient;

        await LogAsync(admin, new { studentIds = new[] { ann }, typeId = w.Homework });
        await LogAsync(admin, new { studentIds = new[] { ann }, typeId = w.Helping });
        await LogAsync(admin, new { studentIds = new[] { ann }, typeId = w.Disruption, occurredAt = DateTime.UtcNow.AddDays(-2) });
        Assert.Equal(0, await DetentionsOfAsync(app, ann));

        var third = await LogAsync(admin, new { studentIds = new[] { ann }, typeId = w.Homework });

        var list = await (await admin.GetAsync($"/api/v1/detentions?studentId={ann}")).JsonAsync();
        var detention = Assert.Single(list["items"]!.AsArray())!;
        Assert.Equal(supervisor, detention["supervisorId"]!.GetValue<int>());
        Assert.Equal("Mx Sue Pervisor", detention["supervisor"]!.GetValue<string>());
        Assert.Equal(w.Lab, detention["roomId"]!.GetValue<int>());
        Assert.Equal("15:30:00", detention["startTime"]!.GetValue<string>());
        Assert.Equal(30, detention["durationMinutes"]!.GetValue<int>());
        Assert.Equal(rule, detention["ruleId"]!.GetValue<int>());
        Assert.Equal("scheduled", detention["status"]!.GetValue<string>());
        var today = TimeProvider.System.Today("Europe/London");
        Assert.Equal(Iso(Lyceum.Modules.Behaviour.SchoolTime.NextSchoolDay(today)), detention["date"]!.GetValue<string>());
        var firing = await app.QueryAsync(db => db.RuleFirings.SingleAsync(f => f.StudentId == ann));
        Assert.Equal((rule, detention["id"]!.GetValue<int>()), (firing.RuleId, firing.DetentionId!.Value));

        // The supervisor's list and notifications; the family heard of each incident and of the detention.
        var supervised = await (await supervisorClient.GetAsync($"/api/v1/detentions?date={detention["date"]}")).JsonAsync();
        Assert.Contains(Ids(supervised["items"]!), id => id == detention["id"]!.GetValue<int>());
        var supervisorNotes = await app.QueryAsync(db => db.Notifications.Where(n => n.UserId == supervisorUser).Select(n => n.Type).ToListAsync());
        Assert.Equal([EventTypes.DetentionScheduled], supervisorNotes);
        var parentNotes = await app.QueryAsync(db => db.Notifications.Where(n => n.UserId == parent).Select(n => n.Type).ToListAsync());
        Assert.Equal(4, parentNotes.Count(t => t == EventTypes.Incident));
        Assert.Equal(1, parentNotes.Count(t => t == EventTypes.DetentionScheduled));
        var outbox = await app.QueryAsync(db => db.OutboxMessages.Where(m => m.SchoolId == w.School).Select(m => new { m.Type, m.Payload }).ToListAsync());
        Assert.Equal(4, outbox.Count(m => m.Type == EventTypes.Incident));
        Assert.Contains($"\"detentionId\":{detention["id"]}", Assert.Single(outbox, m => m.Type == EventTypes.DetentionScheduled).Payload, StringComparison.Ordinal);
        Assert.NotNull(third["id"]);

        // The count starts again after a firing: a fourth incident does not give a second detention.
        await LogAsync(admin, new { studentIds = new[] { ann }, typeId = w.Homework });
        Assert.Equal(1, await DetentionsOfAsync(app, ann));
    }

    [Theory, AllProviders]
    public async Task Without_a_supervisor_on_the_rule_the_reporter_supervises_and_without_one_the_teachers_get_an_alert(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        await CreateAsync(admin, "behaviour-rules", new
        {
            schoolId = w.School,
            name = "Two disruptions",
            measure = "negativePoints",
            typeId = w.Disruption,
            threshold = 6,
            windowDays = 7,
            action = "detention",
            detentionStart = "15:45",
            detentionMinutes = 20,
        });
        var (teacher, teacherUser, teacherClient) = await w.StaffWithAccountAsync(app, "Tess", "Teacher");
        using var _ = teacherClient;
        var ann = await w.StudentAsync(app, "Ann", "Reported");
        var bob = await w.StudentAsync(app, "Bob", "Unsupervised");
        await w.ClassAsync(app, admin, teacher, "9T", ann, bob);

        // The teacher logs Ann's two disruptions (3 + 3 points): the teacher supervises.
        await LogAsync(teacherClient, new { studentIds = new[] { ann }, typeId = w.Disruption });
        await LogAsync(teacherClient, new { studentIds = new[] { ann }, typeId = w.Disruption });
        var detention = Assert.Single((await (await admin.GetAsync($"/api/v1/detentions?studentId={ann}")).JsonAsync())["items"]!.AsArray())!;
        Assert.Equal(teacher, detention["supervisorId"]!.GetValue<int>());

        // The administrator has no staff record: Bob's rule has nobody to supervise, so Bob's teachers are alerted.
        await LogAsync(admin, new { studentIds = new[] { bob }, typeId = w.Disruption, points = 6 });
        Assert.Equal(0, await DetentionsOfAsync(app, bob));
        var alert = await app.QueryAsync(db => db.Notifications.SingleAsync(n => n.UserId == teacherUser && n.Type == EventTypes.BehaviourAlert));
        Assert.Contains("Bob", alert.Title, StringComparison.Ordinal);
        Assert.Contains("no supervisor", alert.Body, StringComparison.Ordinal);
        Assert.Equal(1, await app.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.SchoolId == w.School && m.Type == EventTypes.BehaviourAlert)));
        Assert.Equal(1, await app.QueryAsync(db => db.RuleFirings.CountAsync(f => f.StudentId == bob && f.DetentionId == null)));
    }

    [Theory, AllProviders]
    public async Task A_missed_detention_triggers_the_missed_detentions_rule_and_a_later_one_triggers_it_again(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var (supervisor, _, supervisorClient) = await w.StaffWithAccountAsync(app, "Max", "Missed");
        using var client = supervisorClient;
        var rule = await CreateAsync(admin, "behaviour-rules", new
        {
            schoolId = w.School,
            name = "Missed one",
            measure = "missedDetentions",
            threshold = 1,
            windowDays = 30,
            action = "detention",
            detentionStart = "16:00",
            detentionMinutes = 60,
            detentionSupervisorId = supervisor,
        });
        var ann = await w.StudentAsync(app, "Ann", "Absent");
        var today = TimeProvider.System.Today("Europe/London");
        var past = new Detention
        {
            SchoolId = w.School,
            StudentId = ann,
            Date = today.AddDays(-2),
            StartTime = new TimeOnly(15, 30),
            DurationMinutes = 30,
            SupervisorId = supervisor,
            Reason = "Late three times",
            Status = DetentionStatus.Scheduled,
        };
        await app.InsertAsync(past);

        // The supervisor marks it missed from their own list: the rule schedules the next one.
        var marked = await (await client.PostAsJsonAsync($"/api/v1/detentions/{past.Id}/status", new { status = "missed", note = "Did not come" })).JsonAsync();
        Assert.Equal("missed", marked["status"]!.GetValue<string>());
        var next = await app.QueryAsync(db => db.Detentions.SingleAsync(d => d.StudentId == ann && d.RuleId == rule));
        Assert.Equal((DetentionStatus.Scheduled, new TimeOnly(16, 0), 60), (next.Status, next.StartTime, next.DurationMinutes));

        // Marking it missed again changes nothing and fires nothing.
        var again = await admin.PostAsJsonAsync($"/api/v1/detentions/{past.Id}/status", new { status = "missed" });
        await again.JsonAsync();
        Assert.Equal(1, await app.QueryAsync(db => db.RuleFirings.CountAsync(f => f.StudentId == ann)));

        // A detention cannot be marked before it takes place; once its day has come (moved here) and it is missed too,
        // the rule fires again: missing a detention can lead to another.
        await (await client.PostAsJsonAsync($"/api/v1/detentions/{next.Id}/status", new { status = "missed" })).ProblemAsync(HttpStatusCode.Conflict);
        await app.QueryAsync(db => db.Detentions.Where(d => d.Id == next.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.Date, today.AddDays(-1))));
        await (await client.PostAsJsonAsync($"/api/v1/detentions/{next.Id}/status", new { status = "missed" })).JsonAsync();

        Assert.Equal(2, await app.QueryAsync(db => db.RuleFirings.CountAsync(f => f.StudentId == ann && f.RuleId == rule)));
        Assert.Equal(2, await app.QueryAsync(db => db.Detentions.CountAsync(d => d.StudentId == ann && d.RuleId == rule)));
    }

    private static Task<int> DetentionsOfAsync(LyceumApp app, int student) => app.QueryAsync(db => db.Detentions.CountAsync(d => d.StudentId == student));

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
