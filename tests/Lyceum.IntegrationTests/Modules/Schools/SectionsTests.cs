using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.IntegrationTests.Modules.Students;
using Lyceum.Modules.Academics;
using Lyceum.Modules.Staff;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Lyceum.Platform.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests;

namespace Lyceum.IntegrationTests.Modules.Schools;

/// <summary>Courses and sections through /api/v1: a section's weekly meetings, and no teacher or room booked twice.</summary>
[Collection("app")]
public sealed class SectionsTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task A_section_meets_at_periods_of_the_week_and_lists_its_teacher_room_and_meetings(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);

        var section = await CreateAsync(admin, "sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            roomId = s.Lab,
            name = "9A Maths",
            capacity = 30,
            meetings = new[] { new { day = "wednesday", periodId = s.P2 }, new { day = "monday", periodId = s.P1 } },
        });

        var view = await (await admin.GetAsync($"/api/v1/sections/{section}")).JsonAsync();
        Assert.Equal("Ms Ada Byron", view["teacher"]!.GetValue<string>());
        Assert.Equal("Lab 1", view["room"]!.GetValue<string>());
        Assert.Equal(0, view["enrolled"]!.GetValue<int>());
        Assert.Equal(["monday", "wednesday"], view["meetings"]!.AsArray().Select(m => m!["day"]!.GetValue<string>()));
        var listed = await (await admin.GetAsync($"/api/v1/sections?termId={s.Autumn}&teacherId={s.Teacher}")).JsonAsync();
        Assert.Equal(section, Assert.Single(listed["items"]!.AsArray())!["id"]!.GetValue<int>());
    }

    [Theory, AllProviders]
    public async Task A_teacher_or_room_booked_twice_for_a_period_is_refused_with_the_clash_named(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);
        await CreateAsync(admin, "sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            roomId = s.Lab,
            name = "9A Maths",
            meetings = new[] { new { day = "monday", periodId = s.P1 } },
        });
        var other = await NewStaffAsync(app, s.School, "Grace", "Hopper");

        var teacherClash = await (await admin.PostAsJsonAsync("/api/v1/sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            name = "9B Maths",
            meetings = new[] { new { day = "monday", periodId = s.P1 } },
        })).ProblemAsync(HttpStatusCode.BadRequest, "meetings");
        Assert.Contains("the teacher is already booked for section 9A Maths", teacherClash["errors"]!["meetings"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        var roomClash = await (await admin.PostAsJsonAsync("/api/v1/sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = other,
            roomId = s.Lab,
            name = "9C Maths",
            meetings = new[] { new { day = "monday", periodId = s.P1 } },
        })).ProblemAsync(HttpStatusCode.BadRequest, "meetings");
        Assert.Contains("the room", roomClash["errors"]!["meetings"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        // An archived section frees its slots; restoring it once they are taken is refused with the clash named.
        var archivedOne = await CreateAsync(admin, "sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            name = "9F Maths",
            meetings = new[] { new { day = "friday", periodId = s.P1 } },
        });
        await (await admin.PostAsync($"/api/v1/sections/{archivedOne}/archive", null)).JsonAsync();
        await CreateAsync(admin, "sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            name = "9G Maths",
            meetings = new[] { new { day = "friday", periodId = s.P1 } },
        });
        var refused = await (await admin.PostAsync($"/api/v1/sections/{archivedOne}/restore", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("9G Maths", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Another period, or another term that does not overlap: no clash.
        await CreateAsync(admin, "sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            roomId = s.Lab,
            name = "9D Maths",
            meetings = new[] { new { day = "monday", periodId = s.P2 } },
        });
        await CreateAsync(admin, "sections", new
        {
            courseId = s.Course,
            termId = s.Spring,
            teacherId = s.Teacher,
            roomId = s.Lab,
            name = "9A Maths",
            meetings = new[] { new { day = "monday", periodId = s.P1 } },
        });
    }

    [Theory, AllProviders]
    public async Task Changing_the_meetings_needs_the_current_version_and_a_stale_edit_changes_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);
        using var created = await admin.PostAsJsonAsync("/api/v1/sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            name = "9A Maths",
            meetings = new[] { new { day = "monday", periodId = s.P1 } },
        });
        var section = (await created.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
        var etag = created.Headers.ETag!.Tag;

        object Body(string day) => new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "9A Maths", meetings = new[] { new { day, periodId = s.P1 } } };
        using var first = await admin.SendAsync(Put($"/api/v1/sections/{section}", etag, Body("tuesday")));
        await first.JsonAsync();
        Assert.NotEqual(etag, first.Headers.ETag!.Tag); // only the meetings changed, and still a new version

        await (await admin.SendAsync(Put($"/api/v1/sections/{section}", etag, Body("friday")))).ProblemAsync(HttpStatusCode.PreconditionFailed);
        var stored = await (await admin.GetAsync($"/api/v1/sections/{section}")).JsonAsync();
        Assert.Equal(["tuesday"], stored["meetings"]!.AsArray().Select(m => m!["day"]!.GetValue<string>()));
    }

    [Theory, AllProviders]
    public async Task Bad_references_are_refused_at_their_field_and_a_section_with_students_is_not_deleted(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);
        var elsewhere = await SetUpAsync(app, admin);

        await (await admin.PostAsJsonAsync("/api/v1/sections", new { courseId = s.Course, termId = s.Autumn, teacherId = elsewhere.Teacher, name = "X" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "teacherId");
        await (await admin.PostAsJsonAsync("/api/v1/sections", new { courseId = s.Course, termId = elsewhere.Autumn, teacherId = s.Teacher, name = "X" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "termId");
        await (await admin.PostAsJsonAsync("/api/v1/sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            name = "X",
            meetings = new[] { new { day = "monday", periodId = s.P1 }, new { day = "monday", periodId = s.P1 } },
        })).ProblemAsync(HttpStatusCode.BadRequest, "meetings");
        await (await admin.PostAsJsonAsync("/api/v1/sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            name = "X",
            meetings = new[] { new { day = "monday", periodId = elsewhere.P1 } },
        })).ProblemAsync(HttpStatusCode.BadRequest, "meetings");

        await (await admin.PostAsync("/api/v1/sections", new StringContent(
                $$"""{"courseId":{{s.Course}},"termId":{{s.Autumn}},"teacherId":{{s.Teacher}},"name":"X","meetings":[null]}""", System.Text.Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.BadRequest, "meetings[0]");

        var section = await CreateAsync(admin, "sections", new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "9A Maths" });
        var student = await Lyceum.IntegrationTests.Modules.Students.StudentsApiTests.NewStudentAsync(app, "Enrolled", "Pupil");
        await app.InsertAsync(new Enrollment { StudentId = student.Id, SectionId = section, EnrolledOn = new DateOnly(2031, 9, 1) });
        var refused = await (await admin.DeleteAsync($"/api/v1/sections/{section}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1 enrolments", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var view = await (await admin.GetAsync($"/api/v1/sections/{section}")).JsonAsync();
        Assert.Equal(1, view["enrolled"]!.GetValue<int>());
        var current = await admin.GetAsync($"/api/v1/sections/{section}");
        await (await admin.SendAsync(Put($"/api/v1/sections/{section}", current.Headers.ETag!.Tag,
            new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "9A Maths", capacity = 0 }))).JsonAsync(); // 0: no limit
        var limited = await admin.GetAsync($"/api/v1/sections/{section}");
        await (await admin.SendAsync(Put($"/api/v1/sections/{section}", limited.Headers.ETag!.Tag,
            new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "9A Maths", capacity = 1 }))).JsonAsync();
        var lowered = await admin.GetAsync($"/api/v1/sections/{section}");
        var extra = await Lyceum.IntegrationTests.Modules.Students.StudentsApiTests.NewStudentAsync(app, "Second", "Pupil");
        await app.InsertAsync(new Enrollment { StudentId = extra.Id, SectionId = section, EnrolledOn = new DateOnly(2031, 9, 1) });
        await (await admin.SendAsync(Put($"/api/v1/sections/{section}", lowered.Headers.ETag!.Tag,
            new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "9A Maths", capacity = 1 }))).ProblemAsync(HttpStatusCode.BadRequest, "capacity");
    }

    [Theory, AllProviders]
    public async Task A_teacher_sees_their_own_sections_and_changes_none(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);
        var section = await CreateAsync(admin, "sections", new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "9A Maths" });
        using var teacher = await app.DemoClientAsync(RoleNames.Teacher);

        await (await teacher.GetAsync($"/api/v1/sections/{section}")).ProblemAsync(HttpStatusCode.NotFound); // not theirs
        var own = await (await teacher.GetAsync("/api/v1/sections?pageSize=100")).JsonAsync();
        var account = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var teacherId = await app.QueryAsync(db => db.Staff.Where(x => x.UserId == account).Select(x => x.Id).SingleAsync());
        Assert.NotEmpty(own["items"]!.AsArray());
        Assert.All(own["items"]!.AsArray(), i => Assert.Equal(teacherId, i!["teacherId"]!.GetValue<int>()));
        await (await teacher.PostAsJsonAsync("/api/v1/sections", new { courseId = s.Course, termId = s.Autumn, teacherId = s.Teacher, name = "Mine" }))
            .ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, AllProviders]
    public async Task Sections_booked_into_the_same_slot_at_the_same_moment_cannot_both_be_saved(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => admin.PostAsJsonAsync("/api/v1/sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            name = $"Race {i}",
            meetings = new[] { new { day = "tuesday", periodId = s.P2 } },
        })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created),
            r => Assert.True(r.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"{(int)r.StatusCode}"));
        Assert.Equal(1, await app.QueryAsync(db => db.Sections.CountAsync(x => x.TeacherId == s.Teacher && x.Meetings.Any(m => m.PeriodId == s.P2))));
    }

    [Theory, AllProviders]
    public async Task A_co_teacher_shares_the_class_its_students_and_its_slots_until_taken_off_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SetUpAsync(app, admin);
        var (email, password) = await app.CreateUserAsync(RoleNames.Teacher);
        var co = new StaffMember
        {
            SchoolId = s.School,
            StaffNumber = $"S{Guid.NewGuid():N}"[..10],
            FirstName = "Grace",
            LastName = "Hopper",
            Email = email,
            UserId = await app.UserIdAsync(email),
        };
        await app.InsertAsync(co);
        var student = (await StudentsApiTests.NewStudentAsync(app, "Ann", "Zeta", school: s.School)).Id;

        using var created = await admin.PostAsJsonAsync("/api/v1/sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            coTeacherIds = new[] { co.Id },
            name = "9A Maths",
            meetings = new[] { new { day = "monday", periodId = s.P1 } },
        });
        var view = await created.JsonAsync(HttpStatusCode.Created);
        var section = view["id"]!.GetValue<int>();
        Assert.Equal("Grace Hopper", Assert.Single(view["coTeachers"]!.AsArray())!["name"]!.GetValue<string>());
        await (await admin.PostAsJsonAsync($"/api/v1/sections/{section}/enrollments", new { studentIds = new[] { student } })).JsonAsync();

        // The co-teacher sees the class, its student and the lesson on their own week, like the lead teacher.
        using var coTeacher = app.ClientWithToken(await app.TokenAsync(email, "a-long-enough-password"));
        await (await coTeacher.GetAsync($"/api/v1/sections/{section}")).JsonAsync();
        await (await coTeacher.GetAsync($"/api/v1/students/{student}")).JsonAsync();
        var week = await (await admin.GetAsync($"/api/v1/timetable?staffId={co.Id}")).JsonAsync();
        Assert.Contains(week["meetings"]!.AsArray(), m => m!["sectionId"]!.GetValue<int>() == section);
        var byTeacher = await (await admin.GetAsync($"/api/v1/sections?teacherId={co.Id}")).JsonAsync();
        Assert.Equal(section, Assert.Single(byTeacher["items"]!.AsArray())!["id"]!.GetValue<int>());

        // Their slot is taken: as the lead of another class, or as its co-teacher.
        var asLead = await (await admin.PostAsJsonAsync("/api/v1/sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = co.Id,
            name = "9B Maths",
            meetings = new[] { new { day = "monday", periodId = s.P1 } },
        })).ProblemAsync(HttpStatusCode.BadRequest, "meetings");
        Assert.Contains("the teacher is already booked for section 9A Maths", asLead["errors"]!["meetings"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var other = await NewStaffAsync(app, s.School, "Alan", "Turing");
        var asCo = await (await admin.PostAsJsonAsync("/api/v1/sections", new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = other,
            coTeacherIds = new[] { co.Id },
            name = "9C Maths",
            meetings = new[] { new { day = "monday", periodId = s.P1 } },
        })).ProblemAsync(HttpStatusCode.BadRequest, "meetings");
        Assert.Contains("co-teacher Grace Hopper is already booked for section 9A Maths", asCo["errors"]!["meetings"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        // Bad lists are refused at the field; a co-teacher's record is in use while they teach.
        foreach (var bad in new[] { new[] { other }, [co.Id, co.Id], [987654] })
        {
            await (await admin.PostAsJsonAsync("/api/v1/sections", new { courseId = s.Course, termId = s.Autumn, teacherId = other, coTeacherIds = bad, name = "9D Maths" }))
                .ProblemAsync(HttpStatusCode.BadRequest, "coTeacherIds");
        }

        await (await admin.DeleteAsync($"/api/v1/staff/{co.Id}")).ProblemAsync(HttpStatusCode.Conflict);

        // An edit that leaves the field out (a client that predates co-teachers) keeps them.
        using var kept = await admin.SendAsync(Put($"/api/v1/sections/{section}", created.Headers.ETag!.Tag, new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            name = "9A Maths",
            capacity = 25,
            meetings = new[] { new { day = "monday", periodId = s.P1 } },
        }));
        Assert.Single((await kept.JsonAsync())["coTeachers"]!.AsArray());

        // Taken off the class (an empty list), they no longer see it or its student.
        await (await admin.SendAsync(Put($"/api/v1/sections/{section}", kept.Headers.ETag!.Tag, new
        {
            courseId = s.Course,
            termId = s.Autumn,
            teacherId = s.Teacher,
            coTeacherIds = Array.Empty<int>(),
            name = "9A Maths",
            meetings = new[] { new { day = "monday", periodId = s.P1 } },
        }))).JsonAsync();
        await (await coTeacher.GetAsync($"/api/v1/sections/{section}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await coTeacher.GetAsync($"/api/v1/students/{student}")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await app.QueryAsync(db => db.SectionTeachers.CountAsync(c => c.SectionId == section)));

        // Both the sharing and its end are in the audit trail, with the member of staff.
        var trail = await app.QueryAsync(db => db.AuditEntries.Where(a => a.Entity == nameof(SectionTeacher)).OrderBy(a => a.Id).ToListAsync());
        Assert.Contains(trail, a => a.Action == Lyceum.Platform.Audit.AuditAction.Insert && a.Changes.Contains($"{co.Id}", StringComparison.Ordinal));
        Assert.Contains(trail, a => a.Action == Lyceum.Platform.Audit.AuditAction.Delete && a.Changes.Contains($"{co.Id}", StringComparison.Ordinal));
    }

    [Theory, AllProviders]
    public async Task A_large_schools_whole_staff_is_offered_as_teachers_not_only_the_first_page(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        await app.InsertAsync([.. Enumerable.Range(1, ListQuery.MaxPageSize + 30).Select(i => new StaffMember
        {
            SchoolId = school, StaffNumber = $"L{i:D4}", FirstName = "Teacher", LastName = $"Number {i:D4}", Email = $"t{i}.{Guid.NewGuid():N}@lyceum.test",
        })]);
        await using var scope = app.Services.CreateAsyncScope();
        var id = await app.UserIdAsync(LyceumApp.AdminEmail);
        var caller = await scope.ServiceProvider.GetRequiredService<AccessService>()
            .CallerAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", id.ToString())], "test")), default);

        var offered = await scope.ServiceProvider.GetRequiredService<RecordOptions>().StaffAsync(caller, school);

        Assert.Equal(ListQuery.MaxPageSize + 30, offered.Count);
        Assert.Contains(offered, o => o.Name == $"Teacher Number {ListQuery.MaxPageSize + 30:D4}");
    }

    internal sealed record Setup(int School, int Course, int Autumn, int Spring, int P1, int P2, int Lab, int Teacher);

    /// <summary>A school with a department, a course, a year of two terms, two periods, a room and a teacher.</summary>
    internal static async Task<Setup> SetUpAsync(LyceumApp app, HttpClient admin)
    {
        var school = await NewSchoolAsync(admin);
        var department = await CreateAsync(admin, "departments", new { schoolId = school, name = "Mathematics", code = "MA" });
        var course = await CreateAsync(admin, "courses", new { schoolId = school, departmentId = department, code = "MA9", name = "Year 9 Mathematics", yearGroup = 9, periodsPerWeek = 4 });
        var year = await CreateAsync(admin, "academic-years", new { schoolId = school, name = "2031/32", startDate = "2031-09-01", endDate = "2032-07-20" });
        var autumn = await CreateAsync(admin, "terms", new { academicYearId = year, name = "Autumn", startDate = "2031-09-01", endDate = "2031-12-19" });
        var spring = await CreateAsync(admin, "terms", new { academicYearId = year, name = "Spring", startDate = "2032-01-05", endDate = "2032-03-31" });
        var p1 = await CreateAsync(admin, "periods", new { schoolId = school, name = "Period 1", order = 1, startTime = "09:00", endTime = "10:00" });
        var p2 = await CreateAsync(admin, "periods", new { schoolId = school, name = "Period 2", order = 2, startTime = "10:00", endTime = "11:00" });
        var lab = await CreateAsync(admin, "rooms", new { schoolId = school, name = "Lab 1" });
        var teacher = await NewStaffAsync(app, school, "Ada", "Byron", "Ms");
        return new Setup(school, course, autumn, spring, p1, p2, lab, teacher);
    }

    internal static async Task<int> NewStaffAsync(LyceumApp app, int school, string first, string last, string? title = null)
    {
        var staff = new StaffMember
        {
            SchoolId = school,
            StaffNumber = $"S{Guid.NewGuid():N}"[..10],
            Title = title,
            FirstName = first,
            LastName = last,
            Email = $"{first}.{Guid.NewGuid():N}@lyceum.test".ToLowerInvariant(),
        };
        await app.InsertAsync(staff);
        return staff.Id;
    }

    private static HttpRequestMessage Put(string url, string etag, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }
}
