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

/// <summary>
/// GET /api/v1/timetable: the week grid of a student, a member of staff, a room and a section, each reached through
/// the permission that guards it.
/// </summary>
[Collection("app")]
public sealed class TimetableTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task A_students_grid_has_their_active_classes_of_the_current_term_only(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await WeekAsync(app, admin);

        var grid = await (await admin.GetAsync($"/api/v1/timetable?studentId={w.Ann}")).JsonAsync();

        Assert.Equal("student", grid["subject"]!["kind"]!.GetValue<string>());
        Assert.Equal(w.Ann, grid["subject"]!["id"]!.GetValue<int>());
        Assert.Equal("Ann Zeta", grid["subject"]!["name"]!.GetValue<string>());
        Assert.Equal(w.Now, grid["term"]!["id"]!.GetValue<int>()); // the term under way, not the next one
        Assert.Equal([w.S.P1, w.S.P2], grid["periods"]!.AsArray().Select(p => p!["id"]!.GetValue<int>()));
        Assert.Equal("09:00:00", grid["periods"]![0]!["startsAt"]!.GetValue<string>());
        Assert.Equal(["monday", "tuesday", "wednesday", "thursday", "friday"], Days(grid));
        // 9A Maths only: not Physics (withdrawn yesterday), not the autumn section (another term).
        Assert.Equal([("monday", w.S.P1, "9A Maths"), ("wednesday", w.S.P2, "9A Maths")], Slots(grid));
        var meeting = grid["meetings"]![0]!;
        Assert.Equal("Year 9 Mathematics", meeting["courseName"]!.GetValue<string>());
        Assert.Equal("Ms Ada Byron", meeting["teacherName"]!.GetValue<string>());
        Assert.Equal("Lab 1", meeting["roomName"]!.GetValue<string>());
        Assert.Equal(w.A, meeting["sectionId"]!.GetValue<int>());

        var autumn = await (await admin.GetAsync($"/api/v1/timetable?studentId={w.Ann}&termId={w.S.Autumn}")).JsonAsync();
        Assert.Equal(w.S.Autumn, autumn["term"]!["id"]!.GetValue<int>());
        Assert.Equal([("thursday", w.S.P1, "9A Maths")], Slots(autumn));
    }

    [Theory, AllProviders]
    public async Task A_teachers_a_rooms_and_a_sections_grids_have_their_live_sections_of_the_term(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await WeekAsync(app, admin);

        // Ada teaches 9A and 9C now (9E is archived) and 9A in the autumn; 9C also meets on a Saturday.
        var ada = await (await admin.GetAsync($"/api/v1/timetable?staffId={w.S.Teacher}")).JsonAsync();
        Assert.Equal("Ms Ada Byron", ada["subject"]!["name"]!.GetValue<string>());
        Assert.Equal([("monday", w.S.P1, "9A Maths"), ("tuesday", w.S.P1, "9C Maths"), ("wednesday", w.S.P2, "9A Maths"), ("saturday", w.S.P1, "9C Maths")], Slots(ada));
        Assert.Equal(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"], Days(ada));
        var adaAutumn = await (await admin.GetAsync($"/api/v1/timetable?staffId={w.S.Teacher}&termId={w.S.Autumn}")).JsonAsync();
        Assert.Equal([("thursday", w.S.P1, "9A Maths")], Slots(adaAutumn));

        var lab = await (await admin.GetAsync($"/api/v1/timetable?roomId={w.S.Lab}")).JsonAsync();
        Assert.Equal(("room", "Lab 1"), (lab["subject"]!["kind"]!.GetValue<string>(), lab["subject"]!["name"]!.GetValue<string>()));
        Assert.Equal([("monday", w.S.P1, "9A Maths"), ("wednesday", w.S.P2, "9A Maths")], Slots(lab));
        var studio = await (await admin.GetAsync($"/api/v1/timetable?roomId={w.Studio}")).JsonAsync();
        Assert.Equal([("monday", w.S.P1, "9B Physics"), ("tuesday", w.S.P1, "9C Maths"), ("friday", w.S.P2, "9B Physics"), ("saturday", w.S.P1, "9C Maths")], Slots(studio));

        var physics = await (await admin.GetAsync($"/api/v1/timetable?sectionId={w.B}")).JsonAsync();
        Assert.Equal(("section", "9B Physics"), (physics["subject"]!["kind"]!.GetValue<string>(), physics["subject"]!["name"]!.GetValue<string>()));
        Assert.Equal([("monday", w.S.P1, "9B Physics"), ("friday", w.S.P2, "9B Physics")], Slots(physics));
        Assert.Equal("Mr Alan Turing", physics["meetings"]![0]!["teacherName"]!.GetValue<string>());
        // A section's grid opens on its own term, even when another is under way.
        var autumnSection = await (await admin.GetAsync($"/api/v1/timetable?sectionId={w.Autumn}")).JsonAsync();
        Assert.Equal(w.S.Autumn, autumnSection["term"]!["id"]!.GetValue<int>());
        Assert.Equal([("thursday", w.S.P1, "9A Maths")], Slots(autumnSection));
        var archived = await (await admin.GetAsync($"/api/v1/timetable?sectionId={w.Archived}")).JsonAsync();
        Assert.Empty(archived["meetings"]!.AsArray());
    }

    [Theory, AllProviders]
    public async Task Without_a_term_under_way_the_grid_shows_the_next_one_and_a_term_of_another_school_is_refused(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);
        var elsewhere = await SetUpAsync(app, admin);
        await CreateAsync(admin, "sections", new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "Autumn", meetings = new[] { new { day = "monday", periodId = s.P1 } } });
        await CreateAsync(admin, "sections", new { courseId = s.Course, termId = s.Spring, teacherId = s.Teacher, name = "Spring", meetings = new[] { new { day = "friday", periodId = s.P2 } } });

        var grid = await (await admin.GetAsync($"/api/v1/timetable?staffId={s.Teacher}")).JsonAsync();

        Assert.Equal(s.Autumn, grid["term"]!["id"]!.GetValue<int>());
        Assert.Equal([("monday", s.P1, "Autumn")], Slots(grid));
        Assert.Equal([s.Autumn, s.Spring], grid["terms"]!.AsArray().Select(t => t!["id"]!.GetValue<int>()));
        await (await admin.GetAsync($"/api/v1/timetable?staffId={s.Teacher}&termId={elsewhere.Autumn}")).ProblemAsync(HttpStatusCode.BadRequest, "termId");
    }

    [Theory, AllProviders]
    public async Task A_guardian_sees_their_own_childs_timetable_and_not_another_childs(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var guardian = await app.DemoClientAsync(RoleNames.Guardian);
        var account = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var child = await app.QueryAsync(db => db.StudentGuardians
            .Where(l => l.Guardian!.UserId == account && l.Student!.Enrollments.Any(e => e.WithdrawnOn == null))
            .Select(l => l.StudentId).FirstAsync());
        var other = await NewStudentAsync(app, "Not", "Theirs");

        var own = await (await guardian.GetAsync($"/api/v1/timetable?studentId={child}")).JsonAsync();
        var asAdmin = await (await admin.GetAsync($"/api/v1/timetable?studentId={child}")).JsonAsync();

        Assert.NotEmpty(own["meetings"]!.AsArray());
        Assert.Equal(asAdmin.ToJsonString(), own.ToJsonString());
        var refused = await (await guardian.GetAsync($"/api/v1/timetable?studentId={other.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        var missing = await (await guardian.GetAsync("/api/v1/timetable?studentId=987654321")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(missing["title"]!.GetValue<string>(), refused["title"]!.GetValue<string>());
        Assert.Equal($"There is no student {other.Id}.", refused["detail"]!.GetValue<string>()); // as if it did not exist
        // Rooms are the school's structure (school.view), which a guardian does not see at all; staff they do not reach.
        var w = await WeekAsync(app, admin);
        await (await guardian.GetAsync($"/api/v1/timetable?roomId={w.S.Lab}")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await guardian.GetAsync($"/api/v1/timetable?staffId={w.S.Teacher}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await guardian.GetAsync($"/api/v1/timetable?sectionId={w.A}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task A_teacher_sees_their_own_timetable_and_a_student_theirs(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var teacher = await app.DemoClientAsync(RoleNames.Teacher);
        var teacherAccount = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var self = await app.QueryAsync(db => db.Staff.Where(x => x.UserId == teacherAccount).Select(x => x.Id).SingleAsync());
        var taught = await app.QueryAsync(db => db.Sections.Where(x => x.TeacherId == self && x.ArchivedAt == null).Select(x => x.TermId).FirstAsync());

        var own = await (await teacher.GetAsync($"/api/v1/timetable?staffId={self}&termId={taught}")).JsonAsync();

        Assert.NotEmpty(own["meetings"]!.AsArray());
        Assert.All(own["meetings"]!.AsArray(), m => Assert.Equal(self, m!["teacherId"]!.GetValue<int>()));
        var expected = await app.QueryAsync(db => db.SectionMeetings.CountAsync(m =>
            db.Sections.Any(x => x.Id == m.SectionId && x.TeacherId == self && x.TermId == taught && x.ArchivedAt == null)));
        Assert.Equal(expected, own["meetings"]!.AsArray().Count);
        var stranger = await NewStudentAsync(app, "Never", "Taught");
        await (await teacher.GetAsync($"/api/v1/timetable?studentId={stranger.Id}")).ProblemAsync(HttpStatusCode.NotFound);

        using var student = await app.DemoClientAsync(RoleNames.Student);
        var studentAccount = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Student));
        var me = await app.QueryAsync(db => db.Students.Where(x => x.UserId == studentAccount).Select(x => x.Id).SingleAsync());
        var mine = await (await student.GetAsync($"/api/v1/timetable?studentId={me}")).JsonAsync();
        Assert.NotEmpty(mine["meetings"]!.AsArray());
        await (await student.GetAsync($"/api/v1/timetable?studentId={stranger.Id}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await student.GetAsync($"/api/v1/timetable?staffId={self}")).ProblemAsync(HttpStatusCode.NotFound);
        using var tutor = await app.DemoClientAsync(RoleNames.Tutor);
        await (await tutor.GetAsync($"/api/v1/timetable?staffId={self}")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, AllProviders]
    public async Task Exactly_one_subject_is_asked_for_and_an_unknown_one_is_not_found(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();

        var none = await (await admin.GetAsync("/api/v1/timetable")).ProblemAsync(HttpStatusCode.BadRequest, "studentId");
        Assert.Equal(["studentId", "staffId", "roomId", "sectionId"], none["errors"]!.AsObject().Select(e => e.Key));
        var two = await (await admin.GetAsync("/api/v1/timetable?studentId=1&roomId=1")).ProblemAsync(HttpStatusCode.BadRequest, "roomId");
        Assert.Equal(["studentId", "roomId"], two["errors"]!.AsObject().Select(e => e.Key));
        await (await admin.GetAsync("/api/v1/timetable?sectionId=abc")).ProblemAsync(HttpStatusCode.BadRequest, "sectionId");

        foreach (var (field, noun) in new[] { ("studentId", "student"), ("staffId", "member of staff"), ("roomId", "room"), ("sectionId", "section") })
        {
            var missing = await (await admin.GetAsync($"/api/v1/timetable?{field}=987654321")).ProblemAsync(HttpStatusCode.NotFound);
            Assert.Equal($"There is no {noun} 987654321.", missing["detail"]!.GetValue<string>());
        }

        using var anonymous = app.CreateClient();
        await (await anonymous.GetAsync("/api/v1/timetable?studentId=1")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    internal sealed record Week(Setup S, int Now, int Studio, int A, int B, int C, int Autumn, int Archived, int Ann);

    /// <summary>
    /// A school (<see cref="SectionsTests.SetUpAsync"/>) with a term under way (around today) besides its 2031/32 terms,
    /// a second room and teacher, and these sections of the term under way: 9A Maths (Ada, Lab 1: Monday P1, Wednesday
    /// P2), 9B Physics (Alan, Studio: Monday P1, Friday P2), 9C Maths (Ada, Studio: Tuesday and Saturday P1) and 9E
    /// Maths (Ada, Lab 1: Thursday P2, archived); in the autumn of 2031, 9A Maths (Ada, Lab 1: Thursday P1). Ann is in
    /// 9A now, was in 9B until yesterday, and is in the autumn's 9A.
    /// </summary>
    internal static async Task<Week> WeekAsync(LyceumApp app, HttpClient admin)
    {
        var s = await SetUpAsync(app, admin);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var year = await CreateAsync(admin, "academic-years", new { schoolId = s.School, name = "Current", startDate = Iso(today.AddDays(-60)), endDate = Iso(today.AddDays(60)) });
        var now = await CreateAsync(admin, "terms", new { academicYearId = year, name = "Now", startDate = Iso(today.AddDays(-30)), endDate = Iso(today.AddDays(30)) });
        var studio = await CreateAsync(admin, "rooms", new { schoolId = s.School, name = "Studio" });
        var alan = await NewStaffAsync(app, s.School, "Alan", "Turing", "Mr");
        var department = await app.QueryAsync(db => db.Courses.Where(c => c.Id == s.Course).Select(c => c.DepartmentId).SingleAsync());
        var physics = await CreateAsync(admin, "courses", new { schoolId = s.School, departmentId = department, code = "PH9", name = "Year 9 Physics" });

        object Section(int course, int term, int teacher, int room, string name, params (string Day, int Period)[] meetings) => new
        {
            courseId = course,
            termId = term,
            teacherId = teacher,
            roomId = room,
            name,
            meetings = meetings.Select(m => new { day = m.Day, periodId = m.Period }).ToArray(),
        };

        var a = await CreateAsync(admin, "sections", Section(s.Course, now, s.Teacher, s.Lab, "9A Maths", ("monday", s.P1), ("wednesday", s.P2)));
        var b = await CreateAsync(admin, "sections", Section(physics, now, alan, studio, "9B Physics", ("monday", s.P1), ("friday", s.P2)));
        var c = await CreateAsync(admin, "sections", Section(s.Course, now, s.Teacher, studio, "9C Maths", ("tuesday", s.P1), ("saturday", s.P1)));
        var archived = await CreateAsync(admin, "sections", Section(s.Course, now, s.Teacher, s.Lab, "9E Maths", ("thursday", s.P2)));
        await (await admin.PostAsync($"/api/v1/sections/{archived}/archive", null)).JsonAsync();
        var autumn = await CreateAsync(admin, "sections", Section(s.Course, s.Autumn, s.Teacher, s.Lab, "9A Maths", ("thursday", s.P1)));

        // Physics until yesterday, then Maths at the same periods (a student is never in both at once).
        var ann = (await NewStudentAsync(app, "Ann", "Zeta", school: s.School)).Id;
        await (await admin.PostAsJsonAsync($"/api/v1/sections/{b}/enrollments", new { studentIds = new[] { ann }, enrolledOn = Iso(today.AddDays(-20)) })).JsonAsync();
        var physicsRow = await app.QueryAsync(db => db.Enrollments.Where(e => e.SectionId == b && e.StudentId == ann).Select(e => e.Id).SingleAsync());
        await (await admin.PostAsJsonAsync($"/api/v1/enrollments/{physicsRow}/withdraw", new { withdrawnOn = Iso(today.AddDays(-1)) })).JsonAsync();
        await (await admin.PostAsJsonAsync($"/api/v1/sections/{a}/enrollments", new { studentIds = new[] { ann }, enrolledOn = Iso(today.AddDays(-1)) })).JsonAsync();
        await (await admin.PostAsJsonAsync($"/api/v1/sections/{autumn}/enrollments", new { studentIds = new[] { ann }, enrolledOn = "2031-09-01" })).JsonAsync();
        return new Week(s, now, studio, a, b, c, autumn, archived, ann);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Days(JsonNode grid) => [.. grid["days"]!.AsArray().Select(d => d!.GetValue<string>())];

    private static List<(string Day, int Period, string Section)> Slots(JsonNode grid) =>
        [.. grid["meetings"]!.AsArray().Select(m => (m!["day"]!.GetValue<string>(), m["periodId"]!.GetValue<int>(), m["sectionName"]!.GetValue<string>()))];
}
