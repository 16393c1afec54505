using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Behaviour.BehaviourWorld;
using static Lyceum.IntegrationTests.Modules.Behaviour.DetentionsTests;
using static Lyceum.IntegrationTests.Modules.Behaviour.IncidentsTests;

namespace Lyceum.IntegrationTests.Modules.Behaviour;

/// <summary>
/// Who reaches which behaviour: a teacher their own sections' students, a guardian their own child (and never learns
/// who else was involved), a student themself, the office everyone. Out of reach reads as missing (404).
/// </summary>
[Collection("app")]
public sealed class BehaviourAccessTests(AppFixture fixture)
{
    private sealed record Scene(BehaviourWorld World, int Ann, int Bob, int Shared, int BobsOwn, int BobsDetention);

    /// <summary>Ann (in the teacher's class) and Bob (not): an incident of both, one of Bob alone, and a detention of Bob.</summary>
    private static async Task<Scene> SceneAsync(LyceumApp app, HttpClient admin)
    {
        var w = await BehaviourWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Reached");
        var bob = await w.StudentAsync(app, "Bob", "Hidden");
        var shared = (await LogAsync(admin, new { studentIds = new[] { ann, bob }, typeId = w.Helping, description = "Tidied the library together." }))["id"]!.GetValue<int>();
        var bobs = (await LogAsync(admin, new { studentIds = new[] { bob }, typeId = w.Homework }))["id"]!.GetValue<int>();
        var detention = (await ScheduleAsync(admin, new { studentId = bob, date = Wednesday, startTime = "15:30", durationMinutes = 30, supervisorId = w.Teacher, reason = "Homework" }))["id"]!.GetValue<int>();
        return new Scene(w, ann, bob, shared, bobs, detention);
    }

    [Theory, AllProviders]
    public async Task A_teacher_logs_and_sees_behaviour_of_their_own_sections_students_only(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        var (teacher, _, client) = await s.World.StaffWithAccountAsync(app, "Tom", "Teach");
        using var teacherClient = client;
        await s.World.ClassAsync(app, admin, teacher, "9Own", s.Ann);

        var logged = await LogAsync(teacherClient, new { studentIds = new[] { s.Ann }, typeId = s.World.Helping });
        Assert.Equal(teacher, logged["reporterId"]!.GetValue<int>());
        Assert.Equal("Mx Tom Teach", logged["reporter"]!.GetValue<string>());
        var before = await CountsAsync(app);
        await LogAsync(teacherClient, new { studentIds = new[] { s.Ann, s.Bob }, typeId = s.World.Helping }, HttpStatusCode.BadRequest);
        Assert.Equal(before, await CountsAsync(app));

        var shared = await (await teacherClient.GetAsync($"/api/v1/incidents/{s.Shared}")).JsonAsync();
        Assert.Equal([s.Ann], Ids(shared["students"]!, "studentId"));
        await (await teacherClient.GetAsync($"/api/v1/incidents/{s.BobsOwn}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await teacherClient.GetAsync($"/api/v1/students/{s.Bob}/behaviour")).ProblemAsync(HttpStatusCode.NotFound);
        var listed = Ids(Items(await (await teacherClient.GetAsync($"/api/v1/incidents?schoolId={s.World.School}")).JsonAsync()));
        Assert.Equal(new[] { logged["id"]!.GetValue<int>(), s.Shared }.Order(), listed.Order());
        // Searching a hidden student's name finds nothing, not even the shared incident.
        Assert.Empty(Items(await (await teacherClient.GetAsync($"/api/v1/incidents?schoolId={s.World.School}&q=Hidden")).JsonAsync()));
        // The preset has no behaviour.edit or .delete.
        await (await teacherClient.SendAsync(Put($"/api/v1/incidents/{s.Shared}", $"\"{Guid.Empty:N}\"", new { typeId = s.World.Helping }))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await teacherClient.DeleteAsync($"/api/v1/incidents/{s.Shared}")).ProblemAsync(HttpStatusCode.Forbidden);

        // Detentions: for their own students only; Bob's is not theirs to see.
        await ScheduleAsync(teacherClient, new { studentId = s.Ann, date = Wednesday, startTime = "16:00", durationMinutes = 30, supervisorId = teacher, reason = "Talking" });
        using var refused = await teacherClient.PostAsJsonAsync("/api/v1/detentions", new { studentId = s.Bob, date = Wednesday, startTime = "16:00", durationMinutes = 30, supervisorId = teacher, reason = "x" });
        await refused.ProblemAsync(HttpStatusCode.BadRequest, "studentId");
        await (await teacherClient.GetAsync($"/api/v1/detentions/{s.BobsDetention}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await teacherClient.PostAsJsonAsync($"/api/v1/detentions/{s.BobsDetention}/status", new { status = "cancelled" })).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task A_guardian_sees_their_own_childs_behaviour_and_never_the_other_students_of_a_shared_incident(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        var (_, client) = await s.World.GuardianOfAsync(app, s.Ann);
        using var guardian = client;

        var shared = await (await guardian.GetAsync($"/api/v1/incidents/{s.Shared}")).JsonAsync();
        Assert.Equal([s.Ann], Ids(shared["students"]!, "studentId"));
        var listed = Items(await (await guardian.GetAsync("/api/v1/incidents")).JsonAsync());
        Assert.Equal([s.Shared], Ids(listed));
        Assert.DoesNotContain("Bob", listed.ToJsonString(), StringComparison.Ordinal);
        var ledger = await (await guardian.GetAsync($"/api/v1/students/{s.Ann}/behaviour")).JsonAsync();
        Assert.Equal(2, ledger["totals"]!["net"]!.GetValue<int>());

        await (await guardian.GetAsync($"/api/v1/incidents/{s.BobsOwn}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await guardian.GetAsync($"/api/v1/students/{s.Bob}/behaviour")).ProblemAsync(HttpStatusCode.NotFound);
        await (await guardian.GetAsync($"/api/v1/detentions/{s.BobsDetention}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await (await guardian.GetAsync("/api/v1/detentions")).JsonAsync())["totalCount"]!.GetValue<int>());
        await LogAsync(guardian, new { studentIds = new[] { s.Ann }, typeId = s.World.Helping }, HttpStatusCode.Forbidden);
        await (await guardian.PostAsJsonAsync($"/api/v1/detentions/{s.BobsDetention}/status", new { status = "cancelled" })).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, AllProviders]
    public async Task A_student_sees_only_their_own_behaviour_when_a_role_grants_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);

        // The Student preset holds no behaviour permission (the roadmap's student sees timetable, grades, attendance, sessions).
        using var demoStudent = await app.DemoClientAsync(RoleNames.Student);
        await (await demoStudent.GetAsync("/api/v1/incidents")).ProblemAsync(HttpStatusCode.Forbidden);

        // A school that lets students see their own behaviour grants it in the self scope.
        var role = await CreateAsync(admin, "roles", new
        {
            name = $"Own behaviour {Guid.NewGuid():N}",
            description = "Students see their own behaviour and detentions",
            grants = new[] { new { permission = "behaviour.view", scope = "self" }, new { permission = "detentions.view", scope = "self" } },
        });
        var (email, password) = await app.CreateUserAsync(RoleNames.Student);
        var user = await app.UserIdAsync(email);
        (await admin.PostAsJsonAsync($"/api/v1/users/{user}/roles", new { roleId = role })).EnsureSuccessStatusCode();
        await app.QueryAsync(db => db.Students.Where(x => x.Id == s.Ann).ExecuteUpdateAsync(x => x.SetProperty(st => st.UserId, user)));
        using var ann = app.ClientWithToken(await app.TokenAsync(email, password));

        var shared = await (await ann.GetAsync($"/api/v1/incidents/{s.Shared}")).JsonAsync();
        Assert.Equal([s.Ann], Ids(shared["students"]!, "studentId"));
        Assert.Equal([s.Shared], Ids(Items(await (await ann.GetAsync("/api/v1/incidents")).JsonAsync())));
        (await ann.GetAsync($"/api/v1/students/{s.Ann}/behaviour")).EnsureSuccessStatusCode();
        await (await ann.GetAsync($"/api/v1/students/{s.Bob}/behaviour")).ProblemAsync(HttpStatusCode.NotFound);
        await (await ann.GetAsync($"/api/v1/detentions/{s.BobsDetention}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task The_office_sees_and_logs_for_everyone(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);

        var shared = await (await office.GetAsync($"/api/v1/incidents/{s.Shared}")).JsonAsync();
        Assert.Equal(new[] { s.Ann, s.Bob }.Order(), Ids(shared["students"]!, "studentId").Order());
        (await office.GetAsync($"/api/v1/students/{s.Bob}/behaviour")).EnsureSuccessStatusCode();
        await LogAsync(office, new { studentIds = new[] { s.Ann, s.Bob }, typeId = s.World.Helping });
        var marked = await (await office.PostAsJsonAsync($"/api/v1/detentions/{s.BobsDetention}/status", new { status = "cancelled" })).JsonAsync();
        Assert.Equal("cancelled", marked["status"]!.GetValue<string>());
        // The preset may not change or delete incidents.
        await (await office.DeleteAsync($"/api/v1/incidents/{s.Shared}")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    private static async Task<Guid> CreateAsync(HttpClient admin, string route, object body)
    {
        using var response = await admin.PostAsJsonAsync($"/api/v1/{route}", body);
        return Guid.Parse((await response.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<string>());
    }
}
