using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Modules.Students;

/// <summary>The students endpoints answer each role preset within its scope: no one sees another family's child.</summary>
[Collection("app")]
public sealed class StudentsAccessTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task A_guardian_lists_exactly_their_own_children_and_gets_404_for_any_other_student(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var guardian = await app.DemoClientAsync(RoleNames.Guardian);
        var userId = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var children = await app.QueryAsync(db => db.StudentGuardians
            .Where(l => l.Guardian!.UserId == userId && l.Student!.ArchivedAt == null)
            .Select(l => l.StudentId).ToListAsync());

        var listed = await ListedIdsAsync(guardian);

        Assert.True(children.Count >= 2, "the demo guardian has at least two children");
        Assert.Equal(children.Order(), listed.Order());
        (await guardian.GetAsync($"/api/v1/students/{children[0]}")).EnsureSuccessStatusCode();
        var other = await app.QueryAsync(db => db.Students.Where(s => !children.Contains(s.Id)).Select(s => s.Id).FirstAsync());
        var problem = await (await guardian.GetAsync($"/api/v1/students/{other}")).ProblemAsync(HttpStatusCode.NotFound);
        var missing = await (await guardian.GetAsync("/api/v1/students/987654321")).ProblemAsync(HttpStatusCode.NotFound);
        // The same answer as for a student that does not exist: existence is not revealed.
        Assert.Equal(missing["title"]!.GetValue<string>(), problem["title"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task A_teacher_lists_exactly_the_students_of_their_own_sections(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var teacher = await app.DemoClientAsync(RoleNames.Teacher);
        var userId = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var taught = await app.QueryAsync(db => db.Enrollments
            .Where(e => e.WithdrawnOn == null && e.Section!.Teacher!.UserId == userId && e.Student!.ArchivedAt == null)
            .Select(e => e.StudentId).Distinct().ToListAsync());

        var listed = await ListedIdsAsync(teacher);

        Assert.NotEmpty(taught);
        Assert.Equal(taught.Order(), listed.Order());
        (await teacher.GetAsync($"/api/v1/students/{taught[0]}")).EnsureSuccessStatusCode();
        var untaught = await app.QueryAsync(db => db.Students.Where(s => !taught.Contains(s.Id)).Select(s => s.Id).FirstAsync());
        await (await teacher.GetAsync($"/api/v1/students/{untaught}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task A_student_sees_only_themself(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var student = await app.DemoClientAsync(RoleNames.Student);
        var userId = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Student));
        var self = await app.QueryAsync(db => db.Students.Where(s => s.UserId == userId).Select(s => s.Id).SingleAsync());

        Assert.Equal([self], await ListedIdsAsync(student));
        var profile = await (await student.GetAsync($"/api/v1/students/{self}")).JsonAsync();
        Assert.Equal(self, profile["id"]!.GetValue<int>());
        var sibling = await app.QueryAsync(db => db.Students.Where(s => s.Id != self).Select(s => s.Id).FirstAsync());
        await (await student.GetAsync($"/api/v1/students/{sibling}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task A_tutor_sees_only_their_tutees_and_an_account_linked_to_nobody_sees_no_students(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var tutor = await app.DemoClientAsync(RoleNames.Tutor);
        using var unlinkedGuardian = await app.ClientAsAsync(RoleNames.Guardian);
        var tutorUser = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Tutor));
        var tutees = await app.QueryAsync(db => db.TutoringSessionStudents.Where(s => s.Session!.Tutor!.UserId == tutorUser)
            .Select(s => s.StudentId).Distinct().ToListAsync());

        // The demo tutor teaches some of the demo's tutees: exactly those, no one else.
        Assert.NotEmpty(tutees);
        Assert.Equal(tutees.Order(), (await ListedIdsAsync(tutor)).Order());
        Assert.Empty(await ListedIdsAsync(unlinkedGuardian));
        var any = await app.QueryAsync(db => db.Students.Select(s => s.Id).FirstAsync());
        await (await unlinkedGuardian.GetAsync($"/api/v1/students/{any}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task Search_and_filters_never_widen_a_scope(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var guardian = await app.DemoClientAsync(RoleNames.Guardian);
        var outsider = await NewStudentAsync(app, "Outsider", "Zzyzx");

        var page = await (await guardian.GetAsync("/api/v1/students?q=Zzyzx&includeArchived=true&pageSize=100")).JsonAsync();

        Assert.Equal(0, page["totalCount"]!.GetValue<int>());
        using var admin = await app.AdminClientAsync();
        var adminPage = await (await admin.GetAsync("/api/v1/students?q=Zzyzx")).JsonAsync();
        Assert.Contains(adminPage["items"]!.AsArray(), i => i!["id"]!.GetValue<int>() == outsider.Id);
    }

    [Theory, AllProviders]
    public async Task A_moderator_edits_any_student_and_a_teacher_may_not_edit_even_their_own(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var moderator = await app.DemoClientAsync(RoleNames.Moderator);
        using var teacher = await app.DemoClientAsync(RoleNames.Teacher);
        var student = await NewStudentAsync(app, "Editable", "ByOffice");
        var etag = $"\"{student.Version:N}\"";

        using var refused = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student.Id}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(ValidEdit("Teacher", "Tried")),
        };
        refused.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await teacher.SendAsync(refused)).ProblemAsync(HttpStatusCode.Forbidden);

        using var allowed = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student.Id}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(ValidEdit("Office", "Edited")),
        };
        allowed.Headers.TryAddWithoutValidation("If-Match", etag);
        var body = await (await moderator.SendAsync(allowed)).JsonAsync();
        Assert.Equal("Edited", body["lastName"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task A_profile_shows_guardians_and_enrolments_only_as_far_as_the_callers_grants_reach(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var guardianUser = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var teacherUser = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        // A child of the demo guardian who is also taught by the demo teacher, if there is one; else any child.
        var child = await app.QueryAsync(db => db.Students
            .Where(s => s.Guardians.Any(g => g.Guardian!.UserId == guardianUser))
            .OrderByDescending(s => s.Enrollments.Any(e => e.Section!.Teacher!.UserId == teacherUser)).ThenBy(s => s.Id)
            .Select(s => s.Id).FirstAsync());
        var allGuardians = await app.QueryAsync(db => db.StudentGuardians.Where(l => l.StudentId == child).Select(l => l.GuardianId).ToListAsync());
        var allSections = await app.QueryAsync(db => db.Enrollments.Where(e => e.StudentId == child && e.WithdrawnOn == null).Select(e => e.SectionId).ToListAsync());

        using var admin = await app.AdminClientAsync();
        var full = await (await admin.GetAsync($"/api/v1/students/{child}")).JsonAsync();
        Assert.Equal(allGuardians.Order(), Ids(full, "guardians", "guardianId").Order());
        Assert.Equal(allSections.Order(), Ids(full, "enrollments", "sectionId").Order());

        using var guardian = await app.DemoClientAsync(RoleNames.Guardian);
        var asParent = await (await guardian.GetAsync($"/api/v1/students/{child}")).JsonAsync();
        Assert.Equal(allGuardians.Order(), Ids(asParent, "guardians", "guardianId").Order()); // the family's own guardians
        Assert.Equal(allSections.Order(), Ids(asParent, "enrollments", "sectionId").Order()); // the child's timetable

        // A role that may see students in the school but nothing else: the student's own details only.
        using var created = await admin.PostAsJsonAsync("/api/v1/roles", new { name = $"Students only {Guid.NewGuid():N}", grants = new[] { new { permission = "students.view", scope = "school" } } });
        var roleId = (await created.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var (email, password) = await app.CreateUserAsync(RoleNames.Student);
        (await admin.PutAsJsonAsync($"/api/v1/users/{await app.UserIdAsync(email)}/roles", new { roleIds = new[] { roleId } })).EnsureSuccessStatusCode();
        using var narrow = app.ClientWithToken(await app.TokenAsync(email, password));
        var bare = await (await narrow.GetAsync($"/api/v1/students/{child}")).JsonAsync();
        Assert.Equal(child, bare["id"]!.GetValue<int>());
        Assert.Empty(bare["guardians"]!.AsArray());
        Assert.Empty(bare["enrollments"]!.AsArray());

        // The teacher sees the guardians of a student they teach, and only their own sections of the timetable.
        var taught = await app.QueryAsync(db => db.Enrollments
            .Where(e => e.WithdrawnOn == null && e.Section!.Teacher!.UserId == teacherUser).Select(e => e.StudentId).FirstAsync());
        var teacherSections = await app.QueryAsync(db => db.Enrollments
            .Where(e => e.StudentId == taught && e.WithdrawnOn == null && e.Section!.Teacher!.UserId == teacherUser).Select(e => e.SectionId).ToListAsync());
        using var teacher = await app.DemoClientAsync(RoleNames.Teacher);
        var asTeacher = await (await teacher.GetAsync($"/api/v1/students/{taught}")).JsonAsync();
        Assert.Equal(teacherSections.Order(), Ids(asTeacher, "enrollments", "sectionId").Order());
        Assert.Equal(
            (await app.QueryAsync(db => db.StudentGuardians.Where(l => l.StudentId == taught).Select(l => l.GuardianId).ToListAsync())).Order(),
            Ids(asTeacher, "guardians", "guardianId").Order());
    }

    private static IEnumerable<int> Ids(System.Text.Json.Nodes.JsonNode profile, string list, string key) =>
        profile[list]!.AsArray().Select(i => i![key]!.GetValue<int>());

    private static async Task<List<int>> ListedIdsAsync(HttpClient client)
    {
        var ids = new List<int>();
        for (var page = 1; ; page++)
        {
            var body = await (await client.GetAsync($"/api/v1/students?pageSize=100&page={page}")).JsonAsync();
            var items = body["items"]!.AsArray();
            ids.AddRange(items.Select(i => i!["id"]!.GetValue<int>()));
            if (ids.Count >= body["totalCount"]!.GetValue<int>() || items.Count == 0)
            {
                return ids;
            }
        }
    }
}
