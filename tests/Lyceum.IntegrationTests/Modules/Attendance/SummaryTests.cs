using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using static Lyceum.IntegrationTests.Modules.Attendance.AttendanceSchool;
using static Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests;

namespace Lyceum.IntegrationTests.Modules.Attendance;

/// <summary>
/// The summaries through /api/v1 after registers with known marks on three days: a student's figures and days, the
/// persistent-absence list, a section's and each day's figures, and who sees what.
/// </summary>
[Collection("app")]
public sealed class SummaryTests(AppFixture fixture)
{
    /// <summary>
    /// Ann, Ben and Cat over three days of two lessons (P1, P2), plus "X", a school's own code that is not a possible
    /// session. Worked by hand:
    /// <code>
    ///            d3 P1  d3 P2  d2 P1  d2 P2  d1 P1      d1 P2
    ///   Ann      N      /      M      /      L (5)      V (visit: present)
    ///   Ben      /      /      /      /      L (10)     X (not counted)
    ///   Cat      /      /      /      /      / + note   N
    /// </code>
    /// Ann: 6 possible, 3 present, 1 late, 1 authorised, 1 unauthorised: 66.7% present, 33.3% absent (persistent).
    /// Ben: 5 possible, 4 present, 1 late: 100%. Cat: 6 possible, 5 present, 1 unauthorised: 83.3%, 16.7% (persistent).
    /// </summary>
    private static async Task<(AttendanceSchool S, DateOnly D1, DateOnly D2, DateOnly D3)> TermAsync(LyceumApp app, HttpClient admin)
    {
        var s = await NewAsync(app, admin);
        var (d1, d2, d3) = (s.Today.AddDays(-1), s.Today.AddDays(-2), s.Today.AddDays(-3));
        var (ann, ben, cat) = (s.Students[0], s.Students[1], s.Students[2]);
        await TakeAsync(s, d3, s.P1, (ann, "N", null, null));
        // The school's defaults exist once a register was opened; now a code of its own.
        await CreateAsync(admin, "attendance-codes", new { schoolId = s.School, code = "X", name = "Study leave", category = "absent", authorised = true, countsAsPossible = false });
        await TakeAsync(s, d3, s.P2);
        await TakeAsync(s, d2, s.P1, (ann, "M", null, null));
        await TakeAsync(s, d2, s.P2);
        await TakeAsync(s, d1, s.P1, (ann, "L", 5, null), (ben, "L", 10, null), (cat, "/", null, "Left at 11 for the dentist"));
        await TakeAsync(s, d1, s.P2, (ann, "V", null, null), (ben, "X", null, null), (cat, "N", null, null));
        return (s, d1, d2, d3);
    }

    private static async Task TakeAsync(AttendanceSchool s, DateOnly date, int period, params (int Student, string Code, int? Late, string? Note)[] except)
    {
        var marks = s.Students.Select(id => except.FirstOrDefault(e => e.Student == id) is { Code: { } code } e
            ? new { studentId = id, code, lateMinutes = e.Late, note = e.Note }
            : new { studentId = id, code = "/", lateMinutes = (int?)null, note = (string?)null });
        var taken = await (await s.Teacher.PutAsJsonAsync(s.Lesson(date, period), new { marks })).JsonAsync();
        Assert.Equal("created", taken["outcome"]!.GetValue<string>());
    }

    private static void AssertTally(JsonNode? tally, int possible, int present, int late, int authorised, int unauthorised, decimal? presentPercent, bool persistent)
    {
        Assert.NotNull(tally);
        Assert.Equal(possible, tally["possible"]!.GetValue<int>());
        Assert.Equal(present, tally["present"]!.GetValue<int>());
        Assert.Equal(late, tally["late"]!.GetValue<int>());
        Assert.Equal(authorised, tally["authorisedAbsent"]!.GetValue<int>());
        Assert.Equal(unauthorised, tally["unauthorisedAbsent"]!.GetValue<int>());
        Assert.Equal(presentPercent, tally["presentPercent"]?.GetValue<decimal>());
        Assert.Equal(persistent, tally["persistentAbsence"]!.GetValue<bool>());
    }

    [Theory, AllProviders]
    public async Task A_students_summary_adds_up_their_marks_day_by_day_with_the_latest_exceptions(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (s, d1, d2, d3) = await TermAsync(app, admin);

        var ann = await (await admin.GetAsync($"/api/v1/students/{s.Students[0]}/attendance")).JsonAsync();
        Assert.Equal("Ann Abbot", ann["name"]!.GetValue<string>());
        Assert.Equal(Iso(s.Today.AddDays(-150)), ann["from"]!.GetValue<string>()); // the academic year so far
        Assert.Equal(Iso(s.Today), ann["to"]!.GetValue<string>());
        AssertTally(ann["tally"], possible: 6, present: 3, late: 1, authorised: 1, unauthorised: 1, presentPercent: 66.7m, persistent: true);
        Assert.Equal(5, ann["tally"]!["lateMinutes"]!.GetValue<int>());
        Assert.Equal(33.3m, ann["tally"]!["absencePercent"]!.GetValue<decimal>());

        var days = ann["days"]!.AsArray();
        Assert.Equal([Iso(d3), Iso(d2), Iso(d1)], days.Select(d => d!["date"]!.GetValue<string>()));
        AssertTally(days[0]!["tally"], 2, 1, 0, 0, 1, 50.0m, true);
        AssertTally(days[1]!["tally"], 2, 1, 0, 1, 0, 50.0m, true);
        AssertTally(days[2]!["tally"], 2, 1, 1, 0, 0, 100.0m, false);

        // Absences and lates, newest first; plain presence (the visit too) is not an exception.
        var exceptions = ann["exceptions"]!.AsArray();
        Assert.Equal(["L", "M", "N"], exceptions.Select(e => e!["code"]!.GetValue<string>()));
        Assert.Equal("9Z Maths Period 1", exceptions[0]!["occasion"]!.GetValue<string>());
        Assert.Equal(5, exceptions[0]!["lateMinutes"]!.GetValue<int>());
        Assert.True(exceptions[1]!["authorised"]!.GetValue<bool>());
        Assert.False(exceptions[2]!["authorised"]!.GetValue<bool>());

        // A code that is not a possible session leaves Ben's percentages alone; a note on a present mark is an exception.
        var ben = await (await admin.GetAsync($"/api/v1/students/{s.Students[1]}/attendance")).JsonAsync();
        AssertTally(ben["tally"], possible: 5, present: 4, late: 1, authorised: 0, unauthorised: 0, presentPercent: 100.0m, persistent: false);
        var cat = await (await admin.GetAsync($"/api/v1/students/{s.Students[2]}/attendance")).JsonAsync();
        AssertTally(cat["tally"], possible: 6, present: 5, late: 0, authorised: 0, unauthorised: 1, presentPercent: 83.3m, persistent: true);
        Assert.Equal(["N", "/"], cat["exceptions"]!.AsArray().Select(e => e!["code"]!.GetValue<string>()));
        Assert.Equal("Left at 11 for the dentist", cat["exceptions"]![1]!["note"]!.GetValue<string>());

        // A range: only the last day.
        var last = await (await admin.GetAsync($"/api/v1/students/{s.Students[0]}/attendance?from={Iso(d1)}&to={Iso(d1)}")).JsonAsync();
        AssertTally(last["tally"], 2, 1, 1, 0, 0, 100.0m, false);
        Assert.Single(last["days"]!.AsArray());
    }

    [Theory, AllProviders]
    public async Task The_schools_list_puts_the_most_absent_first_and_filters_persistent_absentees_and_year_groups(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (s, _, _, _) = await TermAsync(app, admin);
        var url = $"/api/v1/attendance/students?schoolId={s.School}";

        var all = await (await admin.GetAsync(url)).JsonAsync();
        Assert.Equal(["Abbot", "Cooper", "Baker"], all["students"]!.AsArray().Select(x => x!["lastName"]!.GetValue<string>()));
        Assert.Equal(2, all["persistentAbsentees"]!.GetValue<int>());
        AssertTally(all["total"], possible: 17, present: 12, late: 2, authorised: 1, unauthorised: 2, presentPercent: 82.4m, persistent: true);

        var persistent = await (await admin.GetAsync(url + "&persistentOnly=true")).JsonAsync();
        Assert.Equal([s.Students[0], s.Students[2]], persistent["students"]!.AsArray().Select(x => x!["studentId"]!.GetValue<int>()));
        Assert.Equal("9Z", persistent["students"]![0]!["formGroup"]!.GetValue<string>());

        Assert.Empty((await (await admin.GetAsync(url + "&yearGroup=8")).JsonAsync())["students"]!.AsArray());
        Assert.Equal(3, (await (await admin.GetAsync(url + "&yearGroup=9")).JsonAsync())["students"]!.AsArray().Count);
        await (await admin.GetAsync(url + $"&from={Iso(s.Today)}&to={Iso(s.Today.AddDays(-1))}")).ProblemAsync(HttpStatusCode.BadRequest, "from");
        await (await admin.GetAsync(url + $"&from={Iso(s.Today.AddDays(-500))}")).ProblemAsync(HttpStatusCode.BadRequest, "to");
    }

    [Theory, AllProviders]
    public async Task Each_days_figures_add_up_every_students_marks_that_day(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (s, d1, d2, d3) = await TermAsync(app, admin);

        var days = await (await admin.GetAsync($"/api/v1/attendance/days?schoolId={s.School}&from={Iso(d3)}&to={Iso(s.Today)}")).JsonAsync();
        var list = days["days"]!.AsArray();
        Assert.Equal([Iso(d3), Iso(d2), Iso(d1)], list.Select(d => d!["date"]!.GetValue<string>()));
        AssertTally(list[0]!["tally"], possible: 6, present: 5, late: 0, authorised: 0, unauthorised: 1, presentPercent: 83.3m, persistent: true);
        AssertTally(list[1]!["tally"], possible: 6, present: 5, late: 0, authorised: 1, unauthorised: 0, presentPercent: 83.3m, persistent: true);
        AssertTally(list[2]!["tally"], possible: 5, present: 2, late: 2, authorised: 0, unauthorised: 1, presentPercent: 80.0m, persistent: true);
        Assert.Equal(15, list[2]!["tally"]!["lateMinutes"]!.GetValue<int>());
        AssertTally(days["total"], possible: 17, present: 12, late: 2, authorised: 1, unauthorised: 2, presentPercent: 82.4m, persistent: true);

        // The guardian's days are their child's only.
        var mine = await (await s.Guardian.GetAsync($"/api/v1/attendance/days?schoolId={s.School}&from={Iso(d3)}")).JsonAsync();
        AssertTally(mine["days"]![0]!["tally"], 2, 1, 0, 0, 1, 50.0m, true);
        AssertTally(mine["total"], possible: 6, present: 3, late: 1, authorised: 1, unauthorised: 1, presentPercent: 66.7m, persistent: true);
    }

    [Theory, AllProviders]
    public async Task A_guardian_sees_their_own_childs_summary_and_no_other(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (s, _, _, _) = await TermAsync(app, admin);

        var own = await (await s.Guardian.GetAsync($"/api/v1/students/{s.Students[0]}/attendance")).JsonAsync();
        AssertTally(own["tally"], possible: 6, present: 3, late: 1, authorised: 1, unauthorised: 1, presentPercent: 66.7m, persistent: true);
        Assert.Equal(3, own["days"]!.AsArray().Count);

        await (await s.Guardian.GetAsync($"/api/v1/students/{s.Students[1]}/attendance")).ProblemAsync(HttpStatusCode.NotFound);
        var list = await (await s.Guardian.GetAsync($"/api/v1/attendance/students?schoolId={s.School}")).JsonAsync();
        Assert.Equal([s.Students[0]], list["students"]!.AsArray().Select(x => x!["studentId"]!.GetValue<int>()));

        // Another family's account, and a student's own, reach nobody here.
        using var otherGuardian = await app.DemoClientAsync(RoleNames.Guardian);
        await (await otherGuardian.GetAsync($"/api/v1/students/{s.Students[0]}/attendance")).ProblemAsync(HttpStatusCode.NotFound);
        using var student = await app.DemoClientAsync(RoleNames.Student);
        await (await student.GetAsync($"/api/v1/students/{s.Students[0]}/attendance")).ProblemAsync(HttpStatusCode.NotFound);
        using var tutor = await app.DemoClientAsync(RoleNames.Tutor);
        await (await tutor.GetAsync($"/api/v1/students/{s.Students[0]}/attendance")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, AllProviders]
    public async Task A_sections_summary_counts_its_registers_and_lists_only_the_students_the_caller_may_see(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (s, _, _, d3) = await TermAsync(app, admin);
        var url = $"/api/v1/attendance/sections/{s.Section}/summary";

        var teacher = await (await s.Teacher.GetAsync(url)).JsonAsync();
        Assert.Equal("9Z Maths", teacher["section"]!.GetValue<string>());
        Assert.Equal(Iso(s.Today.AddDays(-40)), teacher["from"]!.GetValue<string>()); // the term so far
        Assert.Equal(6, teacher["registers"]!.GetValue<int>());
        Assert.Equal(["Abbot", "Baker", "Cooper"], teacher["students"]!.AsArray().Select(x => x!["lastName"]!.GetValue<string>()));
        AssertTally(teacher["total"], possible: 17, present: 12, late: 2, authorised: 1, unauthorised: 2, presentPercent: 82.4m, persistent: true);

        var day = await (await s.Teacher.GetAsync(url + $"?from={Iso(d3)}&to={Iso(d3)}")).JsonAsync();
        Assert.Equal(2, day["registers"]!.GetValue<int>());

        // The guardian sees the section through their child, and only their child's row.
        var guardian = await (await s.Guardian.GetAsync(url)).JsonAsync();
        var row = Assert.Single(guardian["students"]!.AsArray());
        Assert.Equal(s.Students[0], row!["studentId"]!.GetValue<int>());
        AssertTally(guardian["total"], possible: 6, present: 3, late: 1, authorised: 1, unauthorised: 1, presentPercent: 66.7m, persistent: true);

        using var otherTeacher = await app.DemoClientAsync(RoleNames.Teacher);
        await (await otherTeacher.GetAsync(url)).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/attendance/sections/999999/summary")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
