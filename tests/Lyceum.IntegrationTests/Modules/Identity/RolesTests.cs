using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Academics;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Modules.Identity;

/// <summary>Roles are data: an administrator makes a custom role, gives it to an account, and it rules that account's access at once.</summary>
[Collection("app")]
public sealed class RolesTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task A_custom_department_role_gives_its_holder_exactly_the_granted_access_and_changes_take_effect_at_once(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var science = await app.QueryAsync(db => db.Departments.Where(d => d.Name == "Science").Select(d => d.Id).FirstAsync());
        using var created = await admin.PostAsJsonAsync("/api/v1/roles", new
        {
            name = $"Head of Science {Guid.NewGuid():N}"[..30],
            description = "Views and edits grades in Science",
            grants = new object[]
            {
                new { permission = "grades.view", scope = "department", departmentId = science },
                new { permission = "grades.edit", scope = "department", departmentId = science },
                new { permission = "students.view", scope = "department", departmentId = science },
            },
        });
        var role = await created.JsonAsync(HttpStatusCode.Created);
        var roleId = role["id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/roles/{roleId}", created.Headers.Location!.OriginalString);
        Assert.False(role["preset"]!.GetValue<bool>());
        Assert.Equal(3, role["grants"]!.AsArray().Count);

        var (email, password) = await app.CreateUserAsync(RoleNames.Student); // a student preset linked to nobody: sees nothing
        var userId = await app.UserIdAsync(email);
        using var assign = await admin.PutAsJsonAsync($"/api/v1/users/{userId}/roles", new { roleIds = new[] { roleId } });
        var assigned = await assign.JsonAsync();
        Assert.Equal([roleId], assigned["roles"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));

        using var holder = app.ClientWithToken(await app.TokenAsync(email, password));
        var inScience = await app.QueryAsync(db => db.Students
            .Where(s => s.ArchivedAt == null && s.Enrollments.Any(e => e.WithdrawnOn == null && e.Section!.Course!.DepartmentId == science))
            .Select(s => s.Id).ToListAsync());
        var listed = await (await holder.GetAsync("/api/v1/students?pageSize=1")).JsonAsync();
        Assert.NotEmpty(inScience);
        Assert.Equal(inScience.Count, listed["totalCount"]!.GetValue<int>());
        (await holder.GetAsync($"/api/v1/students/{inScience[0]}")).EnsureSuccessStatusCode();
        var outsider = await NewStudentAsync(app, "NotIn", "Science");
        await (await holder.GetAsync($"/api/v1/students/{outsider.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await holder.SendAsync(Edit(outsider.Id, outsider.Version, "Nope"))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await holder.GetAsync("/api/v1/roles")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await holder.GetAsync("/api/v1/audit")).ProblemAsync(HttpStatusCode.Forbidden);
        var me = await (await holder.GetAsync("/api/v1/me")).JsonAsync();
        Assert.Equal(["grades.edit", "grades.view", "students.view"], me["permissions"]!.AsArray().Select(p => p!["permission"]!.GetValue<string>()));

        // The administrator adds "edit students in Science": the same token may now edit a Science student.
        var scienceSection = await app.QueryAsync(db => db.Sections.Where(s => s.Course!.DepartmentId == science).Select(s => s.Id).FirstAsync());
        var newcomer = await NewStudentAsync(app, "Joins", "Science");
        await app.InsertAsync(new Enrollment { StudentId = newcomer.Id, SectionId = scienceSection, EnrolledOn = new DateOnly(2026, 9, 1) });
        await (await holder.SendAsync(Edit(newcomer.Id, newcomer.Version, "Edited"))).ProblemAsync(HttpStatusCode.Forbidden);
        var grants = role["grants"]!.AsArray().Select(g => g!.DeepClone()).Append(
            new JsonObject { ["permission"] = "students.edit", ["scope"] = "department", ["departmentId"] = science }).ToArray();
        using var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/roles/{roleId}")
        {
            Content = JsonContent.Create(new JsonObject { ["name"] = role["name"]!.GetValue<string>(), ["grants"] = new JsonArray(grants) }),
        };
        edit.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.Tag);
        var edited = await (await admin.SendAsync(edit)).JsonAsync();
        Assert.Equal(4, edited["grants"]!.AsArray().Count);
        var saved = await (await holder.SendAsync(Edit(newcomer.Id, newcomer.Version, "Edited"))).JsonAsync();
        Assert.Equal("Edited", saved["lastName"]!.GetValue<string>());
        // Editing still does not reach outside the department.
        await (await holder.SendAsync(Edit(outsider.Id, outsider.Version, "Nope"))).ProblemAsync(HttpStatusCode.NotFound);

        // Taken away: the same token is refused on its next request.
        (await admin.DeleteAsync($"/api/v1/users/{userId}/roles/{roleId}")).EnsureSuccessStatusCode();
        await (await holder.GetAsync("/api/v1/students")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, AllProviders]
    public async Task Role_changes_and_assignments_are_in_the_audit_trail_with_who_and_the_correlation_id(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var adminId = await app.UserIdAsync(LyceumApp.AdminEmail);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/roles")
        {
            Content = JsonContent.Create(new { name = $"Audited {Guid.NewGuid():N}", grants = new[] { new { permission = "attendance.view", scope = "school" } } }),
        };
        request.Headers.Add("X-Correlation-Id", "roles-audit-1");
        var role = await (await admin.SendAsync(request)).JsonAsync(HttpStatusCode.Created);
        var roleId = role["id"]!.GetValue<string>();
        var (email, _) = await app.CreateUserAsync(RoleNames.Tutor);
        var userId = await app.UserIdAsync(email);
        (await admin.PostAsJsonAsync($"/api/v1/users/{userId}/roles", new { roleId })).EnsureSuccessStatusCode();

        var roleRows = await (await admin.GetAsync($"/api/v1/audit?entity=Role&entityId={roleId}")).JsonAsync();
        var insert = Assert.Single(roleRows["items"]!.AsArray());
        Assert.Equal("insert", insert!["action"]!.GetValue<string>());
        Assert.Equal(LyceumApp.AdminEmail, insert["actor"]!.GetValue<string>());
        Assert.Equal(adminId.ToString(), insert["actorId"]!.GetValue<string>());
        Assert.Equal("roles-audit-1", insert["correlationId"]!.GetValue<string>());
        Assert.Equal(role["name"]!.GetValue<string>(), insert["changes"]!["name"]!["after"]!.GetValue<string>());
        var grantRows = await (await admin.GetAsync("/api/v1/audit?entity=RoleGrant&pageSize=100")).JsonAsync();
        Assert.Contains(grantRows["items"]!.AsArray(), g =>
            g!["correlationId"]?.GetValue<string>() == "roles-audit-1" && g["changes"]!["permission"]!["after"]!.GetValue<string>() == "attendance.view");
        var assignment = await (await admin.GetAsync($"/api/v1/audit?entity=UserRole&entityId={userId}/{roleId}")).JsonAsync();
        Assert.Equal("insert", Assert.Single(assignment["items"]!.AsArray())!["action"]!.GetValue<string>());

        // Setting the same roles again changes nothing and writes nothing.
        var before = await app.QueryAsync(db => db.AuditEntries.CountAsync());
        var held = await app.QueryAsync(db => db.UserRoles.Where(ur => ur.UserId == userId).Select(ur => ur.RoleId).ToListAsync());
        (await admin.PutAsJsonAsync($"/api/v1/users/{userId}/roles", new { roleIds = held })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/users/{userId}/roles", new { roleId })).EnsureSuccessStatusCode();
        Assert.Equal(before, await app.QueryAsync(db => db.AuditEntries.CountAsync()));
    }

    public static TheoryData<DatabaseProvider, string, string> BadRoles()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, """{"grants":[]}""", "name");
            data.Add(provider, $$"""{"name":"{{new string('r', 101)}}","grants":[]}""", "name");
            data.Add(provider, """{"name":"Teacher","grants":[]}""", "name");
            data.Add(provider, """{"name":"No grants"}""", "grants");
            data.Add(provider, """{"name":"Bad","grants":[{"permission":"students.fly","scope":"school"}]}""", "grants[0].permission");
            data.Add(provider, """{"name":"Bad","grants":[{"permission":"students.view"}]}""", "grants[0].scope");
            data.Add(provider, """{"name":"Bad","grants":[{"permission":"audit.view","scope":"ownChildren"}]}""", "grants[0].scope");
            data.Add(provider, """{"name":"Bad","grants":[{"permission":"students.view","scope":"department","departmentId":987654}]}""", "grants[0].departmentId");
            data.Add(provider, """{"name":"Bad","grants":[{"permission":"students.view","scope":"self","schoolId":1}]}""", "grants[0].schoolId");
            data.Add(provider, """{"name":"Bad","grants":[null]}""", "grants[0]");
            // A school-limited grant of an install-wide permission would make its holder administrator of every school.
            data.Add(provider, """{"name":"Bad","grants":[{"permission":"roles.manage","scope":"school","schoolId":1}]}""", "grants[0].schoolId");
            data.Add(provider, """{"name":"Bad\u0000","grants":[]}""", "name");
            data.Add(provider, """{"name":"'; DROP TABLE \"AspNetRoles\"; --","grants":[{"permission":"<script>alert(1)</script>","scope":"school"}]}""", "grants[0].permission");
        }

        return data;
    }

    [Theory, MemberData(nameof(BadRoles))]
    public async Task A_bad_role_is_refused_at_the_field_and_nothing_is_created(DatabaseProvider provider, string body, string field)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var roles = await app.QueryAsync(db => db.Roles.CountAsync());

        await (await admin.PostAsync("/api/v1/roles", Http.Json(body))).ProblemAsync(HttpStatusCode.BadRequest, field);

        Assert.Equal(roles, await app.QueryAsync(db => db.Roles.CountAsync()));
    }

    [Theory, AllProviders]
    public async Task An_unknown_scope_name_is_a_400_not_a_500(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();

        await (await admin.PostAsync("/api/v1/roles", Http.Json("""{"name":"Odd","grants":[{"permission":"students.view","scope":"galaxy"}]}""")))
            .ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory, AllProviders]
    public async Task Presets_keep_their_names_cannot_be_deleted_and_the_administrator_keeps_roles_manage(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var roles = await (await admin.GetAsync("/api/v1/roles")).JsonAsync();
        Assert.Equal(RoleNames.Presets, roles.AsArray().Take(6).Select(r => r!["name"]!.GetValue<string>()));
        var administrator = roles.AsArray().Single(r => r!["name"]!.GetValue<string>() == RoleNames.Administrator)!;
        var id = administrator["id"]!.GetValue<string>();
        var etag = (await admin.GetAsync($"/api/v1/roles/{id}")).Headers.ETag!.Tag;

        var renamed = new JsonObject { ["name"] = "Head", ["grants"] = administrator["grants"]!.DeepClone() };
        await (await admin.SendAsync(Put($"/api/v1/roles/{id}", renamed, etag))).ProblemAsync(HttpStatusCode.BadRequest, "name");
        var withoutRolesManage = new JsonObject
        {
            ["name"] = RoleNames.Administrator,
            ["grants"] = new JsonArray([.. administrator["grants"]!.AsArray()
                .Where(g => g!["permission"]!.GetValue<string>() != "roles.manage").Select(g => g!.DeepClone())]),
        };
        // No custom role with roles.manage is held by anyone in this app, so this would lock everybody out.
        await (await admin.SendAsync(Put($"/api/v1/roles/{id}", withoutRolesManage, etag))).ProblemAsync(HttpStatusCode.Conflict);
        await (await admin.DeleteAsync($"/api/v1/roles/{id}")).ProblemAsync(HttpStatusCode.Conflict);

        var after = await (await admin.GetAsync($"/api/v1/roles/{id}")).JsonAsync();
        Assert.Equal(etag, (await admin.GetAsync($"/api/v1/roles/{id}")).Headers.ETag!.Tag);
        Assert.Contains(after["grants"]!.AsArray(), g => g!["permission"]!.GetValue<string>() == "roles.manage");
    }

    [Theory, AllProviders]
    public async Task A_preset_can_be_edited_and_the_edit_is_what_its_holders_get(DatabaseProvider provider)
    {
        // On an app of its own: the change to the Tutor preset must not leak into other tests.
        await using var app = await (await LyceumApp.CreateAsync(provider)).StartAsync();
        using var admin = await app.AdminClientAsync();
        using var tutor = await app.DemoClientAsync(RoleNames.Tutor);
        await (await tutor.GetAsync("/api/v1/audit")).ProblemAsync(HttpStatusCode.Forbidden);
        var id = await app.QueryAsync(db => db.Roles.Where(r => r.Name == RoleNames.Tutor).Select(r => r.Id).SingleAsync());
        using var read = await admin.GetAsync($"/api/v1/roles/{id}");
        var tutorRole = await read.JsonAsync();
        var grants = tutorRole["grants"]!.AsArray().Select(g => g!.DeepClone())
            .Append(new JsonObject { ["permission"] = "audit.view", ["scope"] = "school" }).ToArray();

        var edited = await (await admin.SendAsync(Put($"/api/v1/roles/{id}",
            new JsonObject { ["name"] = RoleNames.Tutor, ["grants"] = new JsonArray(grants) }, read.Headers.ETag!.Tag))).JsonAsync();

        Assert.True(edited["preset"]!.GetValue<bool>());
        (await tutor.GetAsync("/api/v1/audit")).EnsureSuccessStatusCode();
    }

    [Theory, AllProviders]
    public async Task Role_edits_need_the_current_etag(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var body = new JsonObject { ["name"] = $"Versioned {Guid.NewGuid():N}", ["grants"] = new JsonArray() };
        using var created = await admin.PostAsJsonAsync("/api/v1/roles", body);
        var id = (await created.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var first = created.Headers.ETag!.Tag;

        await (await admin.SendAsync(Put($"/api/v1/roles/{id}", body, null))).ProblemAsync(HttpStatusCode.PreconditionRequired);
        using var saved = await admin.SendAsync(Put($"/api/v1/roles/{id}", new JsonObject { ["name"] = body["name"]!.GetValue<string>(), ["description"] = "v2", ["grants"] = new JsonArray() }, first));
        saved.EnsureSuccessStatusCode();
        await (await admin.SendAsync(Put($"/api/v1/roles/{id}", new JsonObject { ["name"] = body["name"]!.GetValue<string>(), ["description"] = "v3", ["grants"] = new JsonArray() }, first)))
            .ProblemAsync(HttpStatusCode.PreconditionFailed);
        var stored = await (await admin.GetAsync($"/api/v1/roles/{id}")).JsonAsync();
        Assert.Equal("v2", stored["description"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task A_held_custom_role_is_deleted_only_once_nobody_holds_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var created = await admin.PostAsJsonAsync("/api/v1/roles", new { name = $"Temporary {Guid.NewGuid():N}", grants = new[] { new { permission = "students.view", scope = "self" } } });
        var id = (await created.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var (email, _) = await app.CreateUserAsync(RoleNames.Student);
        var userId = await app.UserIdAsync(email);
        (await admin.PostAsJsonAsync($"/api/v1/users/{userId}/roles", new { roleId = id })).EnsureSuccessStatusCode();

        await (await admin.DeleteAsync($"/api/v1/roles/{id}")).ProblemAsync(HttpStatusCode.Conflict);
        (await admin.DeleteAsync($"/api/v1/users/{userId}/roles/{id}")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/roles/{id}")).StatusCode);
        await (await admin.GetAsync($"/api/v1/roles/{id}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.False(await app.QueryAsync(db => db.RoleGrants.AnyAsync(g => g.RoleId == Guid.Parse(id))));
    }

    [Theory, AllProviders]
    public async Task Assigning_unknown_roles_or_to_unknown_accounts_is_refused(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (email, _) = await app.CreateUserAsync(RoleNames.Student);
        var userId = await app.UserIdAsync(email);
        var student = await app.QueryAsync(db => db.Roles.Where(r => r.Name == RoleNames.Student).Select(r => r.Id).SingleAsync());

        await (await admin.PutAsJsonAsync($"/api/v1/users/{userId}/roles", new { roleIds = new[] { student, Guid.NewGuid() } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "roleIds[1]");
        await (await admin.PutAsJsonAsync($"/api/v1/users/{userId}/roles", new { })).ProblemAsync(HttpStatusCode.BadRequest, "roleIds");
        await (await admin.PostAsJsonAsync($"/api/v1/users/{userId}/roles", new { roleId = Guid.NewGuid() })).ProblemAsync(HttpStatusCode.BadRequest, "roleId");
        await (await admin.GetAsync($"/api/v1/users/{Guid.NewGuid()}/roles")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PutAsJsonAsync($"/api/v1/users/{Guid.NewGuid()}/roles", new { roleIds = new[] { student } })).ProblemAsync(HttpStatusCode.NotFound);
        var held = await (await admin.GetAsync($"/api/v1/users/{userId}/roles")).JsonAsync();
        Assert.Equal([RoleNames.Student], held["roles"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
    }

    [Theory, AllProviders]
    public async Task Concurrent_assignments_of_the_same_role_leave_it_held_once_and_never_fail_with_500(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (email, _) = await app.CreateUserAsync(RoleNames.Student);
        var userId = await app.UserIdAsync(email);
        var moderator = await app.QueryAsync(db => db.Roles.Where(r => r.Name == RoleNames.Moderator).Select(r => r.Id).SingleAsync());

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            admin.PostAsJsonAsync($"/api/v1/users/{userId}/roles", new { roleId = moderator })));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(1, await app.QueryAsync(db => db.UserRoles.CountAsync(ur => ur.UserId == userId && ur.RoleId == moderator)));
    }

    private static HttpRequestMessage Edit(int studentId, Guid version, string lastName)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{studentId}") { Content = JsonContent.Create(ValidEdit("Sci", lastName)) };
        request.Headers.TryAddWithoutValidation("If-Match", $"\"{version:N}\"");
        return request;
    }

    private static HttpRequestMessage Put(string url, JsonObject body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return request;
    }
}
