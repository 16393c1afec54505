using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests;
using static Lyceum.IntegrationTests.Modules.Schools.SectionsTests;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Modules.Schools;

/// <summary>Enrolment through /api/v1: a list into a section, withdrawal with a date, transfer, the class list.</summary>
[Collection("app")]
public sealed class EnrollmentsTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task The_office_enrols_a_list_of_students_and_sending_it_again_changes_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var s = await SetUpAsync(app, admin);
        var section = await CreateAsync(admin, "sections", new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "9A Maths" });
        int[] students = [(await NewStudentAsync(app, "Ann", "Zeta", school: s.School)).Id, (await NewStudentAsync(app, "Bob", "Yates", school: s.School)).Id];

        var first = await (await office.PostAsJsonAsync($"/api/v1/sections/{section}/enrollments", new { studentIds = students, enrolledOn = "2031-09-08" })).JsonAsync();
        Assert.Equal(students.Order(), Ids(first["enrolled"]!).Order());
        var again = await (await office.PostAsJsonAsync($"/api/v1/sections/{section}/enrollments", new { studentIds = students, enrolledOn = "2031-09-08" })).JsonAsync();
        Assert.Empty(Ids(again["enrolled"]!));
        Assert.Equal(students.Order(), Ids(again["alreadyEnrolled"]!).Order());
        Assert.Equal(2, await app.QueryAsync(db => db.Enrollments.CountAsync(e => e.SectionId == section)));

        var list = (await (await office.GetAsync($"/api/v1/sections/{section}/enrollments")).JsonAsync()).AsArray();
        Assert.Equal(["Yates", "Zeta"], list.Select(e => e!["lastName"]!.GetValue<string>()));
        Assert.Equal("2031-09-08", list[0]!["enrolledOn"]!.GetValue<string>());
        var view = await (await office.GetAsync($"/api/v1/sections/{section}")).JsonAsync();
        Assert.Equal(2, view["enrolled"]!.GetValue<int>());
    }

    [Theory, AllProviders]
    public async Task A_withdrawal_keeps_its_date_and_a_transfer_moves_the_student_in_one_step(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);
        var a = await CreateAsync(admin, "sections", new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "9A Maths" });
        var b = await CreateAsync(admin, "sections", new { courseId = s.Course, termId = s.Autumn, teacherId = await NewStaffAsync(app, s.School, "Alan", "Turing"), name = "9B Maths" });
        var ann = (await NewStudentAsync(app, "Ann", "Zeta", school: s.School)).Id;
        var bob = (await NewStudentAsync(app, "Bob", "Yates", school: s.School)).Id;
        await (await admin.PostAsJsonAsync($"/api/v1/sections/{a}/enrollments", new { studentIds = new[] { ann, bob }, enrolledOn = "2031-09-08" })).JsonAsync();
        var list = (await (await admin.GetAsync($"/api/v1/sections/{a}/enrollments")).JsonAsync()).AsArray();
        var annRow = list.Single(e => e!["studentId"]!.GetValue<int>() == ann)!["id"]!.GetValue<int>();
        var bobRow = list.Single(e => e!["studentId"]!.GetValue<int>() == bob)!["id"]!.GetValue<int>();

        await (await admin.PostAsJsonAsync($"/api/v1/enrollments/{annRow}/withdraw", new { withdrawnOn = "2031-09-01" })).ProblemAsync(HttpStatusCode.BadRequest, "withdrawnOn");
        var withdrawn = await (await admin.PostAsJsonAsync($"/api/v1/enrollments/{annRow}/withdraw", new { withdrawnOn = "2031-10-31" })).JsonAsync();
        Assert.Equal("2031-10-31", withdrawn["withdrawnOn"]!.GetValue<string>());
        await (await admin.PostAsJsonAsync($"/api/v1/enrollments/{annRow}/withdraw", new { withdrawnOn = "2031-10-31" })).JsonAsync(); // a retry
        var undated = await (await admin.PostAsJsonAsync($"/api/v1/enrollments/{annRow}/withdraw", new { })).JsonAsync(); // a retry without the date
        Assert.Equal("2031-10-31", undated["withdrawnOn"]!.GetValue<string>());
        await (await admin.PostAsJsonAsync($"/api/v1/enrollments/{annRow}/withdraw", new { withdrawnOn = "2031-11-30" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(["Yates"], Names(await (await admin.GetAsync($"/api/v1/sections/{a}/enrollments")).JsonAsync()));
        Assert.Equal(2, Names(await (await admin.GetAsync($"/api/v1/sections/{a}/enrollments?includeWithdrawn=true")).JsonAsync()).Count);

        var moved = await (await admin.PostAsJsonAsync($"/api/v1/enrollments/{bobRow}/transfer", new { sectionId = b, on = "2031-11-02" })).JsonAsync();
        Assert.Equal(b, moved["sectionId"]!.GetValue<int>());
        Assert.Equal("2031-11-02", moved["enrolledOn"]!.GetValue<string>());
        var retry = await (await admin.PostAsJsonAsync($"/api/v1/enrollments/{bobRow}/transfer", new { sectionId = b, on = "2031-11-02" })).JsonAsync();
        Assert.Equal(moved["id"]!.GetValue<int>(), retry["id"]!.GetValue<int>());
        Assert.Empty(Names(await (await admin.GetAsync($"/api/v1/sections/{a}/enrollments")).JsonAsync()));
        Assert.Equal(["Yates"], Names(await (await admin.GetAsync($"/api/v1/sections/{b}/enrollments")).JsonAsync()));
        var old = await app.QueryAsync(db => db.Enrollments.SingleAsync(e => e.Id == bobRow));
        Assert.Equal(new DateOnly(2031, 11, 2), old.WithdrawnOn);

        // One section of a course at a time: enrolling Bob back into A while he is in B is refused.
        await (await admin.PostAsJsonAsync($"/api/v1/sections/{a}/enrollments", new { studentIds = new[] { bob } })).ProblemAsync(HttpStatusCode.BadRequest, "studentIds");
    }

    [Theory, AllProviders]
    public async Task Students_who_cannot_join_are_named_and_nobody_is_enrolled(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);
        var section = await CreateAsync(admin, "sections", new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "9A Maths", capacity = 2 });
        var ok = (await NewStudentAsync(app, "Ann", "Zeta", school: s.School)).Id;
        var archived = (await NewStudentAsync(app, "Old", "Leaver", archived: true, school: s.School)).Id;
        var elsewhere = (await NewStudentAsync(app, "Far", "Away")).Id;

        foreach (var ids in new[] { new[] { ok, archived }, [ok, elsewhere], [ok, 99_999_999] })
        {
            await (await admin.PostAsJsonAsync($"/api/v1/sections/{section}/enrollments", new { studentIds = ids })).ProblemAsync(HttpStatusCode.BadRequest, "studentIds");
        }

        await (await admin.PostAsJsonAsync($"/api/v1/sections/{section}/enrollments", new { studentIds = new[] { ok }, enrolledOn = "2032-02-01" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "enrolledOn"); // the spring, not this autumn section's term
        int[] three = [ok, (await NewStudentAsync(app, "Bob", "Yates", school: s.School)).Id, (await NewStudentAsync(app, "Cy", "Xu", school: s.School)).Id];
        await (await admin.PostAsJsonAsync($"/api/v1/sections/{section}/enrollments", new { studentIds = three })).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(0, await app.QueryAsync(db => db.Enrollments.CountAsync(e => e.SectionId == section)));
    }

    [Theory, AllProviders]
    public async Task A_student_is_not_enrolled_into_two_classes_at_the_same_period(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);
        var history = await CreateAsync(admin, "courses", new { schoolId = s.School, departmentId = await DepartmentOfAsync(app, s.Course), code = "HI9", name = "Year 9 History" });
        var maths = await CreateAsync(admin, "sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            name = "9A Maths",
            meetings = new[] { new { day = "monday", periodId = s.P1 }, new { day = "tuesday", periodId = s.P2 } },
        });
        var clashing = await CreateAsync(admin, "sections", new
        {
            courseId = history,
            termId = s.Autumn,
            teacherId = await NewStaffAsync(app, s.School, "Mary", "Beard"),
            name = "9A History",
            meetings = new[] { new { day = "tuesday", periodId = s.P2 }, new { day = "wednesday", periodId = s.P1 } },
        });
        var free = await CreateAsync(admin, "sections", new
        {
            courseId = history,
            termId = s.Autumn,
            teacherId = await NewStaffAsync(app, s.School, "Simon", "Schama"),
            name = "9B History",
            meetings = new[] { new { day = "monday", periodId = s.P2 } },
        });
        var ann = (await NewStudentAsync(app, "Ann", "Zeta", school: s.School)).Id;
        var bob = (await NewStudentAsync(app, "Bob", "Yates", school: s.School)).Id;
        await (await admin.PostAsJsonAsync($"/api/v1/sections/{maths}/enrollments", new { studentIds = new[] { ann }, enrolledOn = "2031-09-08" })).JsonAsync();

        var refused = await (await admin.PostAsJsonAsync($"/api/v1/sections/{clashing}/enrollments", new { studentIds = new[] { ann, bob }, enrolledOn = "2031-09-08" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "studentIds");
        Assert.Equal($"Student {ann} already has section 9A Maths at the same time (Tuesday Period 2).", Assert.Single(refused["errors"]!["studentIds"]!.AsArray())!.GetValue<string>());
        Assert.False(await app.QueryAsync(db => db.Enrollments.AnyAsync(e => e.SectionId == clashing)));

        // Another class of the course at a free period takes her; a transfer into the clashing one is refused too.
        await (await admin.PostAsJsonAsync($"/api/v1/sections/{free}/enrollments", new { studentIds = new[] { ann }, enrolledOn = "2031-09-08" })).JsonAsync();
        var row = (await (await admin.GetAsync($"/api/v1/sections/{free}/enrollments")).JsonAsync()).AsArray().Single()!["id"]!.GetValue<int>();
        await (await admin.PostAsJsonAsync($"/api/v1/enrollments/{row}/transfer", new { sectionId = clashing, on = "2031-09-15" })).ProblemAsync(HttpStatusCode.BadRequest, "sectionId");
        Assert.Null(await app.QueryAsync(db => db.Enrollments.Where(e => e.Id == row).Select(e => e.WithdrawnOn).SingleAsync()));
    }

    private static Task<int> DepartmentOfAsync(LyceumApp app, int course) =>
        app.QueryAsync(db => db.Courses.Where(c => c.Id == course).Select(c => c.DepartmentId).SingleAsync());

    [Theory, AllProviders]
    public async Task Enrolments_at_the_same_moment_never_over_fill_a_section(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);
        var section = await CreateAsync(admin, "sections", new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "9A Maths", capacity = 3 });
        var students = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            students.Add((await NewStudentAsync(app, $"Racer{i}", "Concurrent", school: s.School)).Id);
        }

        var responses = await Task.WhenAll(students.Select(id =>
            admin.PostAsJsonAsync($"/api/v1/sections/{section}/enrollments", new { studentIds = new[] { id } })));

        var enrolled = await app.QueryAsync(db => db.Enrollments.CountAsync(e => e.SectionId == section && e.WithdrawnOn == null));
        Assert.InRange(enrolled, 1, 3);
        Assert.Equal(enrolled, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }

    [Theory, AllProviders]
    public async Task A_new_student_enrolled_in_a_teachers_section_is_on_that_teachers_list_and_a_guardian_sees_no_classmates(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var account = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var section = await app.QueryAsync(db => db.Sections.Where(x => x.Teacher!.UserId == account && x.ArchivedAt == null)
            .Select(x => new { x.Id, x.Capacity, Enrolled = x.Enrollments.Count(e => e.WithdrawnOn == null) }).FirstAsync(x => x.Capacity == 0 || x.Enrolled < x.Capacity));
        var newcomer = await NewStudentAsync(app, "Nova", "Newcomer");
        using var teacher = await app.DemoClientAsync(RoleNames.Teacher);
        await (await teacher.GetAsync($"/api/v1/students/{newcomer.Id}")).ProblemAsync(HttpStatusCode.NotFound);

        await (await admin.PostAsJsonAsync($"/api/v1/sections/{section.Id}/enrollments", new { studentIds = new[] { newcomer.Id } })).JsonAsync();

        await (await teacher.GetAsync($"/api/v1/students/{newcomer.Id}")).JsonAsync();
        var classList = await (await teacher.GetAsync($"/api/v1/sections/{section.Id}/enrollments")).JsonAsync();
        Assert.Contains("Newcomer", Names(classList));

        var guardianAccount = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var child = await app.QueryAsync(db => db.Enrollments.Where(e => e.WithdrawnOn == null && e.Student!.Guardians.Any(g => g.Guardian!.UserId == guardianAccount))
            .Select(e => new { e.SectionId, e.Student!.LastName, Classmates = e.Section!.Enrollments.Count(o => o.WithdrawnOn == null) }).FirstAsync(e => e.Classmates > 1));
        using var guardian = await app.DemoClientAsync(RoleNames.Guardian);
        var seen = Names(await (await guardian.GetAsync($"/api/v1/sections/{child.SectionId}/enrollments")).JsonAsync());
        Assert.Equal([child.LastName], seen.Distinct());
    }

    private static IEnumerable<int> Ids(JsonNode array) => array.AsArray().Select(i => i!.GetValue<int>());

    private static List<string> Names(JsonNode list) => [.. list.AsArray().Select(e => e!["lastName"]!.GetValue<string>())];
}
