using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Attendance;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Attendance.AttendanceSchool;

namespace Lyceum.IntegrationTests.Modules.Attendance;

/// <summary>Registration settings through /api/v1: a year group registering daily, its form tutor, and bad input.</summary>
[Collection("app")]
public sealed class SettingsTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task A_daily_year_group_has_AM_and_PM_registers_per_form_taken_by_its_tutor_instead_of_lesson_registers(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await NewAsync(app, admin);
        var registers = $"/api/v1/attendance/registers?schoolId={s.School}&date={Iso(s.Weekday)}";
        var am = $"/api/v1/attendance/registers/daily/{s.School}/9Z/{Iso(s.Weekday)}/AM";

        var before = await (await s.Teacher.GetAsync(registers)).JsonAsync();
        Assert.All(before["items"]!.AsArray(), i => Assert.Equal("lesson", i!["kind"]!.GetValue<string>()));
        Assert.Equal(2, before["expected"]!.GetValue<int>()); // the section's P1 and P2 today
        await (await s.Teacher.PutAsJsonAsync(am, s.Marks())).ProblemAsync(HttpStatusCode.NotFound); // no tutor of 9Z yet

        var saved = await (await admin.PutAsJsonAsync($"/api/v1/attendance/settings/{s.School}", new
        {
            yearGroups = new[] { new { yearGroup = 9, mode = "daily" } },
            formGroups = new[] { new { formGroup = "9Z", staffMemberId = (int?)s.TeacherStaff } },
        })).JsonAsync();
        var year = Assert.Single(saved["yearGroups"]!.AsArray(), y => y!["yearGroup"]!.GetValue<int>() == 9);
        Assert.Equal("daily", year!["mode"]!.GetValue<string>());
        Assert.Equal(3, year["students"]!.GetValue<int>());
        var form = Assert.Single(saved["formGroups"]!.AsArray());
        Assert.Equal("9Z", form!["formGroup"]!.GetValue<string>());
        Assert.Equal(s.TeacherStaff, form["staffMemberId"]!.GetValue<int>());
        Assert.Equal("Ada Byron", form["tutor"]!.GetValue<string>());

        // The teacher (now 9Z's tutor) is due 9Z's AM and PM registers today, and no longer the year 9 lesson's.
        var after = await (await s.Teacher.GetAsync(registers)).JsonAsync();
        var items = after["items"]!.AsArray();
        Assert.Equal(["daily", "daily"], items.Select(i => i!["kind"]!.GetValue<string>()));
        Assert.All(items, i => Assert.Equal("9Z", i!["formGroup"]!.GetValue<string>()));
        Assert.Equal(["am", "pm"], items.Select(i => i!["session"]!.GetValue<string>().ToLowerInvariant()));
        Assert.Equal(3, items[0]!["students"]!.GetValue<int>());

        var taken = await (await s.Teacher.PutAsJsonAsync(am, s.Marks((s.Students[0], "N")))).JsonAsync();
        Assert.Equal("created", taken["outcome"]!.GetValue<string>());
        Assert.Equal(3, taken["students"]!.AsArray().Count);
        Assert.True((await (await s.Teacher.GetAsync(registers)).JsonAsync())["items"]![0]!["taken"]!.GetValue<bool>());

        // Its marks count in the student's summary like any other.
        var ann = await (await admin.GetAsync($"/api/v1/students/{s.Students[0]}/attendance")).JsonAsync();
        Assert.Equal("9Z AM", ann["exceptions"]![0]!["occasion"]!.GetValue<string>());
        Assert.Equal(1, ann["tally"]!["unauthorisedAbsent"]!.GetValue<int>());

        // Another teacher is not 9Z's tutor: as if there were no such register.
        using var other = await app.DemoClientAsync(RoleNames.Teacher);
        var pm = $"/api/v1/attendance/registers/daily/{s.School}/9Z/{Iso(s.Weekday)}/PM";
        await (await other.GetAsync(pm)).ProblemAsync(HttpStatusCode.NotFound);
        await (await other.PutAsJsonAsync(pm, s.Marks())).ProblemAsync(HttpStatusCode.NotFound);
        Assert.False(await app.QueryAsync(db => db.Registers.AnyAsync(r => r.SchoolId == s.School && r.Session == DaySession.PM)));

        // Removing the tutor takes the registers away from the teacher again.
        await (await admin.PutAsJsonAsync($"/api/v1/attendance/settings/{s.School}", new { formGroups = new[] { new { formGroup = "9Z", staffMemberId = (int?)null } } })).JsonAsync();
        await (await s.Teacher.PutAsJsonAsync(pm, s.Marks())).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task Bad_settings_are_refused_at_the_field_and_change_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await NewAsync(app, admin);
        var url = $"/api/v1/attendance/settings/{s.School}";
        var elsewhere = await app.QueryAsync(db => db.Staff.Where(x => x.SchoolId != s.School).Select(x => x.Id).FirstAsync());

        await (await admin.PutAsJsonAsync(url, new { yearGroups = new[] { new { yearGroup = (int?)9, mode = "weekly" } } })).ProblemAsync(HttpStatusCode.BadRequest, "yearGroups[0].mode");
        await (await admin.PutAsJsonAsync(url, new { yearGroups = new[] { new { yearGroup = (int?)99, mode = "daily" } } })).ProblemAsync(HttpStatusCode.BadRequest, "yearGroups[0].yearGroup");
        await (await admin.PutAsJsonAsync(url, new { yearGroups = new[] { new { yearGroup = (int?)null, mode = "daily" } } })).ProblemAsync(HttpStatusCode.BadRequest, "yearGroups[0].yearGroup");
        await (await admin.PutAsJsonAsync(url, new { yearGroups = new[] { new { yearGroup = 9, mode = "daily" }, new { yearGroup = 9, mode = "lessons" } } }))
            .ProblemAsync(HttpStatusCode.BadRequest, "yearGroups[1].yearGroup");
        await (await admin.PutAsJsonAsync(url, new { formGroups = new[] { new { formGroup = "9Z", staffMemberId = elsewhere } } })).ProblemAsync(HttpStatusCode.BadRequest, "formGroups[0].staffMemberId");
        await (await admin.PutAsJsonAsync(url, new { formGroups = new[] { new { formGroup = " ", staffMemberId = s.TeacherStaff } } })).ProblemAsync(HttpStatusCode.BadRequest, "formGroups[0].formGroup");
        await (await admin.PutAsync(url, Http.Json("{\"yearGroups\":\"all daily\"}"))).ProblemAsync(HttpStatusCode.BadRequest);
        // One bad row refuses the whole request: the good one beside it is not saved either.
        await (await admin.PutAsJsonAsync(url, new
        {
            yearGroups = new[] { new { yearGroup = 9, mode = "daily" } },
            formGroups = new[] { new { formGroup = "9Z", staffMemberId = elsewhere } },
        })).ProblemAsync(HttpStatusCode.BadRequest, "formGroups[0].staffMemberId");

        Assert.False(await app.QueryAsync(db => db.YearGroupRegistrations.AnyAsync(r => r.SchoolId == s.School)));
        Assert.False(await app.QueryAsync(db => db.FormTutors.AnyAsync(r => r.SchoolId == s.School)));
        var read = await (await admin.GetAsync(url)).JsonAsync();
        Assert.Equal("lessons", Assert.Single(read["yearGroups"]!.AsArray())!["mode"]!.GetValue<string>());
        Assert.Null(Assert.Single(read["formGroups"]!.AsArray())!["staffMemberId"]);
    }

    [Theory, AllProviders]
    public async Task Only_who_configures_the_school_changes_its_settings_and_school_staff_read_them(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await NewAsync(app, admin);
        var url = $"/api/v1/attendance/settings/{s.School}";
        var body = new { yearGroups = new[] { new { yearGroup = 9, mode = "daily" } } };
        using var office = await app.DemoClientAsync(RoleNames.Moderator);

        await (await s.Teacher.PutAsJsonAsync(url, body)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await office.PutAsJsonAsync(url, body)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await s.Guardian.GetAsync(url)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.GetAsync("/api/v1/attendance/settings/999999")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PutAsJsonAsync("/api/v1/attendance/settings/999999", body)).ProblemAsync(HttpStatusCode.NotFound);

        // The teacher's school grant reads them.
        var read = await (await s.Teacher.GetAsync(url)).JsonAsync();
        Assert.Equal(s.School, read["schoolId"]!.GetValue<int>());
        Assert.False(await app.QueryAsync(db => db.YearGroupRegistrations.AnyAsync(r => r.SchoolId == s.School)));
    }
}
