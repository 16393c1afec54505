using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Attendance;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Attendance;

/// <summary>Taking a register through /api/v1: the sheet, submission, retries, races, amendments and bad input.</summary>
[Collection("app")]
public sealed class RegisterTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task A_teacher_takes_todays_register_and_a_retry_changes_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);

        var sheet = await (await s.Teacher.GetAsync(s.Lesson(s.Today))).JsonAsync();
        Assert.False(sheet["taken"]!.GetValue<bool>());
        Assert.Equal(["Abbot", "Baker", "Cooper"], sheet["students"]!.AsArray().Select(x => x!["lastName"]!.GetValue<string>()));
        Assert.All(sheet["students"]!.AsArray(), x => Assert.Null(x!["mark"]));
        Assert.Contains(sheet["codes"]!.AsArray(), c => c!["code"]!.GetValue<string>() == "N" && string.Equals(c["category"]!.GetValue<string>(), "absent", StringComparison.OrdinalIgnoreCase));

        var body = s.Marks((s.Students[0], "N"), (s.Students[1], "L"));
        var first = await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), body)).JsonAsync();
        Assert.Equal("created", first["outcome"]!.GetValue<string>());
        Assert.True(first["taken"]!.GetValue<bool>());
        Assert.Equal(5, first["students"]![1]!["mark"]!["lateMinutes"]!.GetValue<int>());
        Assert.Equal("Ada Byron", first["takenBy"]!.GetValue<string>());

        var retry = await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), body);
        Assert.Equal("unchanged", (await retry.JsonAsync())["outcome"]!.GetValue<string>());
        Assert.Equal(first["version"]!.GetValue<string>(), (await (await s.Teacher.GetAsync(s.Lesson(s.Today))).JsonAsync())["version"]!.GetValue<string>());

        var slot = Register.LessonSlot(s.Section, s.Today, s.P1);
        Assert.Equal(1, await app.QueryAsync(db => db.Registers.CountAsync(r => r.Slot == slot)));
        Assert.Equal(3, await app.QueryAsync(db => db.AttendanceMarks.CountAsync(m => db.Registers.Any(r => r.Id == m.RegisterId && r.Slot == slot))));
    }

    [Theory, AllProviders]
    public async Task An_unexplained_absence_notifies_the_guardian_once_a_day_in_the_same_transaction(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        var ann = s.Students[0];

        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), s.Marks((ann, "N")))).JsonAsync();
        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today, s.P2), s.Marks((ann, "N")))).JsonAsync(); // the afternoon too

        var events = await app.QueryAsync(db => db.OutboxMessages.Where(o => o.Type == EventTypes.UnexplainedAbsence && o.Payload.Contains($"\"studentId\":{ann},")).ToListAsync());
        Assert.Single(events);
        var inbox = await (await s.Guardian.GetAsync("/api/v1/notifications")).JsonAsync();
        Assert.Equal(1, inbox["unread"]!.GetValue<int>());
        var note = inbox["items"]![0]!;
        Assert.Equal("Ann Abbot was marked absent", note["title"]!.GetValue<string>());
        Assert.Equal($"/students/{ann}?tab=attendance", note["link"]!.GetValue<string>());

        await (await s.Guardian.PostAsJsonAsync($"/api/v1/notifications/{note["id"]}/read", new { })).JsonAsync();
        Assert.Equal(0, (await (await s.Guardian.GetAsync("/api/v1/notifications")).JsonAsync())["unread"]!.GetValue<int>());

        // An authorised absence (medical) is explained: no event for Ben.
        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today.AddDays(-1)), s.Marks((s.Students[1], "M")))).JsonAsync();
        Assert.False(await app.QueryAsync(db => db.OutboxMessages.AnyAsync(o => o.Payload.Contains($"\"studentId\":{s.Students[1]},"))));
    }

    [Theory, AllProviders]
    public async Task A_late_arrival_notifies_the_guardian_once_a_day_and_again_when_another_day_is_amended_to_late(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        var ann = s.Students[0];

        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), s.Marks((ann, "L")))).JsonAsync();
        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today, s.P2), s.Marks((ann, "L")))).JsonAsync(); // late to the afternoon too

        Assert.Single(await app.QueryAsync(db => db.OutboxMessages.Where(o => o.Type == EventTypes.Late && o.Payload.Contains($"\"studentId\":{ann},")).ToListAsync()));
        var inbox = await (await s.Guardian.GetAsync("/api/v1/notifications")).JsonAsync();
        var note = Assert.Single(inbox["items"]!.AsArray())!;
        Assert.Equal("late", note["kind"]!.GetValue<string>());
        Assert.Equal("Ann Abbot arrived late", note["title"]!.GetValue<string>());
        Assert.Contains("arrived 5 minutes late", note["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"/students/{ann}?tab=attendance", note["link"]!.GetValue<string>());

        // Yesterday's register said present; amended to late, it tells the guardian about that day.
        var yesterday = s.Today.AddDays(-1);
        await (await s.Teacher.PutAsJsonAsync(s.Lesson(yesterday), s.Marks())).JsonAsync();
        Assert.Single((await (await s.Guardian.GetAsync("/api/v1/notifications")).JsonAsync())["items"]!.AsArray());
        var amended = await (await s.Teacher.PutAsJsonAsync(s.Lesson(yesterday), s.Marks("Came in after the bell", (ann, "L")))).JsonAsync();
        Assert.Equal("amended", amended["outcome"]!.GetValue<string>());
        var items = (await (await s.Guardian.GetAsync("/api/v1/notifications")).JsonAsync())["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal("late", i!["kind"]!.GetValue<string>()));
    }

    [Theory, AllProviders]
    public async Task Other_marks_for_a_taken_register_need_a_reason_and_the_amendment_is_recorded(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var s = await AttendanceSchool.NewAsync(app, admin);
        var ben = s.Students[1];
        var taken = await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), s.Marks((ben, "N")))).JsonAsync();

        var refused = await (await office.PutAsJsonAsync(s.Lesson(s.Today), s.Marks())).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("already taken", refused["detail"]!.GetValue<string>());
        Assert.Equal("N", (await (await s.Teacher.GetAsync(s.Lesson(s.Today))).JsonAsync())["students"]![1]!["mark"]!["code"]!.GetValue<string>());

        var stale = new HttpRequestMessage(HttpMethod.Put, s.Lesson(s.Today)) { Content = JsonContent.Create(s.Marks("Arrived with a note", (ben, "M"))) };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{Guid.NewGuid():N}\"");
        await (await office.SendAsync(stale)).ProblemAsync(HttpStatusCode.PreconditionFailed);

        var amend = new HttpRequestMessage(HttpMethod.Put, s.Lesson(s.Today)) { Content = JsonContent.Create(s.Marks("Arrived with a note", (ben, "M"))) };
        amend.Headers.TryAddWithoutValidation("If-Match", $"\"{Guid.Parse(taken["version"]!.GetValue<string>()):N}\"");
        var amended = await (await office.SendAsync(amend)).JsonAsync();
        Assert.Equal("amended", amended["outcome"]!.GetValue<string>());
        Assert.Equal("M", amended["students"]![1]!["mark"]!["code"]!.GetValue<string>());
        Assert.NotNull(amended["amendedAt"]);

        var slot = Register.LessonSlot(s.Section, s.Today, s.P1);
        var record = await app.QueryAsync(db => db.RegisterAmendments.SingleAsync(a => db.Registers.Any(r => r.Id == a.RegisterId && r.Slot == slot)));
        Assert.Equal("Arrived with a note", record.Reason);
        Assert.Contains("\"before\":{\"code\":\"N\"", record.Changes);
        Assert.Contains("\"after\":{\"code\":\"M\"", record.Changes);
        Assert.True(await app.QueryAsync(db => db.AuditEntries.AnyAsync(e => e.Entity == "RegisterAmendment" && e.EntityId == record.Id.ToString())));
        Assert.Equal(3, await app.QueryAsync(db => db.AttendanceMarks.CountAsync(m => db.Registers.Any(r => r.Id == m.RegisterId && r.Slot == slot))));
    }

    [Theory, AllProviders]
    public async Task Two_teachers_submitting_the_same_register_at_once_leave_one_register_and_no_duplicate_marks(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var s = await AttendanceSchool.NewAsync(app, admin);
        var date = s.Today.AddDays(-2);

        // Ten identical submissions at once (retries racing each other): all succeed, one creates.
        var same = s.Marks((s.Students[2], "L"));
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => s.Teacher.PutAsJsonAsync(s.Lesson(date), same)));
        var outcomes = await Task.WhenAll(answers.Select(async a => (await a.JsonAsync())["outcome"]!.GetValue<string>()));
        Assert.Equal(1, outcomes.Count(o => o == "created"));
        Assert.Equal(9, outcomes.Count(o => o == "unchanged"));

        // Two different registers for the same lesson at once: one wins, the other is told (409), none is merged.
        var other = s.Today.AddDays(-3);
        var both = await Task.WhenAll(
            s.Teacher.PutAsJsonAsync(s.Lesson(other), s.Marks((s.Students[0], "N"))),
            office.PutAsJsonAsync(s.Lesson(other), s.Marks((s.Students[1], "N"))));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], both.Select(b => b.StatusCode).Order());
        var winner = await both.Single(b => b.StatusCode == HttpStatusCode.OK).JsonAsync();
        var absent = winner["students"]!.AsArray().Where(x => x!["mark"]!["code"]!.GetValue<string>() == "N").ToList();
        Assert.Single(absent);

        foreach (var d in new[] { date, other })
        {
            var slot = Register.LessonSlot(s.Section, d, s.P1);
            Assert.Equal(1, await app.QueryAsync(db => db.Registers.CountAsync(r => r.Slot == slot)));
            Assert.Equal(3, await app.QueryAsync(db => db.AttendanceMarks.CountAsync(m => db.Registers.Any(r => r.Id == m.RegisterId && r.Slot == slot))));
        }
    }

    [Theory, AllProviders]
    public async Task Bad_registers_are_refused_at_the_field_and_store_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        var stranger = (await Students.StudentsApiTests.NewStudentAsync(app, "Zed", "Stranger", school: s.School)).Id;
        var url = s.Lesson(s.Today);
        object Body(params object[] marks) => new { marks };
        object Mark(int student, string code = "/", int? late = null, string? timeIn = null, string? timeOut = null) =>
            new { studentId = student, code, lateMinutes = late, timeIn, timeOut };
        object[] Rest(int from) => [.. s.Students.Skip(from).Select(x => Mark(x))];

        await (await s.Teacher.PutAsJsonAsync(url, Body([Mark(stranger), .. Rest(0)]))).ProblemAsync(HttpStatusCode.BadRequest, "marks[0].studentId");
        await (await s.Teacher.PutAsJsonAsync(url, Body([Mark(s.Students[0], "Q"), .. Rest(1)]))).ProblemAsync(HttpStatusCode.BadRequest, "marks[0].code");
        await (await s.Teacher.PutAsJsonAsync(url, Body([Mark(s.Students[0], "L", -5), .. Rest(1)]))).ProblemAsync(HttpStatusCode.BadRequest, "marks[0].lateMinutes");
        await (await s.Teacher.PutAsJsonAsync(url, Body([Mark(s.Students[0], "/", null, "10:00", "09:00"), .. Rest(1)]))).ProblemAsync(HttpStatusCode.BadRequest, "marks[0].timeOut");
        await (await s.Teacher.PutAsJsonAsync(url, Body(Mark(s.Students[0])))).ProblemAsync(HttpStatusCode.BadRequest, "marks");
        await (await s.Teacher.PutAsJsonAsync(url, Body([Mark(s.Students[0]), .. Rest(0)]))).ProblemAsync(HttpStatusCode.BadRequest, "marks[1].studentId");
        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today.AddDays(1)), s.Marks())).ProblemAsync(HttpStatusCode.BadRequest, "date");
        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today.AddYears(5)), s.Marks())).ProblemAsync(HttpStatusCode.BadRequest, "date");
        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today.AddDays(-60)), s.Marks())).ProblemAsync(HttpStatusCode.BadRequest, "date");
        await (await s.Teacher.PutAsJsonAsync($"/api/v1/attendance/registers/lessons/{s.Section}/26-11-2026/{s.P1}", s.Marks())).ProblemAsync(HttpStatusCode.BadRequest, "date");
        await (await s.Teacher.PutAsync(url, Http.Json("{\"marks\":\"all present\"}"))).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.False(await app.QueryAsync(db => db.Registers.AnyAsync(r => r.SectionId == s.Section)));
        Assert.False(await app.QueryAsync(db => db.AttendanceMarks.AnyAsync(m => s.Students.Contains(m.StudentId))));
    }

    [Theory, AllProviders]
    public async Task Only_the_sections_teacher_and_the_office_take_its_register(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        using var otherTeacher = await app.DemoClientAsync(RoleNames.Teacher);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        using var student = await app.DemoClientAsync(RoleNames.Student);
        using var tutor = await app.DemoClientAsync(RoleNames.Tutor);

        await (await otherTeacher.GetAsync(s.Lesson(s.Today))).ProblemAsync(HttpStatusCode.NotFound);
        await (await otherTeacher.PutAsJsonAsync(s.Lesson(s.Today), s.Marks())).ProblemAsync(HttpStatusCode.NotFound);
        await (await s.Guardian.GetAsync(s.Lesson(s.Today))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await s.Guardian.PutAsJsonAsync(s.Lesson(s.Today), s.Marks())).ProblemAsync(HttpStatusCode.Forbidden);
        await (await student.PutAsJsonAsync(s.Lesson(s.Today), s.Marks())).ProblemAsync(HttpStatusCode.Forbidden);
        await (await tutor.PutAsJsonAsync(s.Lesson(s.Today), s.Marks())).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.False(await app.QueryAsync(db => db.Registers.AnyAsync(r => r.SectionId == s.Section)));

        await (await office.PutAsJsonAsync(s.Lesson(s.Today), s.Marks())).JsonAsync();
        Assert.Equal("created", (await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today.AddDays(-1)), s.Marks())).JsonAsync())["outcome"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task The_registers_due_today_show_what_is_missing_until_it_is_taken(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        using var otherTeacher = await app.DemoClientAsync(RoleNames.Teacher);
        var s = await AttendanceSchool.NewAsync(app, admin);
        var url = $"/api/v1/attendance/registers?schoolId={s.School}&date={AttendanceSchool.Iso(s.Today)}";

        var before = await (await office.GetAsync(url)).JsonAsync();
        Assert.Equal(2, before["expected"]!.GetValue<int>());
        Assert.Equal(2, before["missing"]!.GetValue<int>());
        Assert.Equal(["Period 1", "Period 2"], before["items"]!.AsArray().Select(i => i!["period"]!.GetValue<string>()));
        Assert.All(before["items"]!.AsArray(), i => Assert.Equal(3, i!["students"]!.GetValue<int>()));
        Assert.Equal(2, (await (await s.Teacher.GetAsync(url)).JsonAsync())["expected"]!.GetValue<int>());
        Assert.Equal(0, (await (await otherTeacher.GetAsync(url)).JsonAsync())["expected"]!.GetValue<int>());

        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), s.Marks((s.Students[0], "N"), (s.Students[1], "L")))).JsonAsync();

        var after = await (await office.GetAsync(url)).JsonAsync();
        Assert.Equal(1, after["taken"]!.GetValue<int>());
        Assert.Equal(1, after["missing"]!.GetValue<int>());
        var taken = after["items"]![0]!;
        Assert.True(taken["taken"]!.GetValue<bool>());
        Assert.Equal(1, taken["absent"]!.GetValue<int>());
        Assert.Equal(1, taken["late"]!.GetValue<int>());
        Assert.False(taken["overdue"]!.GetValue<bool>());
        var missing = await (await office.GetAsync(url + "&missing=true")).JsonAsync();
        Assert.Equal(["Period 2"], missing["items"]!.AsArray().Select(i => i!["period"]!.GetValue<string>()));

        // Yesterday's untaken registers are overdue.
        var yesterday = await (await office.GetAsync($"/api/v1/attendance/registers?schoolId={s.School}&date={AttendanceSchool.Iso(s.Today.AddDays(-1))}")).JsonAsync();
        Assert.Equal(2, yesterday["overdue"]!.GetValue<int>());
    }

    [Theory, AllProviders]
    public async Task The_office_explains_a_days_unexplained_absence_in_every_register_at_once(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var s = await AttendanceSchool.NewAsync(app, admin);
        var ann = s.Students[0];
        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), s.Marks((ann, "N"), (s.Students[2], "L")))).JsonAsync();
        await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today, s.P2), s.Marks((ann, "N")))).JsonAsync();
        var list = $"/api/v1/attendance/absences?schoolId={s.School}&date={AttendanceSchool.Iso(s.Today)}";

        var absent = (await (await office.GetAsync(list)).JsonAsync())["students"]!.AsArray();
        Assert.Equal([ann], absent.Select(a => a!["studentId"]!.GetValue<int>()));
        Assert.Equal(2, absent[0]!["registers"]!.AsArray().Count);
        Assert.Single((await (await s.Guardian.GetAsync(list)).JsonAsync())["students"]!.AsArray());

        var explain = $"/api/v1/students/{ann}/attendance/explain";
        await (await office.PostAsJsonAsync(explain, new { date = s.Today, code = "N", reason = "Mum rang" })).ProblemAsync(HttpStatusCode.BadRequest, "code");
        await (await office.PostAsJsonAsync(explain, new { date = s.Today, code = "M" })).ProblemAsync(HttpStatusCode.BadRequest, "reason");
        var done = await (await office.PostAsJsonAsync(explain, new { date = s.Today, code = "M", reason = "Mum rang: dentist" })).JsonAsync();
        Assert.Equal(2, done["registersAmended"]!.GetValue<int>());
        Assert.Empty((await (await office.GetAsync(list)).JsonAsync())["students"]!.AsArray());
        await (await office.PostAsJsonAsync(explain, new { date = s.Today, code = "M", reason = "Mum rang: dentist" })).ProblemAsync(HttpStatusCode.BadRequest, "date");

        var sheet = await (await s.Teacher.GetAsync(s.Lesson(s.Today))).JsonAsync();
        Assert.Equal(["M", "/", "L"], sheet["students"]!.AsArray().Select(x => x!["mark"]!["code"]!.GetValue<string>()));
        Assert.Equal(5, sheet["students"]![2]!["mark"]!["lateMinutes"]!.GetValue<int>());
        Assert.Equal(2, await app.QueryAsync(db => db.RegisterAmendments.CountAsync(a => a.Reason == "Mum rang: dentist" && db.Registers.Any(r => r.Id == a.RegisterId && r.SectionId == s.Section))));
    }
}
