using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.IntegrationTests.Modules.Schools;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Lyceum.IntegrationTests.Modules.Students.ManageStudentsTests;

namespace Lyceum.IntegrationTests.Modules.Staff;

/// <summary>Staff records: administrators manage them; a teacher keeps their own contact details up to date.</summary>
[Collection("app")]
public sealed class StaffTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task An_administrator_adds_a_teacher_whose_number_is_unique_in_the_school(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await DemoSchoolAsync(app);
        var department = await app.QueryAsync(db => db.Departments.Where(d => d.SchoolId == school).Select(d => d.Id).FirstAsync());
        var number = $"S{Random.Shared.Next(100_000, 999_999)}";

        var created = await (await admin.PostAsJsonAsync("/api/v1/staff", Body(school, number, department))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(department, created["departmentId"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(created["department"]!.GetValue<string>()));

        var before = await app.QueryAsync(db => db.Staff.CountAsync());
        await (await admin.PostAsJsonAsync("/api/v1/staff", Body(school, number, department))).ProblemAsync(HttpStatusCode.BadRequest, "staffNumber");
        var noEmail = Body(school, number + "X", department);
        noEmail["email"] = null;
        await (await admin.PostAsJsonAsync("/api/v1/staff", noEmail)).ProblemAsync(HttpStatusCode.BadRequest, "email");
        var foreignDepartment = await SchoolStructureTests.CreateAsync(admin, "departments",
            new { schoolId = await SchoolStructureTests.NewSchoolAsync(admin), name = "Elsewhere", code = "ELS" });
        await (await admin.PostAsJsonAsync("/api/v1/staff", Body(school, number + "Y", foreignDepartment))).ProblemAsync(HttpStatusCode.BadRequest, "departmentId");
        Assert.Equal(before, await app.QueryAsync(db => db.Staff.CountAsync()));
    }

    [Theory, AllProviders]
    public async Task A_teacher_edits_their_own_contact_details_but_not_their_number_nor_anyone_elses(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var teacher = await app.DemoClientAsync(RoleNames.Teacher);
        var me = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var mine = await app.QueryAsync(db => db.Staff.Where(s => s.UserId == me).Select(s => new { s.Id, s.SchoolId, s.StaffNumber, s.DepartmentId, s.Email, s.FirstName, s.LastName }).SingleAsync());

        var list = await (await teacher.GetAsync("/api/v1/staff")).JsonAsync();
        Assert.Equal([mine.Id], list["items"]!.AsArray().Select(s => s!["id"]!.GetValue<int>()));

        using var read = await teacher.GetAsync($"/api/v1/staff/{mine.Id}");
        var body = Body(mine.SchoolId, mine.StaffNumber, mine.DepartmentId);
        body["firstName"] = mine.FirstName;
        body["lastName"] = mine.LastName;
        body["email"] = mine.Email;
        body["phone"] = "+44 7700 900123";
        var saved = await (await teacher.SendAsync(Put(mine.Id, body, read.Headers.ETag!.Tag))).JsonAsync();
        Assert.Equal("+44 7700 900123", saved["phone"]!.GetValue<string>());

        using var again = await teacher.GetAsync($"/api/v1/staff/{mine.Id}");
        body["staffNumber"] = "CHANGED";
        await (await teacher.SendAsync(Put(mine.Id, body, again.Headers.ETag!.Tag))).ProblemAsync(HttpStatusCode.BadRequest, "staffNumber");
        Assert.Equal(mine.StaffNumber, await app.QueryAsync(db => db.Staff.Where(s => s.Id == mine.Id).Select(s => s.StaffNumber).SingleAsync()));

        var colleague = await app.QueryAsync(db => db.Staff.Where(s => s.SchoolId == mine.SchoolId && s.Id != mine.Id).Select(s => s.Id).FirstAsync());
        await (await teacher.GetAsync($"/api/v1/staff/{colleague}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await teacher.PostAsJsonAsync("/api/v1/staff", Body(mine.SchoolId, "NEW1", null))).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, AllProviders]
    public async Task A_teacher_with_sections_cannot_be_deleted_only_archived(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var teaching = await app.QueryAsync(db => db.Staff.Where(s => s.UserId == null && db.Sections.Any(x => x.TeacherId == s.Id)).Select(s => s.Id).FirstAsync());

        var refused = await (await admin.DeleteAsync($"/api/v1/staff/{teaching}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("sections", refused["detail"]!.GetValue<string>());
        var archived = await (await admin.PostAsync($"/api/v1/staff/{teaching}/archive", null)).JsonAsync();
        Assert.True(archived["archived"]!.GetValue<bool>());
        await (await admin.PostAsync($"/api/v1/staff/{teaching}/restore", null)).JsonAsync();
    }

    private static JsonObject Body(int school, string number, int? department) => new()
    {
        ["schoolId"] = school,
        ["staffNumber"] = number,
        ["title"] = "Ms",
        ["firstName"] = "Katherine",
        ["lastName"] = "Johnson",
        ["email"] = "k.johnson@example.org",
        ["jobTitle"] = "Teacher of Mathematics",
        ["departmentId"] = department,
    };

    private static HttpRequestMessage Put(int id, JsonObject body, string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/staff/{id}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }

    [Theory, AllProviders]
    public async Task A_form_knows_which_records_a_grant_reaches_not_only_whether_the_role_has_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await SchoolStructureTests.NewSchoolAsync(admin);
        var me = await SectionsTests.NewStaffAsync(app, school, "Own", "Record");
        var colleague = await SectionsTests.NewStaffAsync(app, school, "Other", "Colleague");
        // Sees every colleague, edits only their own record (a custom role could grant this).
        var (user, _) = await app.CreateUserAsync(RoleNames.Teacher);
        var userId = await app.UserIdAsync(user);
        await app.QueryAsync(db => db.Staff.Where(x => x.Id == me).ExecuteUpdateAsync(u => u.SetProperty(x => x.UserId, (Guid?)userId)));
        var caller = new Lyceum.Platform.Access.Caller(userId, user,
            [new(Lyceum.Platform.Access.Permissions.StaffView, AccessScope.School), new(Lyceum.Platform.Access.Permissions.StaffEdit, AccessScope.Self)], []);
        await using var scope = app.Services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<Lyceum.Platform.Records.RecordHandler<Lyceum.Modules.Staff.StaffMember, Lyceum.Modules.Staff.StaffRequest, Lyceum.Modules.Staff.StaffView>>();

        Assert.True((await handler.GetAsync(caller, colleague, default)).IsSuccess);
        Assert.False(await handler.ReachesAsync(caller, colleague, Lyceum.Platform.Access.Permissions.StaffEdit, default));
        Assert.True(await handler.ReachesAsync(caller, me, Lyceum.Platform.Access.Permissions.StaffEdit, default));
        Assert.False(await handler.ReachesAsync(caller, me, Lyceum.Platform.Access.Permissions.StaffDelete, default));
    }
}
