using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Behaviour.BehaviourWorld;
using static Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests;

namespace Lyceum.IntegrationTests.Modules.Behaviour;

/// <summary>Behaviour types and rules as the school's records: /behaviour-types and /behaviour-rules.</summary>
[Collection("app")]
public sealed class BehaviourPolicyTests(AppFixture fixture)
{
    public static TheoryData<DatabaseProvider, string, string> BadTypes()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, """{"schoolId":{school},"name":"Odd","polarity":"negative","defaultSeverity":5,"defaultPoints":1}""", "defaultSeverity");
            data.Add(provider, """{"schoolId":{school},"name":"Odd","polarity":"negative","defaultSeverity":1,"defaultPoints":-1}""", "defaultPoints");
            data.Add(provider, """{"schoolId":{school},"name":"Odd","defaultSeverity":1,"defaultPoints":1}""", "polarity");
            data.Add(provider, """{"schoolId":{school},"name":"Odd","polarity":"neutral"}""", "polarity");
            data.Add(provider, """{"schoolId":{school},"name":" ","polarity":"negative"}""", "name");
            data.Add(provider, """{"schoolId":{school},"name":"Homework not done","polarity":"negative"}""", "name");
            data.Add(provider, """{"name":"Odd","polarity":"negative"}""", "schoolId");
        }

        return data;
    }

    [Theory, MemberData(nameof(BadTypes))]
    public async Task A_bad_type_is_refused_at_its_field(DatabaseProvider provider, string template, string field)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var before = await app.QueryAsync(db => db.BehaviourTypes.CountAsync());

        using var response = await admin.PostAsync("/api/v1/behaviour-types", Http.Json(template.Replace("{school}", w.School.ToString(), StringComparison.Ordinal)));

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await app.QueryAsync(db => db.BehaviourTypes.CountAsync()));
    }

    public static TheoryData<DatabaseProvider, string, string> BadRules()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        const string Start = """{"schoolId":{school},"name":"Rule","measure":"incidents","action":"alert",""";
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, Start + """ "threshold":0,"windowDays":7}""", "threshold");
            data.Add(provider, Start + """ "threshold":3,"windowDays":0}""", "windowDays");
            data.Add(provider, Start + """ "threshold":3,"windowDays":366}""", "windowDays");
            data.Add(provider, Start + """ "threshold":3}""", "windowDays");
            data.Add(provider, Start + """ "threshold":3,"windowDays":7,"typeId":{otherType}}""", "typeId");
            data.Add(provider, """{"schoolId":{school},"name":"Rule","measure":"missedDetentions","action":"alert","threshold":1,"windowDays":7,"typeId":{type}}""", "typeId");
            data.Add(provider, """{"schoolId":{school},"name":"Rule","measure":"incidents","action":"detention","threshold":3,"windowDays":7,"detentionStart":"15:30"}""", "detentionMinutes");
            data.Add(provider, """{"schoolId":{school},"name":"Rule","measure":"incidents","action":"detention","threshold":3,"windowDays":7,"detentionMinutes":30}""", "detentionStart");
            data.Add(provider, """{"schoolId":{school},"name":"Rule","measure":"incidents","action":"detention","threshold":3,"windowDays":7,"detentionStart":"15:30","detentionMinutes":4}""", "detentionMinutes");
            data.Add(provider, """{"schoolId":{school},"name":"Rule","measure":"incidents","action":"detention","threshold":3,"windowDays":7,"detentionStart":"15:30","detentionMinutes":241}""", "detentionMinutes");
            data.Add(provider, """{"schoolId":{school},"name":"Rule","measure":"incidents","action":"detention","threshold":3,"windowDays":7,"detentionStart":"15:30","detentionMinutes":30,"detentionSupervisorId":{otherStaff}}""", "detentionSupervisorId");
            data.Add(provider, """{"schoolId":{school},"name":"Rule","measure":"incidents","action":"detention","threshold":3,"windowDays":7,"detentionStart":"15:30","detentionMinutes":30,"detentionRoomId":987654321}""", "detentionRoomId");
            data.Add(provider, """{"schoolId":{school},"name":"Rule","measure":"everything","action":"alert","threshold":3,"windowDays":7}""", "measure");
            data.Add(provider, """{"schoolId":{school},"name":"Rule","measure":"incidents","threshold":3,"windowDays":7}""", "action");
        }

        return data;
    }

    [Theory, MemberData(nameof(BadRules))]
    public async Task A_bad_rule_is_refused_at_its_field(DatabaseProvider provider, string template, string field)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var body = template.Replace("{school}", w.School.ToString(), StringComparison.Ordinal)
            .Replace("{type}", w.Homework.ToString(), StringComparison.Ordinal);
        if (body.Contains("{other", StringComparison.Ordinal))
        {
            var other = await BehaviourWorld.CreateAsync(app, admin);
            body = body.Replace("{otherType}", other.Homework.ToString(), StringComparison.Ordinal)
                .Replace("{otherStaff}", other.Teacher.ToString(), StringComparison.Ordinal);
        }

        var before = await app.QueryAsync(db => db.BehaviourRules.CountAsync());

        using var response = await admin.PostAsync("/api/v1/behaviour-rules", Http.Json(body));

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await app.QueryAsync(db => db.BehaviourRules.CountAsync()));
    }

    [Theory, AllProviders]
    public async Task A_type_or_rule_in_use_cannot_be_deleted_and_an_alert_rule_keeps_no_detention_settings(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "InUse");
        var rule = await CreateAsync(admin, "behaviour-rules", new
        {
            schoolId = w.School,
            name = "Any one",
            measure = "incidents",
            typeId = w.Disruption,
            threshold = 1,
            windowDays = 7,
            action = "alert",
            detentionStart = "15:30",
            detentionMinutes = 30,
        });
        var view = await (await admin.GetAsync($"/api/v1/behaviour-rules/{rule}")).JsonAsync();
        Assert.Equal("Disruption", view["type"]!.GetValue<string>());
        Assert.Null(view["detentionStart"]);
        Assert.Null(view["detentionMinutes"]);

        await LogAsync(admin, new { studentIds = new[] { ann }, typeId = w.Homework });
        await LogAsync(admin, new { studentIds = new[] { ann }, typeId = w.Disruption });

        var typeRefused = await (await admin.DeleteAsync($"/api/v1/behaviour-types/{w.Homework}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1 incidents", typeRefused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await (await admin.DeleteAsync($"/api/v1/behaviour-types/{w.Disruption}")).ProblemAsync(HttpStatusCode.Conflict);
        await (await admin.DeleteAsync($"/api/v1/behaviour-rules/{rule}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/behaviour-types/{w.Helping}")).StatusCode);

        // Archived, a type takes no new incidents.
        (await admin.PostAsync($"/api/v1/behaviour-types/{w.Homework}/archive", null)).EnsureSuccessStatusCode();
        using var refused = await admin.PostAsJsonAsync("/api/v1/incidents", new { studentIds = new[] { ann }, typeId = w.Homework });
        await refused.ProblemAsync(HttpStatusCode.BadRequest, "typeId");
    }

    [Theory, AllProviders]
    public async Task Staff_and_families_read_the_policy_and_only_school_configure_changes_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await BehaviourWorld.CreateAsync(app, admin);
        using var teacher = await app.DemoClientAsync(RoleNames.Teacher);
        using var guardian = await app.DemoClientAsync(RoleNames.Guardian);
        using var tutor = await app.DemoClientAsync(RoleNames.Tutor);

        var listed = await (await teacher.GetAsync($"/api/v1/behaviour-types?schoolId={w.School}")).JsonAsync();
        Assert.Equal(3, listed["totalCount"]!.GetValue<int>());
        (await guardian.GetAsync($"/api/v1/behaviour-types/{w.Helping}")).EnsureSuccessStatusCode();
        await (await tutor.GetAsync("/api/v1/behaviour-types")).ProblemAsync(HttpStatusCode.Forbidden);
        using var change = await teacher.PostAsJsonAsync("/api/v1/behaviour-types", new { schoolId = w.School, name = "New", polarity = "negative" });
        await change.ProblemAsync(HttpStatusCode.Forbidden);
        // The demo school started with the default types and rule.
        var demo = await Students.ManageStudentsTests.DemoSchoolAsync(app);
        var rules = await (await admin.GetAsync($"/api/v1/behaviour-rules?schoolId={demo}")).JsonAsync();
        Assert.Contains(rules["items"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "Three negative incidents in a week");
    }
}
