using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using static Lyceum.IntegrationTests.Modules.Gradebook.GradebookWorld;

namespace Lyceum.IntegrationTests.Modules.Gradebook;

/// <summary>
/// Who reaches which gradebook: a teacher their own classes, the office every class to read (never to mark), a head of
/// department the classes of their department's courses; a guardian and a student never a class's gradebook, only
/// their own child's or their own published grades. Out of reach reads as missing (404); seen but not changeable, 403.
/// </summary>
[Collection("app")]
public sealed class GradebookAccessTests(AppFixture fixture)
{
    /// <summary>Ann in a Maths class of its own teacher, Bob in a Science class of another; a test in each, both marked and published.</summary>
    private sealed record Scene(GradebookWorld World, int Maths, int Science, int MathsTest, int ScienceTest, int Ann, int Bob, int ScienceDepartment);

    private static async Task<Scene> SceneAsync(LyceumApp app, HttpClient admin)
    {
        var w = await GradebookWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Algebra");
        var bob = await w.StudentAsync(app, "Bob", "Biology");
        var (scienceCourse, scienceDepartment) = await w.OtherDepartmentCourseAsync(admin, "Science");
        var scienceTeacher = await Schools.SectionsTests.NewStaffAsync(app, w.School, "Sue", "Science");
        var maths = await w.ClassAsync(app, admin, w.Teacher, "9A Maths", [ann]);
        var science = await w.ClassAsync(app, admin, scienceTeacher, "9A Science", [bob], scienceCourse);
        var mathsTest = await AssessmentAsync(admin, maths, await CategoryAsync(admin, maths, "Tests", 100), "Algebra test", 20);
        var scienceTest = await AssessmentAsync(admin, science, await CategoryAsync(admin, science, "Tests", 100), "Cells test", 20);
        await SavedAsync(admin, maths, new Cell(mathsTest, ann, 15));
        await SavedAsync(admin, science, new Cell(scienceTest, bob, 12));
        return new Scene(w, maths, science, mathsTest, scienceTest, ann, bob, scienceDepartment);
    }

    [Theory, AllProviders]
    public async Task A_teacher_reaches_only_the_gradebooks_of_their_own_classes(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        var (own, client) = await s.World.StaffWithAccountAsync(app, "Tom", "Teach");
        using var teacher = client;
        var mine = await s.World.ClassAsync(app, admin, own, "9T Maths", [s.Ann]);
        var before = Cells(await GradebookAsync(admin, s.Maths));

        var book = await GradebookAsync(teacher, mine);
        Assert.True(book["canEdit"]!.GetValue<bool>());
        Assert.True(book["canPublish"]!.GetValue<bool>());

        await (await teacher.GetAsync($"/api/v1/sections/{s.Maths}/gradebook")).ProblemAsync(HttpStatusCode.NotFound);
        await (await SaveAsync(teacher, s.Maths, new Cell(s.MathsTest, s.Ann, 1))).ProblemAsync(HttpStatusCode.NotFound);
        await (await teacher.PostAsJsonAsync($"/api/v1/sections/{s.Maths}/grade-categories", new { name = "Sneaky", weight = 1 })).ProblemAsync(HttpStatusCode.NotFound);
        await (await teacher.PostAsync($"/api/v1/assessments/{s.MathsTest}/publish", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await teacher.DeleteAsync($"/api/v1/assessments/{s.MathsTest}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await teacher.PutAsJsonAsync($"/api/v1/sections/{s.Maths}/term-grades/{s.Ann}", new { comment = "x" })).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, Cells(await GradebookAsync(admin, s.Maths)));
        Assert.Single((await GradebookAsync(admin, s.Maths))["categories"]!.AsArray());

        // Ann's grades: the teacher sees their own class of hers in full, not her other teacher's class.
        var anns = await GradesAsync(teacher, s.Ann);
        Assert.False(anns["publishedOnly"]!.GetValue<bool>());
        Assert.NotNull(SectionOf(anns, mine));
        Assert.Null(SectionOf(anns, s.Maths));
        await (await teacher.GetAsync($"/api/v1/students/{s.Bob}/grades")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task The_office_reads_every_gradebook_but_enters_no_marks(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        using var office = await app.ClientAsAsync(RoleNames.Moderator);
        var before = await GradebookAsync(admin, s.Maths);

        var book = await GradebookAsync(office, s.Maths);
        Assert.Equal(15m, PointsOf(book, s.Ann, s.MathsTest));
        Assert.False(book["canEdit"]!.GetValue<bool>());
        Assert.False(book["canPublish"]!.GetValue<bool>());
        await GradebookAsync(office, s.Science);
        // The whole record of a student, unpublished marks too.
        Assert.Equal(15m, MarksShown(await GradesAsync(office, s.Ann), s.Maths).Single()!["points"]!.GetValue<decimal>());

        await (await SaveAsync(office, s.Maths, new Cell(s.MathsTest, s.Ann, 20, Version: VersionOf(before, s.Ann, s.MathsTest)))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await office.PostAsync($"/api/v1/assessments/{s.MathsTest}/publish", null)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await office.PostAsJsonAsync($"/api/v1/sections/{s.Maths}/grade-categories", new { name = "Office", weight = 1 })).ProblemAsync(HttpStatusCode.Forbidden);
        var after = await GradebookAsync(admin, s.Maths);
        Assert.Equal(Cells(before), Cells(after));
        Assert.Equal(15m, PointsOf(after, s.Ann, s.MathsTest));
        Assert.Null(AssessmentIn(after, s.MathsTest)["publishedAt"]);
    }

    [Theory, AllProviders]
    public async Task A_head_of_department_reads_the_gradebooks_of_their_departments_courses_only(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        using var created = await admin.PostAsJsonAsync("/api/v1/roles", new
        {
            name = $"Head of Science {Guid.NewGuid():N}"[..30],
            description = "Reads the gradebooks of Science",
            grants = new[] { new { permission = "grades.view", scope = "department", departmentId = s.ScienceDepartment } },
        });
        var role = (await created.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var (email, password) = await app.CreateUserAsync(RoleNames.Teacher, "Hilda Head");
        var user = await app.UserIdAsync(email);
        using var assigned = await admin.PutAsJsonAsync($"/api/v1/users/{user}/roles", new { roleIds = new[] { role } });
        await assigned.JsonAsync();
        using var head = app.ClientWithToken(await app.TokenAsync(email, password));

        var science = await GradebookAsync(head, s.Science);
        Assert.Equal(12m, PointsOf(science, s.Bob, s.ScienceTest));
        Assert.False(science["canEdit"]!.GetValue<bool>());
        await (await head.GetAsync($"/api/v1/sections/{s.Maths}/gradebook")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.NotNull(SectionOf(await GradesAsync(head, s.Bob), s.Science));
        await (await head.GetAsync($"/api/v1/students/{s.Ann}/grades")).ProblemAsync(HttpStatusCode.NotFound);
        // Reading is all the role grants.
        await (await SaveAsync(head, s.Science, new Cell(s.ScienceTest, s.Bob, 20))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(12m, PointsOf(await GradebookAsync(admin, s.Science), s.Bob, s.ScienceTest));
    }

    [Theory, AllProviders]
    public async Task A_guardian_sees_only_their_own_childs_published_grades_and_never_a_class_gradebook(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        var tests = (await GradebookAsync(admin, s.Maths))["categories"]![0]!["id"]!.GetValue<int>();
        var second = await AssessmentAsync(admin, s.Maths, tests, "Unpublished quiz", 10);
        await SavedAsync(admin, s.Maths, new Cell(second, s.Ann, 3));
        (await admin.PostAsync($"/api/v1/assessments/{s.MathsTest}/publish", null)).EnsureSuccessStatusCode();
        (await admin.PostAsync($"/api/v1/assessments/{s.ScienceTest}/publish", null)).EnsureSuccessStatusCode();
        var (_, client) = await s.World.GuardianOfAsync(app, s.Ann);
        using var guardian = client;

        await (await guardian.GetAsync($"/api/v1/sections/{s.Maths}/gradebook")).ProblemAsync(HttpStatusCode.NotFound);
        await (await SaveAsync(guardian, s.Maths, new Cell(s.MathsTest, s.Ann, 20))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await guardian.PostAsync($"/api/v1/assessments/{s.MathsTest}/unpublish", null)).ProblemAsync(HttpStatusCode.Forbidden);

        var anns = await GradesAsync(guardian, s.Ann);
        Assert.True(anns["publishedOnly"]!.GetValue<bool>());
        var shown = Assert.Single(MarksShown(anns, s.Maths))!;
        Assert.Equal((s.MathsTest, 15m), (shown["assessmentId"]!.GetValue<int>(), shown["points"]!.GetValue<decimal>()));
        Assert.DoesNotContain("Unpublished quiz", anns.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(SectionOf(anns, s.Science));
        await (await guardian.GetAsync($"/api/v1/students/{s.Bob}/grades")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task A_student_sees_only_their_own_published_grades(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        var (cat, client) = await s.World.StudentWithAccountAsync(app, "Cat", "Classmate");
        using var student = client;
        await app.InsertAsync(new Lyceum.Modules.Academics.Enrollment { StudentId = cat, SectionId = s.Maths, EnrolledOn = new DateOnly(2031, 9, 1) });
        await SavedAsync(admin, s.Maths, new Cell(s.MathsTest, cat, 18));
        (await admin.PostAsync($"/api/v1/assessments/{s.MathsTest}/publish", null)).EnsureSuccessStatusCode();

        var own = await GradesAsync(student, cat);
        Assert.Equal(18m, Assert.Single(MarksShown(own, s.Maths))!["points"]!.GetValue<decimal>());
        Assert.DoesNotContain("\"points\":15", own.ToJsonString(), StringComparison.Ordinal);
        await (await student.GetAsync($"/api/v1/students/{s.Ann}/grades")).ProblemAsync(HttpStatusCode.NotFound);
        await (await student.GetAsync($"/api/v1/sections/{s.Maths}/gradebook")).ProblemAsync(HttpStatusCode.NotFound);
        await (await SaveAsync(student, s.Maths, new Cell(s.MathsTest, cat, 20))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(18m, PointsOf(await GradebookAsync(admin, s.Maths), cat, s.MathsTest));
    }
}
