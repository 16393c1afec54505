using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Behaviour.BehaviourWorld;

namespace Lyceum.IntegrationTests.Modules.Behaviour;

/// <summary>Incidents through /api/v1: several students at once, the points ledger, edits, deletes and bad input.</summary>
[Collection("app")]
public sealed class IncidentsTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task One_incident_for_several_students_gives_each_a_ledger_line_and_the_ledger_totals_them(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Lee");
        var bob = await w.StudentAsync(app, "Bob", "Moss");

        var praise = await LogAsync(admin, new { studentIds = new[] { ann, bob }, typeId = w.Helping, occurredAt = "2026-01-10T10:00:00Z", location = "Library" });
        var disruption = await LogAsync(admin, new { studentIds = new[] { ann }, typeId = w.Disruption, occurredAt = "2026-01-12T09:15:00Z", description = "Threw a paper plane." });
        await LogAsync(admin, new { studentIds = new[] { ann, bob }, typeId = w.Homework, points = 2, severity = 3, occurredAt = "2026-01-11T08:00:00Z" });

        // Severity and points default to the type's; the students' lines carry the signed points.
        Assert.Equal("positive", praise["polarity"]!.GetValue<string>());
        Assert.Equal(1, praise["severity"]!.GetValue<int>());
        Assert.Equal(2, praise["points"]!.GetValue<int>());
        Assert.Equal([ann, bob], Ids(praise["students"]!, "studentId"));
        Assert.All(praise["students"]!.AsArray(), s => Assert.Equal(2, s!["points"]!.GetValue<int>()));
        Assert.Equal(-3, Assert.Single(disruption["students"]!.AsArray())!["points"]!.GetValue<int>());
        Assert.Equal("Library", praise["location"]!.GetValue<string>());

        var ledger = await (await admin.GetAsync($"/api/v1/students/{ann}/behaviour")).JsonAsync();
        var lines = ledger["lines"]!.AsArray();
        Assert.Equal(["Helping others", "Homework not done", "Disruption"], lines.Select(l => l!["type"]!.GetValue<string>()));
        Assert.Equal([2, -2, -3], lines.Select(l => l!["points"]!.GetValue<int>()));
        Assert.Equal([2, 0, -3], lines.Select(l => l!["runningTotal"]!.GetValue<int>()));
        Assert.Equal(2, ledger["totals"]!["positive"]!.GetValue<int>());
        Assert.Equal(-5, ledger["totals"]!["negative"]!.GetValue<int>());
        Assert.Equal(-3, ledger["totals"]!["net"]!.GetValue<int>());
        var bobs = await (await admin.GetAsync($"/api/v1/students/{bob}/behaviour")).JsonAsync();
        Assert.Equal(0, bobs["totals"]!["net"]!.GetValue<int>());

        var listed = await (await admin.GetAsync($"/api/v1/incidents?studentId={bob}")).JsonAsync();
        Assert.Equal(2, listed["totalCount"]!.GetValue<int>());
        var january11 = await (await admin.GetAsync($"/api/v1/incidents?schoolId={w.School}&from=2026-01-11&to=2026-01-11")).JsonAsync();
        Assert.Equal("Homework not done", Assert.Single(january11["items"]!.AsArray())!["type"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task Logging_an_incident_notifies_each_students_guardians_in_the_same_save(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Notified");
        var bob = await w.StudentAsync(app, "Bob", "Notified");
        var (annsParent, annsClient) = await w.GuardianOfAsync(app, ann);
        var (bobsParent, bobsClient) = await w.GuardianOfAsync(app, bob);
        using var _ = annsClient;
        using var __ = bobsClient;

        var incident = await LogAsync(admin, new { studentIds = new[] { ann, bob }, typeId = w.Disruption });
        var id = incident["id"]!.GetValue<int>();

        var events = await app.QueryAsync(db => db.OutboxMessages.Where(m => m.Type == EventTypes.Incident && m.SchoolId == w.School).ToListAsync());
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Contains($"\"incidentId\":{id}", e.Payload, StringComparison.Ordinal));
        var notes = await (await annsClient.GetAsync("/api/v1/notifications")).JsonAsync();
        var note = Assert.Single(notes["items"]!.AsArray())!;
        Assert.Equal(EventTypes.Incident, note["type"]!.GetValue<string>());
        Assert.Contains("Ann", note["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("Bob", note["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"/students/{ann}?tab=behaviour", note["link"]!.GetValue<string>());
        Assert.Equal(1, await app.QueryAsync(db => db.Notifications.CountAsync(n => n.UserId == bobsParent)));
        Assert.Equal(1, await app.QueryAsync(db => db.Notifications.CountAsync(n => n.UserId == annsParent)));
    }

    [Theory, AllProviders]
    public async Task An_incident_is_changed_with_its_etag_and_a_stale_one_is_refused(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Edited");
        var bob = await w.StudentAsync(app, "Bob", "Added");
        using var created = await admin.PostAsJsonAsync("/api/v1/incidents", new { studentIds = new[] { ann }, typeId = w.Homework });
        var id = (await created.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
        var etag = created.Headers.ETag!.Tag;

        using var noIfMatch = await admin.PutAsJsonAsync($"/api/v1/incidents/{id}", new { typeId = w.Disruption });
        await noIfMatch.ProblemAsync(HttpStatusCode.PreconditionRequired);
        using var edited = await admin.SendAsync(Put($"/api/v1/incidents/{id}", etag, new { typeId = w.Disruption, points = 4, studentIds = new[] { ann, bob } }));
        var view = await edited.JsonAsync();
        Assert.Equal("Disruption", view["type"]!.GetValue<string>());
        Assert.Equal([-4, -4], view["students"]!.AsArray().Select(s => s!["points"]!.GetValue<int>()));
        Assert.NotEqual(etag, edited.Headers.ETag!.Tag);

        using var stale = await admin.SendAsync(Put($"/api/v1/incidents/{id}", etag, new { typeId = w.Homework }));
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);
        // Left out, studentIds keeps the students.
        using var again = await admin.SendAsync(Put($"/api/v1/incidents/{id}", edited.Headers.ETag!.Tag, new { typeId = w.Helping }));
        var praise = await again.JsonAsync();
        Assert.Equal([2, 2], praise["students"]!.AsArray().Select(s => s!["points"]!.GetValue<int>()));
        var ledger = await (await admin.GetAsync($"/api/v1/students/{bob}/behaviour")).JsonAsync();
        Assert.Equal(2, ledger["totals"]!["net"]!.GetValue<int>());
    }

    [Theory, AllProviders]
    public async Task Deleting_an_incident_removes_its_ledger_lines_and_one_a_detention_names_is_refused(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Deleted");
        var first = (await LogAsync(admin, new { studentIds = new[] { ann }, typeId = w.Homework }))["id"]!.GetValue<int>();
        var second = (await LogAsync(admin, new { studentIds = new[] { ann }, typeId = w.Disruption }))["id"]!.GetValue<int>();
        using var detention = await admin.PostAsJsonAsync("/api/v1/detentions", new
        {
            studentId = ann,
            date = Wednesday,
            startTime = "15:30",
            durationMinutes = 30,
            supervisorId = w.Teacher,
            reason = "Disruption",
            incidentId = second,
        });
        await detention.JsonAsync(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/incidents/{first}")).StatusCode);
        await (await admin.GetAsync($"/api/v1/incidents/{first}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync($"/api/v1/incidents/{second}")).ProblemAsync(HttpStatusCode.Conflict);
        var ledger = await (await admin.GetAsync($"/api/v1/students/{ann}/behaviour")).JsonAsync();
        Assert.Equal([second], Ids(ledger["lines"]!, "incidentId"));
    }

    [Theory, AllProviders]
    public async Task A_retried_log_with_the_same_idempotency_key_logs_once(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Retried");
        var key = Guid.NewGuid().ToString();

        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents") { Content = JsonContent.Create(new { studentIds = new[] { ann }, typeId = w.Homework }) };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        var first = await (await admin.SendAsync(Request())).JsonAsync(HttpStatusCode.Created);
        using var retry = await admin.SendAsync(Request());
        var replayed = await retry.JsonAsync(HttpStatusCode.Created);

        Assert.Equal(first["id"]!.GetValue<int>(), replayed["id"]!.GetValue<int>());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await app.QueryAsync(db => db.IncidentStudents.CountAsync(l => l.StudentId == ann)));
    }

    public static TheoryData<DatabaseProvider, string, string> BadIncidents()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, """{"studentIds":[{ann}],"typeId":987654321}""", "typeId");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{otherSchoolType}}""", "typeId");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{type},"severity":5}""", "severity");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{type},"severity":0}""", "severity");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{type},"points":-1}""", "points");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{type},"points":101}""", "points");
            data.Add(provider, """{"studentIds":[],"typeId":{type}}""", "studentIds");
            data.Add(provider, """{"studentIds":[{ann},987654321],"typeId":{type}}""", "studentIds");
            data.Add(provider, """{"studentIds":[{ann},{otherSchoolStudent}],"typeId":{type}}""", "studentIds");
            data.Add(provider, """{"studentIds":[{ann}]}""", "typeId");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{type},"occurredAt":"2999-01-01T00:00:00Z"}""", "occurredAt");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{type},"occurredAt":"yesterday"}""", "occurredAt");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{type},"sectionId":987654321}""", "sectionId");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{type},"location":"{long}"}""", "location");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{type},"description":"a\u0000b"}""", "description");
            data.Add(provider, """{"studentIds":"{ann}","typeId":{type}}""", "studentIds");
            data.Add(provider, """{"studentIds":[{ann}],"typeId":{type},"mood":"bad"}""", "mood");
        }

        return data;
    }

    [Theory, MemberData(nameof(BadIncidents))]
    public async Task Bad_input_is_refused_at_its_field_and_nothing_is_stored(DatabaseProvider provider, string template, string field)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Refused");
        var body = template.Replace("{ann}", ann.ToString(), StringComparison.Ordinal)
            .Replace("{type}", w.Homework.ToString(), StringComparison.Ordinal)
            .Replace("{long}", new string('x', 121), StringComparison.Ordinal);
        if (body.Contains("{otherSchool", StringComparison.Ordinal))
        {
            var other = await BehaviourWorld.CreateAsync(app, admin);
            var stranger = await other.StudentAsync(app, "Sam", "Elsewhere");
            body = body.Replace("{otherSchoolType}", other.Homework.ToString(), StringComparison.Ordinal)
                .Replace("{otherSchoolStudent}", stranger.ToString(), StringComparison.Ordinal);
        }

        var before = await CountsAsync(app);

        using var response = await admin.PostAsync("/api/v1/incidents", Http.Json(body));

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await CountsAsync(app));
    }

    [Theory, AllProviders]
    public async Task Lists_refuse_bad_parameters_by_name(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();

        await (await admin.GetAsync("/api/v1/incidents?from=soon")).ProblemAsync(HttpStatusCode.BadRequest, "from");
        await (await admin.GetAsync("/api/v1/incidents?from=2026-02-01&to=2026-01-01")).ProblemAsync(HttpStatusCode.BadRequest, "to");
        await (await admin.GetAsync("/api/v1/incidents?sort=mood")).ProblemAsync(HttpStatusCode.BadRequest, "sort");
        await (await admin.GetAsync("/api/v1/incidents?pageSize=1000")).ProblemAsync(HttpStatusCode.BadRequest, "pageSize");
        await (await admin.GetAsync("/api/v1/incidents?studentId=x")).ProblemAsync(HttpStatusCode.BadRequest, "studentId");
        await (await admin.GetAsync("/api/v1/students/987654321/behaviour")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/incidents/987654321")).ProblemAsync(HttpStatusCode.NotFound);
    }

    internal static Task<(int Incidents, int Lines, int Events, int Notifications)> CountsAsync(LyceumApp app) =>
        app.QueryAsync(async db => (await db.Incidents.CountAsync(), await db.IncidentStudents.CountAsync(), await db.OutboxMessages.CountAsync(), await db.Notifications.CountAsync()));

    internal static HttpRequestMessage Put(string url, string etag, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }

    internal static JsonArray Items(JsonNode page) => page["items"]!.AsArray();
}
