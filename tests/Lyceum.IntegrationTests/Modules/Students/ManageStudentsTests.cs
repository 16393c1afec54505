using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.IntegrationTests.Modules.Schools;
using Lyceum.Modules.Academics;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Modules.Students;

/// <summary>Adding, archiving, restoring and deleting students, and their links to guardians, through the API.</summary>
[Collection("app")]
public sealed class ManageStudentsTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task The_office_adds_a_student_with_a_new_and_an_existing_guardian_in_one_request(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var school = await DemoSchoolAsync(app);
        var sibling = await NewStudentAsync(app, "Older", "Sibling", school: school);
        var father = await NewGuardianAsync(app, school, "Andreas", "Sibling");
        await app.InsertAsync(new StudentGuardian { StudentId = sibling.Id, GuardianId = father.Id, Relationship = Relationship.Father, ContactPriority = 1 });
        var highest = await app.QueryAsync(db => db.Students.Where(s => s.SchoolId == school).Select(s => s.StudentNumber).ToListAsync());
        var trailFrom = await app.QueryAsync(db => db.AuditEntries.MaxAsync(a => (long?)a.Id)) ?? 0;
        var expectedNumber = (highest.Where(n => n.All(char.IsAsciiDigit)).Select(long.Parse).DefaultIfEmpty(0).Max() + 1).ToString();

        using var response = await office.PostAsJsonAsync("/api/v1/students", NewStudentBody(school, guardians: new JsonArray
        {
            new JsonObject
            {
                ["guardian"] = new JsonObject { ["title"] = "Mrs", ["firstName"] = "Eleni", ["lastName"] = "Sibling", ["email"] = "eleni.sibling@example.org" },
                ["link"] = new JsonObject { ["relationship"] = "mother", ["livesWith"] = true, ["mayCollect"] = true, ["receivesMail"] = true, ["hasParentalResponsibility"] = true },
            },
            new JsonObject
            {
                ["guardianId"] = father.Id,
                ["link"] = new JsonObject { ["relationship"] = "father", ["mayCollect"] = true, ["contactPriority"] = 2 },
            },
        }));

        var body = await response.JsonAsync(HttpStatusCode.Created);
        var id = body["id"]!.GetValue<int>();
        Assert.Equal($"/api/v1/students/{id}", response.Headers.Location!.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(expectedNumber, body["studentNumber"]!.GetValue<string>());
        var guardians = body["guardians"]!.AsArray();
        Assert.Equal(["Eleni", "Andreas"], guardians.Select(g => g!["firstName"]!.GetValue<string>()));
        Assert.Equal(["mother", "father"], guardians.Select(g => g!["relationship"]!.GetValue<string>()));
        Assert.True(guardians[0]!["livesWith"]!.GetValue<bool>() && guardians[0]!["receivesMail"]!.GetValue<bool>());
        Assert.False(guardians[1]!["livesWith"]!.GetValue<bool>());
        Assert.True(guardians[1]!["mayCollect"]!.GetValue<bool>());
        // The father now has both children; the new guardian is a record of the school like any other.
        Assert.Equal(2, await app.QueryAsync(db => db.StudentGuardians.CountAsync(l => l.GuardianId == father.Id)));
        Assert.True(await app.QueryAsync(db => db.Guardians.AnyAsync(g => g.SchoolId == school && g.Email == "eleni.sibling@example.org")));
        // The trail has the student, the new guardian and both links, each with its values.
        var trail = await app.QueryAsync(db => db.AuditEntries.Where(a => a.Id > trailFrom && a.Action == Lyceum.Platform.Audit.AuditAction.Insert)
            .Select(a => a.Entity).ToListAsync());
        Assert.Contains("Student", trail);
        Assert.Contains("Guardian", trail);
        Assert.Equal(2, trail.Count(e => e == "StudentGuardian"));
    }

    [Theory, AllProviders]
    public async Task A_bad_field_anywhere_names_it_and_stores_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await DemoSchoolAsync(app);
        var taken = await NewStudentAsync(app, "Taken", "Number", school: school);
        var counts = await CountsAsync(app);

        async Task Refused(JsonObject body, string field)
        {
            using var response = await admin.PostAsJsonAsync("/api/v1/students", body);
            await response.ProblemAsync(HttpStatusCode.BadRequest, field);
            Assert.Equal(counts, await CountsAsync(app));
        }

        var badEmail = NewStudentBody(school, guardians: new JsonArray
        {
            new JsonObject { ["guardian"] = new JsonObject { ["firstName"] = "A", ["lastName"] = "B", ["phone"] = "+30 210 000" }, ["link"] = new JsonObject { ["relationship"] = "mother" } },
            new JsonObject { ["guardian"] = new JsonObject { ["firstName"] = "C", ["lastName"] = "D", ["email"] = "not an address" }, ["link"] = new JsonObject { ["relationship"] = "father" } },
        });
        await Refused(badEmail, "guardians[1].guardian.email");

        var noRelationship = NewStudentBody(school, guardians: new JsonArray { new JsonObject { ["guardian"] = new JsonObject { ["firstName"] = "A", ["lastName"] = "B", ["phone"] = "1" } } });
        await Refused(noRelationship, "guardians[0].link.relationship");

        var both = NewStudentBody(school, guardians: new JsonArray
        {
            new JsonObject { ["guardianId"] = 1, ["guardian"] = new JsonObject { ["firstName"] = "A", ["lastName"] = "B", ["phone"] = "1" }, ["link"] = new JsonObject { ["relationship"] = "other" } },
        });
        await Refused(both, "guardians[0].guardianId");

        var duplicate = NewStudentBody(school);
        duplicate["studentNumber"] = taken.StudentNumber;
        await Refused(duplicate, "studentNumber");

        var nameless = NewStudentBody(school);
        nameless["lastName"] = " ";
        await Refused(nameless, "lastName");

        var tooLong = NewStudentBody(school);
        tooLong["firstName"] = new string('x', 101);
        await Refused(tooLong, "firstName");

        var unborn = NewStudentBody(school);
        unborn["dateOfBirth"] = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd");
        await Refused(unborn, "dateOfBirth");

        await Refused(NewStudentBody(999_999), "schoolId");
        var archivedGuardian = await NewGuardianAsync(app, school, "Gone", "Away", archived: true);
        counts = await CountsAsync(app);
        await Refused(NewStudentBody(school, guardians: new JsonArray { new JsonObject { ["guardianId"] = archivedGuardian.Id, ["link"] = new JsonObject { ["relationship"] = "other" } } }),
            "guardians[0].guardianId");
        var elsewhere = await NewGuardianAsync(app, await SchoolStructureTests.NewSchoolAsync(admin), "Other", "School");
        counts = await CountsAsync(app);
        await Refused(NewStudentBody(school, guardians: new JsonArray { new JsonObject { ["guardianId"] = elsewhere.Id, ["link"] = new JsonObject { ["relationship"] = "other" } } }),
            "guardians[0].guardianId");
    }

    [Theory, AllProviders]
    public async Task Script_in_a_name_is_kept_as_text(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var body = NewStudentBody(await DemoSchoolAsync(app));
        body["firstName"] = "<script>alert(1)</script>";

        var created = await (await admin.PostAsJsonAsync("/api/v1/students", body)).JsonAsync(HttpStatusCode.Created);

        Assert.Equal("<script>alert(1)</script>", created["firstName"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task Archiving_a_leaver_ends_their_enrolments_and_twice_is_the_same_as_once(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var section = await app.QueryAsync(db => db.Sections.Where(s => s.ArchivedAt == null).OrderBy(s => s.Id).Select(s => new { s.Id, s.Term!.AcademicYear!.SchoolId }).FirstAsync());
        var student = await NewStudentAsync(app, "Leaving", "Soon", school: section.SchoolId);
        await app.InsertAsync(new Enrollment { StudentId = student.Id, SectionId = section.Id, EnrolledOn = new DateOnly(2020, 9, 1) });

        var first = await (await office.PostAsync($"/api/v1/students/{student.Id}/archive", null)).JsonAsync();
        var again = await (await office.PostAsync($"/api/v1/students/{student.Id}/archive", null)).JsonAsync();

        Assert.NotNull(first["archivedAt"]);
        Assert.Equal(first["archivedAt"]!.ToJsonString(), again["archivedAt"]!.ToJsonString());
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(today, await app.QueryAsync(db => db.Enrollments.Where(e => e.StudentId == student.Id).Select(e => e.WithdrawnOn).SingleAsync()));
        var list = await (await office.GetAsync($"/api/v1/students?q={student.StudentNumber}")).JsonAsync();
        Assert.Equal(0, list["totalCount"]!.GetValue<int>());

        var restored = await (await office.PostAsync($"/api/v1/students/{student.Id}/restore", null)).JsonAsync();
        Assert.Null(restored["archivedAt"]);
        Assert.Equal(today, await app.QueryAsync(db => db.Enrollments.Where(e => e.StudentId == student.Id).Select(e => e.WithdrawnOn).SingleAsync()));
    }

    [Theory, AllProviders]
    public async Task Only_an_administrator_deletes_and_only_a_student_nothing_refers_to(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var section = await app.QueryAsync(db => db.Sections.Where(s => s.ArchivedAt == null).OrderBy(s => s.Id).Select(s => new { s.Id, s.Term!.AcademicYear!.SchoolId }).FirstAsync());
        var enrolled = await NewStudentAsync(app, "Has", "History", school: section.SchoolId);
        await app.InsertAsync(new Enrollment { StudentId = enrolled.Id, SectionId = section.Id, EnrolledOn = new DateOnly(2020, 9, 1), WithdrawnOn = new DateOnly(2020, 12, 1) });
        var mistake = await NewStudentAsync(app, "Entered", "ByMistake", school: section.SchoolId);
        var guardian = await NewGuardianAsync(app, section.SchoolId, "Stays", "OnRecord");
        await app.InsertAsync(new StudentGuardian { StudentId = mistake.Id, GuardianId = guardian.Id, Relationship = Relationship.Other, ContactPriority = 1 });

        await (await office.DeleteAsync($"/api/v1/students/{mistake.Id}")).ProblemAsync(HttpStatusCode.Forbidden);
        var refused = await (await admin.DeleteAsync($"/api/v1/students/{enrolled.Id}")).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("1 enrolments", refused["detail"]!.GetValue<string>());
        Assert.Contains("Archive", refused["detail"]!.GetValue<string>());
        Assert.True(await app.QueryAsync(db => db.Students.AnyAsync(s => s.Id == enrolled.Id)));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/students/{mistake.Id}")).StatusCode);
        Assert.False(await app.QueryAsync(db => db.Students.AnyAsync(s => s.Id == mistake.Id)));
        Assert.True(await app.QueryAsync(db => db.Guardians.AnyAsync(g => g.Id == guardian.Id)));
        await (await admin.DeleteAsync($"/api/v1/students/{mistake.Id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task A_guardian_link_is_set_changed_and_removed_and_repeating_changes_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var school = await DemoSchoolAsync(app);
        var student = await NewStudentAsync(app, "Linked", "Child", school: school);
        var guardian = await NewGuardianAsync(app, school, "Linking", "Carer");
        var link = new { relationship = "carer", livesWith = true, mayCollect = false, receivesMail = true };

        using var first = await office.PutAsJsonAsync($"/api/v1/students/{student.Id}/guardians/{guardian.Id}", link);
        var body = await first.JsonAsync();
        using var repeat = await office.PutAsJsonAsync($"/api/v1/students/{student.Id}/guardians/{guardian.Id}", link);
        await repeat.JsonAsync();

        var shown = Assert.Single(body["guardians"]!.AsArray())!;
        Assert.Equal(("carer", true, false, true), (shown["relationship"]!.GetValue<string>(), shown["livesWith"]!.GetValue<bool>(),
            shown["mayCollect"]!.GetValue<bool>(), shown["receivesMail"]!.GetValue<bool>()));
        Assert.Equal(first.Headers.ETag, repeat.Headers.ETag);

        using var changed = await office.PutAsJsonAsync($"/api/v1/students/{student.Id}/guardians/{guardian.Id}", link with { mayCollect = true });
        Assert.True(Assert.Single((await changed.JsonAsync())["guardians"]!.AsArray())!["mayCollect"]!.GetValue<bool>());
        Assert.NotEqual(first.Headers.ETag, changed.Headers.ETag);

        // A form that read the student before the change above sends that version: 412, and the link stays as it is.
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student.Id}/guardians/{guardian.Id}") { Content = JsonContent.Create(link) };
        stale.Headers.TryAddWithoutValidation("If-Match", first.Headers.ETag!.Tag);
        await (await office.SendAsync(stale)).ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.True(await app.QueryAsync(db => db.StudentGuardians.Where(l => l.StudentId == student.Id).Select(l => l.MayCollect).SingleAsync()));
        var current = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student.Id}/guardians/{guardian.Id}") { Content = JsonContent.Create(link with { mayCollect = true }) };
        current.Headers.TryAddWithoutValidation("If-Match", changed.Headers.ETag!.Tag);
        await (await office.SendAsync(current)).JsonAsync();

        using var removed = await office.DeleteAsync($"/api/v1/students/{student.Id}/guardians/{guardian.Id}");
        Assert.Empty((await removed.JsonAsync())["guardians"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await office.DeleteAsync($"/api/v1/students/{student.Id}/guardians/{guardian.Id}")).StatusCode);
        Assert.True(await app.QueryAsync(db => db.Guardians.AnyAsync(g => g.Id == guardian.Id)));

        using var admin = await app.AdminClientAsync();
        var elsewhere = await NewGuardianAsync(app, await SchoolStructureTests.NewSchoolAsync(admin), "Other", "School");
        await (await office.PutAsJsonAsync($"/api/v1/students/{student.Id}/guardians/{elsewhere.Id}", link)).ProblemAsync(HttpStatusCode.NotFound);
        await (await office.PutAsJsonAsync($"/api/v1/students/{student.Id}/guardians/{guardian.Id}", new { livesWith = true }))
            .ProblemAsync(HttpStatusCode.BadRequest, "relationship");
        Assert.False(await app.QueryAsync(db => db.StudentGuardians.AnyAsync(l => l.StudentId == student.Id)));
    }

    [Theory, AllProviders]
    public async Task A_teacher_may_not_add_students_and_a_guardian_may_not_change_links(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var teacher = await app.DemoClientAsync(RoleNames.Teacher);
        using var parent = await app.DemoClientAsync(RoleNames.Guardian);
        var school = await DemoSchoolAsync(app);
        var before = await CountsAsync(app);

        await (await teacher.PostAsJsonAsync("/api/v1/students", NewStudentBody(school))).ProblemAsync(HttpStatusCode.Forbidden);
        var parentId = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var child = await app.QueryAsync(db => db.StudentGuardians.Where(l => l.Guardian!.UserId == parentId)
            .Select(l => new { l.StudentId, l.GuardianId }).FirstAsync());
        await (await parent.DeleteAsync($"/api/v1/students/{child.StudentId}/guardians/{child.GuardianId}")).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(before, await CountsAsync(app));
        Assert.True(await app.QueryAsync(db => db.StudentGuardians.AnyAsync(l => l.StudentId == child.StudentId && l.GuardianId == child.GuardianId)));
    }

    [Theory, AllProviders]
    public async Task The_search_follows_a_rename_and_a_delete(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Oswaldine", "Brackenfold", school: await DemoSchoolAsync(app));
        async Task<int> FoundAsync(string q) =>
            (await (await admin.GetAsync($"/api/v1/students?q={Uri.EscapeDataString(q)}")).JsonAsync())["totalCount"]!.GetValue<int>();
        Assert.Equal(1, await FoundAsync("brackenf"));

        var etag = (await admin.GetAsync($"/api/v1/students/{student.Id}")).Headers.ETag!.Tag;
        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student.Id}") { Content = JsonContent.Create(ValidEdit("Oswaldine", "Thistlewick")) };
        edit.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await admin.SendAsync(edit)).JsonAsync();
        Assert.Equal((0, 1), (await FoundAsync("brackenf"), await FoundAsync("thistlew oswal")));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/students/{student.Id}")).StatusCode);
        Assert.Equal(0, await FoundAsync("thistlew"));
    }

    internal static JsonObject NewStudentBody(int school, JsonArray? guardians = null) => new()
    {
        ["schoolId"] = school,
        ["firstName"] = "Sofia",
        ["lastName"] = "Newcomer",
        ["dateOfBirth"] = "2013-05-02",
        ["gender"] = "female",
        ["yearGroup"] = 8,
        ["formGroup"] = "8B",
        ["guardians"] = guardians ?? [],
    };

    internal static Task<int> DemoSchoolAsync(LyceumApp app) => app.QueryAsync(db => db.Schools.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());

    internal static async Task<Guardian> NewGuardianAsync(LyceumApp app, int school, string first, string last, bool archived = false)
    {
        var guardian = new Guardian
        {
            SchoolId = school,
            FirstName = first,
            LastName = last,
            Email = $"{first}.{last}.{Guid.NewGuid():N}"[..40].ToLowerInvariant() + "@example.org",
            ArchivedAt = archived ? DateTime.UtcNow : null,
        };
        await app.InsertAsync(guardian);
        return guardian;
    }

    private static Task<(int Students, int Guardians, int Links)> CountsAsync(LyceumApp app) =>
        app.QueryAsync(async db => (await db.Students.CountAsync(), await db.Guardians.CountAsync(), await db.StudentGuardians.CountAsync()));
}
