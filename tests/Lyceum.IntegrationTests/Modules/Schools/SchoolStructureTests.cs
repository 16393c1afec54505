using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Schools;

/// <summary>
/// The school's structure through /api/v1: schools, branches, academic years and terms, rooms, periods, departments.
/// Each test works in a school of its own, so the tests do not see each other's records.
/// </summary>
[Collection("app")]
public sealed class SchoolStructureTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task An_administrator_sets_up_a_school_year_with_terms_rooms_periods_and_departments(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);

        var year = await CreateAsync(admin, "academic-years", new { schoolId = school, name = "2031/32", startDate = "2031-09-01", endDate = "2032-07-20" });
        var autumn = await CreateAsync(admin, "terms", new { academicYearId = year, name = "Autumn", startDate = "2031-09-01", endDate = "2031-12-19" });
        await CreateAsync(admin, "terms", new { academicYearId = year, name = "Spring", startDate = "2032-01-05", endDate = "2032-03-31" });
        await CreateAsync(admin, "rooms", new { schoolId = school, name = "Lab 1", building = "North", capacity = 28 });
        await CreateAsync(admin, "periods", new { schoolId = school, name = "Period 1", order = 1, startTime = "08:50", endTime = "09:45" });
        await CreateAsync(admin, "periods", new { schoolId = school, name = "Period 2", order = 2, startTime = "09:45", endTime = "10:40" });
        await CreateAsync(admin, "departments", new { schoolId = school, name = "Science", code = "SCI" });
        await CreateAsync(admin, "branches", new { schoolId = school, name = "North site", address = "1 Hill Road" });

        var terms = await (await admin.GetAsync($"/api/v1/terms?academicYearId={year}")).JsonAsync();
        Assert.Equal(["Autumn", "Spring"], Names(terms));
        var got = await (await admin.GetAsync($"/api/v1/terms/{autumn}")).JsonAsync();
        Assert.Equal(school, got["schoolId"]!.GetValue<int>());
        var periods = await (await admin.GetAsync($"/api/v1/periods?schoolId={school}")).JsonAsync();
        Assert.Equal(["Period 1", "Period 2"], Names(periods));
        Assert.Equal("08:50:00", periods["items"]![0]!["startTime"]!.GetValue<string>());
        var yearView = await (await admin.GetAsync($"/api/v1/academic-years/{year}")).JsonAsync();
        Assert.Equal(2, yearView["terms"]!.GetValue<int>());
        var found = await (await admin.GetAsync($"/api/v1/rooms?schoolId={school}&q=north")).JsonAsync();
        Assert.Equal(["Lab 1"], Names(found)); // q searches the building too, ignoring case
    }

    [Theory, AllProviders]
    public async Task Dates_and_times_must_make_sense_with_the_message_at_the_field(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        var year = await CreateAsync(admin, "academic-years", new { schoolId = school, name = "2031/32", startDate = "2031-09-01", endDate = "2032-07-20" });
        await CreateAsync(admin, "terms", new { academicYearId = year, name = "Autumn", startDate = "2031-09-01", endDate = "2031-12-19" });
        await CreateAsync(admin, "periods", new { schoolId = school, name = "Period 1", order = 1, startTime = "09:00", endTime = "10:00" });
        var before = await app.QueryAsync(async db => await db.Terms.CountAsync() + await db.Periods.CountAsync() + await db.AcademicYears.CountAsync());

        await (await admin.PostAsJsonAsync("/api/v1/terms", new { academicYearId = year, name = "Summer", startDate = "2032-04-10", endDate = "2032-08-01" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "endDate"); // beyond the year
        await (await admin.PostAsJsonAsync("/api/v1/terms", new { academicYearId = year, name = "Late autumn", startDate = "2031-12-01", endDate = "2032-01-10" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "startDate"); // overlaps Autumn
        await (await admin.PostAsJsonAsync("/api/v1/terms", new { academicYearId = year, name = "Autumn", startDate = "2032-01-05", endDate = "2032-03-31" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "name"); // the year has an Autumn
        await (await admin.PostAsJsonAsync("/api/v1/terms", new { academicYearId = year, name = "Backwards", startDate = "2032-03-31", endDate = "2032-01-05" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "endDate");
        await (await admin.PostAsJsonAsync("/api/v1/academic-years", new { schoolId = school, name = "2032/33", startDate = "2032-07-01", endDate = "2033-07-20" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "startDate"); // overlaps 2031/32
        await (await admin.PostAsJsonAsync("/api/v1/periods", new { schoolId = school, name = "Break", order = 2, startTime = "09:30", endTime = "09:50" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "startTime"); // inside Period 1
        await (await admin.PostAsJsonAsync("/api/v1/periods", new { schoolId = school, name = "Period 2", order = 1, startTime = "10:00", endTime = "11:00" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "order");
        await (await admin.PostAsJsonAsync("/api/v1/periods", new { schoolId = school, name = "Zero", order = 3, startTime = "11:00", endTime = "11:00" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "endTime");
        await (await admin.PostAsJsonAsync("/api/v1/schools", new { name = "Nowhere", code = "NW1", timeZone = "Mars/Olympus" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "timeZone");
        await (await admin.PostAsJsonAsync("/api/v1/rooms", new { schoolId = school, name = new string('x', 61) }))
            .ProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await admin.PostAsJsonAsync("/api/v1/rooms", new { schoolId = 999_999, name = "Ghost" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "schoolId");

        Assert.Equal(before, await app.QueryAsync(async db => await db.Terms.CountAsync() + await db.Periods.CountAsync() + await db.AcademicYears.CountAsync()));
    }

    [Theory, AllProviders]
    public async Task An_edit_needs_the_current_version_and_a_stale_one_changes_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        using var created = await admin.PostAsJsonAsync("/api/v1/rooms", new { schoolId = school, name = "B12", capacity = 30 });
        var room = (await created.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
        var etag = created.Headers.ETag!.Tag;

        using (var blind = await admin.PutAsJsonAsync($"/api/v1/rooms/{room}", new { schoolId = school, name = "B13", capacity = 30 }))
        {
            await blind.ProblemAsync(HttpStatusCode.PreconditionRequired);
        }

        var first = Put($"/api/v1/rooms/{room}", etag, new { schoolId = school, name = "B12 (science)", capacity = 24 });
        var renamed = await (await admin.SendAsync(first)).JsonAsync();
        Assert.Equal("B12 (science)", renamed["name"]!.GetValue<string>());

        var second = Put($"/api/v1/rooms/{room}", etag, new { schoolId = school, name = "B12 (art)", capacity = 30 });
        await (await admin.SendAsync(second)).ProblemAsync(HttpStatusCode.PreconditionFailed);
        var stored = await (await admin.GetAsync($"/api/v1/rooms/{room}")).JsonAsync();
        Assert.Equal("B12 (science)", stored["name"]!.GetValue<string>());
        Assert.Equal(24, stored["capacity"]!.GetValue<int>());

        // The trail has the edit with the values before and after.
        var entry = await app.QueryAsync(db => db.AuditEntries.Where(e => e.Entity == "Room" && e.EntityId == room.ToString() && e.Action == Lyceum.Platform.Audit.AuditAction.Update)
            .OrderByDescending(e => e.Id).FirstAsync());
        Assert.Contains("B12 (science)", entry.Changes, StringComparison.Ordinal);
        Assert.Contains("\"B12\"", entry.Changes, StringComparison.Ordinal);
    }

    [Theory, AllProviders]
    public async Task An_archived_record_leaves_the_lists_takes_no_new_links_and_comes_back_on_restore(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        var year = await CreateAsync(admin, "academic-years", new { schoolId = school, name = "2031/32", startDate = "2031-09-01", endDate = "2032-07-20" });

        var archived = await (await admin.PostAsync($"/api/v1/academic-years/{year}/archive", null)).JsonAsync();
        Assert.True(archived["archived"]!.GetValue<bool>());
        var again = await (await admin.PostAsync($"/api/v1/academic-years/{year}/archive", null)).JsonAsync(); // a retry
        Assert.True(again["archived"]!.GetValue<bool>());

        Assert.Empty(Names(await (await admin.GetAsync($"/api/v1/academic-years?schoolId={school}")).JsonAsync()));
        Assert.Equal(["2031/32"], Names(await (await admin.GetAsync($"/api/v1/academic-years?schoolId={school}&includeArchived=true")).JsonAsync()));
        await (await admin.PostAsJsonAsync("/api/v1/terms", new { academicYearId = year, name = "Autumn", startDate = "2031-09-01", endDate = "2031-12-19" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "academicYearId");
        var current = await admin.GetAsync($"/api/v1/academic-years/{year}");
        await (await admin.SendAsync(Put($"/api/v1/academic-years/{year}", current.Headers.ETag!.Tag,
            new { schoolId = school, name = "Renamed", startDate = "2031-09-01", endDate = "2032-07-20" }))).ProblemAsync(HttpStatusCode.Conflict);

        var restored = await (await admin.PostAsync($"/api/v1/academic-years/{year}/restore", null)).JsonAsync();
        Assert.False(restored["archived"]!.GetValue<bool>());
        Assert.Equal(["2031/32"], Names(await (await admin.GetAsync($"/api/v1/academic-years?schoolId={school}")).JsonAsync()));
    }

    [Theory, AllProviders]
    public async Task A_record_others_refer_to_cannot_be_deleted_and_the_answer_says_why(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        var year = await CreateAsync(admin, "academic-years", new { schoolId = school, name = "2031/32", startDate = "2031-09-01", endDate = "2032-07-20" });
        var term = await CreateAsync(admin, "terms", new { academicYearId = year, name = "Autumn", startDate = "2031-09-01", endDate = "2031-12-19" });

        var refused = await (await admin.DeleteAsync($"/api/v1/academic-years/{year}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1 terms", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var schoolRefused = await (await admin.DeleteAsync($"/api/v1/schools/{school}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("academic years", schoolRefused["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using (var deleted = await admin.DeleteAsync($"/api/v1/terms/{term}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var yearDeleted = await admin.DeleteAsync($"/api/v1/academic-years/{year}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, yearDeleted.StatusCode);
        }

        await (await admin.GetAsync($"/api/v1/academic-years/{year}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync($"/api/v1/academic-years/{year}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task Names_and_codes_are_unique_within_a_school_only(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        var other = await NewSchoolAsync(admin);
        await CreateAsync(admin, "rooms", new { schoolId = school, name = "Hall" });
        var science = await CreateAsync(admin, "departments", new { schoolId = school, name = "Science", code = "SCI" });

        await (await admin.PostAsJsonAsync("/api/v1/rooms", new { schoolId = school, name = " Hall " })).ProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await admin.PostAsJsonAsync("/api/v1/departments", new { schoolId = school, name = "Sciences", code = "SCI" })).ProblemAsync(HttpStatusCode.BadRequest, "code");
        await CreateAsync(admin, "rooms", new { schoolId = other, name = "Hall" });
        await CreateAsync(admin, "departments", new { schoolId = other, name = "Science", code = "SCI" });

        // Saving a department under its own code is no clash; moving it to another school is refused.
        var current = await admin.GetAsync($"/api/v1/departments/{science}");
        await (await admin.SendAsync(Put($"/api/v1/departments/{science}", current.Headers.ETag!.Tag, new { schoolId = school, name = "Science and Technology", code = "SCI" }))).JsonAsync();
        var renamed = await admin.GetAsync($"/api/v1/departments/{science}");
        await (await admin.SendAsync(Put($"/api/v1/departments/{science}", renamed.Headers.ETag!.Tag, new { schoolId = other, name = "Science", code = "SC2" })))
            .ProblemAsync(HttpStatusCode.BadRequest, "schoolId");
    }

    [Theory, AllProviders]
    public async Task Someone_who_configures_one_school_learns_nothing_about_another(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var mine = await NewSchoolAsync(admin);
        var theirs = await NewSchoolAsync(admin);
        await CreateAsync(admin, "academic-years", new { schoolId = theirs, name = "2031/32", startDate = "2031-09-01", endDate = "2032-07-20" });
        await CreateAsync(admin, "rooms", new { schoolId = theirs, name = "Secret lab" });
        using var role = await admin.PostAsJsonAsync("/api/v1/roles", new
        {
            name = $"Configures {mine} {Guid.NewGuid():N}",
            grants = new[] { new { permission = "school.view", scope = "school", schoolId = mine }, new { permission = "school.configure", scope = "school", schoolId = mine } },
        });
        var roleId = (await role.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<string>();
        var (email, password) = await app.CreateUserAsync(RoleNames.Student);
        using var assign = await admin.PutAsJsonAsync($"/api/v1/users/{await app.UserIdAsync(email)}/roles", new { roleIds = new[] { roleId } });
        assign.EnsureSuccessStatusCode();
        using var configurer = app.ClientWithToken(await app.TokenAsync(email, password));

        var year = await (await configurer.PostAsJsonAsync("/api/v1/academic-years", new { schoolId = theirs, name = "2031/32", startDate = "2031-09-01", endDate = "2032-07-20" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "schoolId");
        Assert.Equal(["schoolId"], year["errors"]!.AsObject().Select(e => e.Key)); // not "overlaps 2031/32", not "name taken"
        var room = await (await configurer.PostAsJsonAsync("/api/v1/rooms", new { schoolId = theirs, name = "Secret lab" })).ProblemAsync(HttpStatusCode.BadRequest, "schoolId");
        Assert.Equal(["schoolId"], room["errors"]!.AsObject().Select(e => e.Key));
        await CreateAsync(configurer, "rooms", new { schoolId = mine, name = "Secret lab" });
        await (await configurer.GetAsync($"/api/v1/rooms?schoolId={theirs}")).JsonAsync();
        Assert.Empty(Names(await (await configurer.GetAsync($"/api/v1/rooms?schoolId={theirs}")).JsonAsync()));
    }

    [Theory, AllProviders]
    public async Task Names_with_markup_are_stored_as_text(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        const string name = "<script>alert('x')</script>";

        var room = await CreateAsync(admin, "rooms", new { schoolId = school, name });

        var stored = await (await admin.GetAsync($"/api/v1/rooms/{room}")).JsonAsync();
        Assert.Equal(name, stored["name"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task A_body_that_is_not_json_is_415_or_400_and_adds_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);

        using var text = new StringContent($$"""{"schoolId":{{school}},"name":"Lab"}""", System.Text.Encoding.UTF8, "text/plain");
        await (await admin.PostAsync("/api/v1/rooms", text)).ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        using var broken = new StringContent("{\"schoolId\":", System.Text.Encoding.UTF8, "application/json");
        await (await admin.PostAsync("/api/v1/rooms", broken)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, await app.QueryAsync(db => db.Rooms.CountAsync(r => r.SchoolId == school)));
    }

    [Theory, AllProviders]
    public async Task Staff_see_the_structure_and_only_the_administrator_changes_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        var room = await CreateAsync(admin, "rooms", new { schoolId = school, name = "Hall" });

        foreach (var role in new[] { RoleNames.Moderator, RoleNames.Teacher })
        {
            using var staff = await app.DemoClientAsync(role);
            await (await staff.GetAsync($"/api/v1/rooms/{room}")).JsonAsync();
            await (await staff.PostAsJsonAsync("/api/v1/rooms", new { schoolId = school, name = "Mine" })).ProblemAsync(HttpStatusCode.Forbidden);
            await (await staff.DeleteAsync($"/api/v1/rooms/{room}")).ProblemAsync(HttpStatusCode.Forbidden);
        }

        using var guardian = await app.DemoClientAsync(RoleNames.Guardian);
        await (await guardian.GetAsync("/api/v1/rooms")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    internal static async Task<int> NewSchoolAsync(HttpClient admin) =>
        await CreateAsync(admin, "schools", new { name = "Test school", code = $"T{Guid.NewGuid():N}"[..12], timeZone = "Europe/London" });

    internal static async Task<int> CreateAsync(HttpClient client, string route, object body)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/{route}", body);
        var created = await response.JsonAsync(HttpStatusCode.Created);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal($"/api/v1/{route}/{created["id"]}", response.Headers.Location?.OriginalString);
        return created["id"]!.GetValue<int>();
    }

    private static HttpRequestMessage Put(string url, string etag, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }

    private static List<string> Names(JsonNode page) => [.. page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>())];
}
