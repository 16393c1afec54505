using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.IntegrationTests.Modules.Schools;
using Lyceum.Modules.Students;
using Lyceum.Modules.Students.RollForward;
using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lyceum.IntegrationTests.Modules.Students;

/// <summary>Moving a school up a year: year groups and forms follow, leavers are archived, and a repeat moves nobody twice.</summary>
[Collection("app")]
public sealed class RollForwardTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task The_school_moves_up_a_year_once_however_often_it_is_asked(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (school, thisYear, nextYear) = await SchoolWithTwoYearsAsync(admin);
        var seven = await StudentAsync(app, school, thisYear, 7, "7B");
        var eight = await StudentAsync(app, school, thisYear, 8, "8A");
        var leaver = await StudentAsync(app, school, thisYear, 13, "13C");
        var section = await app.QueryAsync(db => db.Sections.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());
        await app.InsertAsync(new Lyceum.Modules.Academics.Enrollment { StudentId = leaver, SectionId = section, EnrolledOn = new DateOnly(2020, 9, 1) });
        var unknownYear = await StudentAsync(app, school, null, 9, "Red");
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var body = new { schoolId = school, academicYearId = nextYear, leavingYearGroup = 13 };

        var preview = await (await office.PostAsJsonAsync("/api/v1/students/roll-forward",
            new { schoolId = school, academicYearId = nextYear, leavingYearGroup = 13, dryRun = true })).JsonAsync();
        Assert.True(preview["dryRun"]!.GetValue<bool>());
        Assert.Equal((3, 1), (preview["moved"]!.GetValue<int>(), preview["left"]!.GetValue<int>()));
        Assert.Equal(7, await YearGroupAsync(app, seven));

        var done = await (await office.PostAsJsonAsync("/api/v1/students/roll-forward", body)).JsonAsync();
        Assert.Equal((3, 1, 0), (done["moved"]!.GetValue<int>(), done["left"]!.GetValue<int>(), done["alreadyInYear"]!.GetValue<int>()));
        var moves = done["moves"]!.AsArray().Select(m => (m!["from"]!.GetValue<int>(), m["to"]?.GetValue<int>(), m["students"]!.GetValue<int>())).ToList();
        Assert.Equal([(7, 8, 1), (8, 9, 1), (9, 10, 1), (13, null, 1)], moves);

        var stored = await app.QueryAsync(db => db.Students.Where(s => s.SchoolId == school).OrderBy(s => s.Id)
            .Select(s => new { s.Id, s.YearGroup, s.FormGroup, s.AcademicYearId, Archived = s.ArchivedAt != null }).ToListAsync());
        Assert.Equal((8, "8B", nextYear, false), stored.Where(s => s.Id == seven).Select(s => (s.YearGroup, s.FormGroup, s.AcademicYearId, s.Archived)).Single());
        Assert.Equal((9, "9A"), stored.Where(s => s.Id == eight).Select(s => (s.YearGroup, s.FormGroup)).Single());
        Assert.Equal((10, "Red"), stored.Where(s => s.Id == unknownYear).Select(s => (s.YearGroup, s.FormGroup)).Single());
        Assert.Equal((13, true), stored.Where(s => s.Id == leaver).Select(s => (s.YearGroup, s.Archived)).Single());
        // A leaver leaves their classes too.
        Assert.NotNull(await app.QueryAsync(db => db.Enrollments.Where(e => e.StudentId == leaver).Select(e => e.WithdrawnOn).SingleAsync()));

        // Again (a retry, a second click): nobody moves.
        var again = await (await office.PostAsJsonAsync("/api/v1/students/roll-forward", body)).JsonAsync();
        Assert.Equal((0, 0, 3), (again["moved"]!.GetValue<int>(), again["left"]!.GetValue<int>(), again["alreadyInYear"]!.GetValue<int>()));
        Assert.Equal(8, await YearGroupAsync(app, seven));
    }

    [Theory, AllProviders]
    public async Task Only_the_year_groups_asked_for_move_and_a_bad_request_moves_nobody(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (school, thisYear, nextYear) = await SchoolWithTwoYearsAsync(admin);
        var seven = await StudentAsync(app, school, thisYear, 7, "7A");
        var ten = await StudentAsync(app, school, thisYear, 10, "10A");
        var (otherSchool, _, otherYear) = await SchoolWithTwoYearsAsync(admin);

        await (await admin.PostAsJsonAsync("/api/v1/students/roll-forward", new { schoolId = school, academicYearId = otherYear }))
            .ProblemAsync(HttpStatusCode.BadRequest, "academicYearId");
        await (await admin.PostAsJsonAsync("/api/v1/students/roll-forward", new { schoolId = school }))
            .ProblemAsync(HttpStatusCode.BadRequest, "academicYearId");
        await (await admin.PostAsJsonAsync("/api/v1/students/roll-forward", new { schoolId = school, academicYearId = nextYear, yearGroups = new[] { 7, 99 } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "yearGroups");
        using var teacher = await app.DemoClientAsync(RoleNames.Teacher);
        await (await teacher.PostAsJsonAsync("/api/v1/students/roll-forward", new { schoolId = school, academicYearId = nextYear }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal((7, 10), (await YearGroupAsync(app, seven), await YearGroupAsync(app, ten)));

        var done = await (await admin.PostAsJsonAsync("/api/v1/students/roll-forward", new { schoolId = school, academicYearId = nextYear, yearGroups = new[] { 7 } })).JsonAsync();

        Assert.Equal(1, done["moved"]!.GetValue<int>());
        Assert.Equal((8, 10), (await YearGroupAsync(app, seven), await YearGroupAsync(app, ten)));
        Assert.NotEqual(otherSchool, school);
    }

    [Theory, AllProviders]
    public async Task Students_move_up_only_at_the_turn_of_the_year_not_months_ahead_of_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await SchoolStructureTests.NewSchoolAsync(admin);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var thisYear = await YearAsync(admin, school, "Under way", today.AddMonths(-3));
        var nextYear = await YearAsync(admin, school, "Next autumn", today.AddMonths(9));
        var ended = await YearAsync(admin, school, "Long gone", today.AddYears(-3));
        var seven = await StudentAsync(app, school, thisYear, 7, "7A");
        var leaver = await StudentAsync(app, school, thisYear, 13, "13A");

        // November for a September year: refused, even as a preview, with when it opens.
        foreach (var dryRun in new[] { true, false })
        {
            var early = await (await admin.PostAsJsonAsync("/api/v1/students/roll-forward", new { schoolId = school, academicYearId = nextYear, leavingYearGroup = 13, dryRun }))
                .ProblemAsync(HttpStatusCode.BadRequest, "academicYearId");
            Assert.Contains("twelve weeks before", early["errors"]!["academicYearId"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        }

        await (await admin.PostAsJsonAsync("/api/v1/students/roll-forward", new { schoolId = school, academicYearId = ended }))
            .ProblemAsync(HttpStatusCode.BadRequest, "academicYearId");
        Assert.Equal((7, 13), (await YearGroupAsync(app, seven), await YearGroupAsync(app, leaver)));
        Assert.False(await app.QueryAsync(db => db.Students.AnyAsync(s => s.Id == leaver && s.ArchivedAt != null)));
    }

    [Theory, AllProviders]
    public async Task A_student_added_for_next_year_is_not_moved_up_into_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (school, thisYear, nextYear) = await SchoolWithTwoYearsAsync(admin);
        var (_, _, otherYear) = await SchoolWithTwoYearsAsync(admin);
        var body = ManageStudentsTests.NewStudentBody(school);
        body["yearGroup"] = 7;
        body["formGroup"] = "7A";

        body["academicYearId"] = otherYear;
        await (await admin.PostAsJsonAsync("/api/v1/students", body)).ProblemAsync(HttpStatusCode.BadRequest, "academicYearId");
        body["academicYearId"] = nextYear;
        var intake = (await (await admin.PostAsJsonAsync("/api/v1/students", body)).JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
        var current = await StudentAsync(app, school, thisYear, 7, "7B");

        var done = await (await admin.PostAsJsonAsync("/api/v1/students/roll-forward", new { schoolId = school, academicYearId = nextYear })).JsonAsync();

        Assert.Equal((1, 1), (done["moved"]!.GetValue<int>(), done["alreadyInYear"]!.GetValue<int>()));
        Assert.Equal((7, 8), (await YearGroupAsync(app, intake), await YearGroupAsync(app, current)));
    }

    [Theory, AllProviders]
    public async Task The_page_offers_the_year_after_the_one_under_way_and_the_year_groups_of_current_students(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        // During a year: the next one, not a later one. In the summer between two years: the one about to start.
        var during = await SchoolStructureTests.NewSchoolAsync(admin);
        var thisYear = await YearAsync(admin, during, "This", today.AddMonths(-6));
        var nextYear = await YearAsync(admin, during, "Next", today.AddMonths(6));
        await YearAsync(admin, during, "Later", today.AddMonths(18));
        var summer = await SchoolStructureTests.NewSchoolAsync(admin);
        await YearAsync(admin, summer, "Ended", today.AddMonths(-12));
        var starting = await YearAsync(admin, summer, "Starting", today.AddMonths(1));
        await StudentAsync(app, during, thisYear, 9, "9A");
        await StudentAsync(app, during, thisYear, 7, "7A");
        var leaver = await StudentAsync(app, during, thisYear, 13, "13A");
        await app.QueryAsync(db => db.Students.Where(s => s.Id == leaver).ExecuteUpdateAsync(u => u.SetProperty(s => s.ArchivedAt, (DateTime?)DateTime.UtcNow)));
        await using var scope = app.Services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<RollForwardHandler>();
        var office = await CallerAsync(app, scope, LyceumApp.DemoEmail(RoleNames.Moderator));

        var choices = await handler.ChoicesAsync(office, during, default);
        var between = await handler.ChoicesAsync(office, summer, default);

        Assert.Equal(nextYear, choices.NextYearId);
        Assert.Equal(["This", "Next", "Later"], choices.Years.Select(y => y.Name));
        Assert.Equal([7, 9], choices.YearGroups); // the archived leaver's year group is not offered
        Assert.Equal(starting, between.NextYearId);
        Assert.Contains(during, (await handler.SchoolsAsync(office, default)).Select(s => s.Id));

        // Without students.edit: no school to choose, and nothing about one asked for by id.
        var teacher = await CallerAsync(app, scope, LyceumApp.DemoEmail(RoleNames.Teacher));
        Assert.Empty(await handler.SchoolsAsync(teacher, default));
        var none = await handler.ChoicesAsync(teacher, during, default);
        Assert.Equal((0, null, 0), (none.Years.Count, none.NextYearId, none.YearGroups.Count));
    }

    private static async Task<Caller> CallerAsync(LyceumApp app, AsyncServiceScope scope, string email)
    {
        var id = await app.UserIdAsync(email);
        return await scope.ServiceProvider.GetRequiredService<AccessService>()
            .CallerAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", id.ToString())], "test")), default);
    }

    private static Task<int> YearAsync(HttpClient admin, int school, string name, DateOnly start) =>
        SchoolStructureTests.CreateAsync(admin, "academic-years", new
        {
            schoolId = school,
            name,
            startDate = start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            endDate = start.AddMonths(11).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        });

    /// <summary>A new school at the turn of its year: this academic year ends in a month, the next starts the day after.</summary>
    private static async Task<(int School, int ThisYear, int NextYear)> SchoolWithTwoYearsAsync(HttpClient admin)
    {
        var school = await SchoolStructureTests.NewSchoolAsync(admin);
        var thisYear = await SchoolStructureTests.CreateAsync(admin, "academic-years", new { schoolId = school, name = "This year", startDate = Iso(ThisYearStart), endDate = Iso(NextYearStart.AddDays(-1)) });
        var nextYear = await SchoolStructureTests.CreateAsync(admin, "academic-years", new { schoolId = school, name = "Next year", startDate = Iso(NextYearStart), endDate = Iso(NextYearStart.AddMonths(11)) });
        return (school, thisYear, nextYear);
    }

    private static DateOnly NextYearStart => DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(1);

    private static DateOnly ThisYearStart => NextYearStart.AddMonths(-11);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<int> StudentAsync(LyceumApp app, int school, int? year, int yearGroup, string form)
    {
        var student = new Student
        {
            SchoolId = school,
            AcademicYearId = year,
            StudentNumber = $"R{Random.Shared.Next(1_000_000, 9_999_999)}",
            FirstName = "Rolling",
            LastName = $"Year{yearGroup}",
            DateOfBirth = new DateOnly(2030, 1, 1),
            YearGroup = yearGroup,
            FormGroup = form,
            AdmittedOn = ThisYearStart,
        };
        await app.InsertAsync(student);
        return student.Id;
    }

    private static Task<int> YearGroupAsync(LyceumApp app, int id) => app.QueryAsync(db => db.Students.Where(s => s.Id == id).Select(s => s.YearGroup).SingleAsync());
}
