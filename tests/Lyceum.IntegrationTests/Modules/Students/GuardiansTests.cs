using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Students.ManageStudentsTests;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Modules.Students;

/// <summary>Guardians as records: the office adds and edits them, an administrator deletes one nothing refers to.</summary>
[Collection("app")]
public sealed class GuardiansTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task The_office_adds_edits_and_archives_a_guardian_and_finds_them_by_name(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var school = await DemoSchoolAsync(app);

        using var created = await office.PostAsJsonAsync("/api/v1/guardians",
            new { schoolId = school, title = "Dr", firstName = "Persephone", lastName = "Quartermaine", phone = "+44 20 7946 0000" });
        var body = await created.JsonAsync(HttpStatusCode.Created);
        var id = body["id"]!.GetValue<int>();

        var found = await (await office.GetAsync("/api/v1/guardians?q=quartermaine%20perse")).JsonAsync();
        Assert.Equal([id], found["items"]!.AsArray().Select(g => g!["id"]!.GetValue<int>()));

        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/guardians/{id}")
        {
            Content = JsonContent.Create(new { schoolId = school, title = "Dr", firstName = "Persephone", lastName = "Quartermaine", email = "p.q@example.org" }),
        };
        edit.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.Tag);
        var edited = await (await office.SendAsync(edit)).JsonAsync();
        Assert.Equal("p.q@example.org", edited["email"]!.GetValue<string>());
        Assert.Null(edited["phone"]);

        await (await office.PostAsync($"/api/v1/guardians/{id}/archive", null)).JsonAsync();
        var listed = await (await office.GetAsync("/api/v1/guardians?q=quartermaine")).JsonAsync();
        Assert.Equal(0, listed["totalCount"]!.GetValue<int>());
    }

    [Theory, AllProviders]
    public async Task Accents_and_case_do_not_matter_when_searching_guardians_and_staff(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await DemoSchoolAsync(app);
        var guardian = await NewGuardianAsync(app, school, "Zoë", "Ñúñez-Örsted");
        var staff = await Lyceum.IntegrationTests.Modules.Schools.SectionsTests.NewStaffAsync(app, school, "José", "Écrivain");

        foreach (var q in new[] { "zoe nunez", "ÑÚÑEZ", "orsted zo" })
        {
            var page = await (await admin.GetAsync($"/api/v1/guardians?q={Uri.EscapeDataString(q)}")).JsonAsync();
            Assert.Contains(guardian.Id, page["items"]!.AsArray().Select(g => g!["id"]!.GetValue<int>()));
        }

        var found = await (await admin.GetAsync("/api/v1/staff?q=jose%20ecriv")).JsonAsync();
        Assert.Equal([staff], found["items"]!.AsArray().Select(s => s!["id"]!.GetValue<int>()));
    }

    [Theory, AllProviders]
    public async Task A_guardian_needs_a_way_to_be_reached_and_valid_contact_details(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var school = await DemoSchoolAsync(app);
        var before = await app.QueryAsync(db => db.Guardians.CountAsync());

        await (await office.PostAsJsonAsync("/api/v1/guardians", new { schoolId = school, firstName = "No", lastName = "Contact" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "email");
        await (await office.PostAsJsonAsync("/api/v1/guardians", new { schoolId = school, firstName = "Bad", lastName = "Phone", phone = "call me" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "phone");
        await (await office.PostAsJsonAsync("/api/v1/guardians", new { schoolId = school, lastName = "Nameless", email = "n@example.org" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "firstName");

        Assert.Equal(before, await app.QueryAsync(db => db.Guardians.CountAsync()));
    }

    [Theory, AllProviders]
    public async Task Deleting_is_an_administrators_and_refused_while_a_student_is_linked(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var school = await DemoSchoolAsync(app);
        var linked = await NewGuardianAsync(app, school, "Still", "Linked");
        var student = await NewStudentAsync(app, "Has", "Guardian", school: school);
        await app.InsertAsync(new StudentGuardian { StudentId = student.Id, GuardianId = linked.Id, Relationship = Relationship.Mother, ContactPriority = 1 });
        var loose = await NewGuardianAsync(app, school, "Never", "Linked");

        await (await office.DeleteAsync($"/api/v1/guardians/{loose.Id}")).ProblemAsync(HttpStatusCode.Forbidden);
        var refused = await (await admin.DeleteAsync($"/api/v1/guardians/{linked.Id}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1 students", refused["detail"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/guardians/{loose.Id}")).StatusCode);
        Assert.False(await app.QueryAsync(db => db.Guardians.AnyAsync(g => g.Id == loose.Id)));
        Assert.True(await app.QueryAsync(db => db.Guardians.AnyAsync(g => g.Id == linked.Id)));
    }

    [Theory, AllProviders]
    public async Task A_guardian_sees_themself_and_their_childrens_other_guardians_only(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var parent = await app.DemoClientAsync(RoleNames.Guardian);
        var me = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var expected = await app.QueryAsync(db => db.Guardians
            .Where(g => g.ArchivedAt == null && g.Students.Any(l => l.Student!.Guardians.Any(o => o.Guardian!.UserId == me)))
            .Select(g => g.Id).OrderBy(i => i).ToListAsync());

        var page = await (await parent.GetAsync("/api/v1/guardians?pageSize=100")).JsonAsync();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, page["items"]!.AsArray().Select(g => g!["id"]!.GetValue<int>()).Order());
        var stranger = await NewGuardianAsync(app, await DemoSchoolAsync(app), "Not", "Family");
        await (await parent.GetAsync($"/api/v1/guardians/{stranger.Id}")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
