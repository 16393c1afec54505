using System.Net;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Students;

[Collection("app")]
public sealed class StudentsApiTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task List_returns_a_page_of_demo_students_with_the_total(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var total = await app.QueryAsync(db => db.Students.CountAsync(s => s.ArchivedAt == null));

        var page = await (await client.GetAsync("/api/v1/students?page=2&pageSize=25")).JsonAsync();

        Assert.Equal(2, page["page"]!.GetValue<int>());
        Assert.Equal(25, page["pageSize"]!.GetValue<int>());
        Assert.Equal(total, page["totalCount"]!.GetValue<int>());
        Assert.True(total >= 60);
        var items = page["items"]!.AsArray();
        Assert.Equal(25, items.Count);
        var first = items[0]!;
        Assert.Matches("^[A-Z][a-z'A-Z -]+$", first["lastName"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(first["studentNumber"]!.GetValue<string>()));
        Assert.InRange(first["yearGroup"]!.GetValue<int>(), 7, 11);
    }

    [Theory, AllProviders]
    public async Task List_defaults_to_page_1_of_25_sorted_by_last_then_first_name(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();

        var page = await (await client.GetAsync("/api/v1/students")).JsonAsync();

        Assert.Equal(1, page["page"]!.GetValue<int>());
        Assert.Equal(25, page["pageSize"]!.GetValue<int>());
        var names = page["items"]!.AsArray().Select(i => (i!["lastName"]!.GetValue<string>(), i["firstName"]!.GetValue<string>())).ToList();
        var expected = await app.QueryAsync(db => db.Students.Where(s => s.ArchivedAt == null)
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName).ThenBy(s => s.Id).Take(25)
            .Select(s => new { s.LastName, s.FirstName }).ToListAsync());
        Assert.Equal(expected.Select(e => (e.LastName, e.FirstName)), names);
    }

    [Theory, AllProviders]
    public async Task List_sorts_by_several_fields_with_descending_marked_by_a_minus(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();

        var page = await (await client.GetAsync("/api/v1/students?pageSize=100&sort=yearGroup,-dateOfBirth")).JsonAsync();

        var rows = page["items"]!.AsArray()
            .Select(i => (Year: i!["yearGroup"]!.GetValue<int>(), Born: DateOnly.Parse(i["dateOfBirth"]!.GetValue<string>())))
            .ToList();
        Assert.Equal(rows.OrderBy(r => r.Year).ThenByDescending(r => r.Born), rows);
        Assert.True(rows.Select(r => r.Year).Distinct().Count() > 1);
    }

    [Theory, AllProviders]
    public async Task Pages_do_not_repeat_or_skip_students(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();

        var seen = new List<int>();
        for (var p = 1; p <= 4; p++)
        {
            var page = await (await client.GetAsync($"/api/v1/students?page={p}&pageSize=20&sort=yearGroup")).JsonAsync();
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<int>()));
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(Math.Min(80, await app.QueryAsync(db => db.Students.CountAsync(s => s.ArchivedAt == null))), seen.Count);
    }

    [Theory, AllProviders]
    public async Task Search_finds_a_student_by_name_or_number_ignoring_case(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Zephyrine", "Quillfeather");

        foreach (var q in new[] { "zephyr", "QUILLFEATHER", "zephyrine quill", student.StudentNumber })
        {
            var page = await (await client.GetAsync($"/api/v1/students?q={Uri.EscapeDataString(q)}")).JsonAsync();
            var ids = page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<int>()).ToList();
            Assert.Contains(student.Id, ids);
            Assert.Equal(ids.Count, page["totalCount"]!.GetValue<int>());
        }

        var none = await (await client.GetAsync("/api/v1/students?q=%25_%25")).JsonAsync();
        Assert.Equal(0, none["totalCount"]!.GetValue<int>());
    }

    [Theory, AllProviders]
    public async Task Search_takes_a_name_as_a_list_shows_it_and_needs_every_word(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Benedikt", "Adamsworth");
        await NewStudentAsync(app, "Benedikt", "Otherworth");

        foreach (var q in new[] { "Adamsworth, Benedikt", "benedikt adamsworth", "adamsworth;bene" })
        {
            var page = await (await client.GetAsync($"/api/v1/students?q={Uri.EscapeDataString(q)}")).JsonAsync();
            Assert.Equal([student.Id], page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<int>()));
        }

        var wrong = await (await client.GetAsync("/api/v1/students?q=Adamsworth,%20Zebedee")).JsonAsync();
        Assert.Equal(0, wrong["totalCount"]!.GetValue<int>());
    }

    [Theory, AllProviders]
    public async Task Search_ignores_case_and_accents_in_any_alphabet(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var greek = await NewStudentAsync(app, "Ελένη", "Παπαδοπούλου");
        var french = await NewStudentAsync(app, "Émilie", "Lefèvre-Testé");

        foreach (var (q, id) in new[] { ("ελενη", greek.Id), ("ΠΑΠΑΔΟΠΟΎΛΟΥ", greek.Id), ("Ελένη Παπα", greek.Id), ("emilie", french.Id), ("LEFEVRE-TESTE", french.Id) })
        {
            var page = await (await client.GetAsync($"/api/v1/students?q={Uri.EscapeDataString(q)}")).JsonAsync();
            Assert.Contains(id, page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<int>()));
        }
    }

    [Theory, AllProviders]
    public async Task Archived_students_are_listed_only_when_asked_for(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Archibald", "Leaverson", archived: true);

        var active = await (await client.GetAsync("/api/v1/students?q=Leaverson")).JsonAsync();
        var all = await (await client.GetAsync("/api/v1/students?q=Leaverson&includeArchived=true")).JsonAsync();

        Assert.Equal(0, active["totalCount"]!.GetValue<int>());
        Assert.Equal(student.Id, all["items"]![0]!["id"]!.GetValue<int>());
        Assert.True(all["items"]![0]!["archived"]!.GetValue<bool>());
    }

    public static TheoryData<DatabaseProvider, string, string> BadListParameters()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, "pageSize=0", "pageSize");
            data.Add(provider, "pageSize=-5", "pageSize");
            data.Add(provider, "pageSize=1000000", "pageSize");
            data.Add(provider, "pageSize=ten", "pageSize");
            data.Add(provider, "page=0", "page");
            data.Add(provider, "page=99999999999", "page");
            data.Add(provider, "page=abc", "page");
            data.Add(provider, "page=2147483647&pageSize=100", "page");
            data.Add(provider, "sort=shoeSize", "sort");
            data.Add(provider, "sort=lastName,-password", "sort");
            data.Add(provider, "yearGroup=seven", "yearGroup");
            data.Add(provider, "includeArchived=maybe", "includeArchived");
            data.Add(provider, "q=ab%00cd", "q"); // PostgreSQL cannot take NUL in text: a 400 on both, not a 500 on one
            data.Add(provider, "q=%07bell", "q");
        }

        return data;
    }

    [Theory, MemberData(nameof(BadListParameters))]
    public async Task Bad_list_parameters_are_a_400_naming_the_parameter(DatabaseProvider provider, string query, string field)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();

        using var response = await client.GetAsync($"/api/v1/students?{query}");

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Theory, AllProviders]
    public async Task A_search_longer_than_100_characters_is_refused(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();

        using var response = await client.GetAsync($"/api/v1/students?q={new string('a', 101)}");

        await response.ProblemAsync(HttpStatusCode.BadRequest, "q");
    }

    [Theory, AllProviders]
    public async Task Profile_shows_details_guardians_and_enrolments_with_an_etag(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var id = await app.QueryAsync(db => db.Students.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());

        using var response = await client.GetAsync($"/api/v1/students/{id}");
        var profile = await response.JsonAsync();

        Assert.Matches("^\"[0-9a-f]{32}\"$", response.Headers.ETag!.ToString());
        Assert.Equal(id, profile["id"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(profile["schoolName"]!.GetValue<string>()));
        var guardians = profile["guardians"]!.AsArray();
        Assert.InRange(guardians.Count, 1, 2);
        Assert.Equal(1, guardians[0]!["contactPriority"]!.GetValue<int>());
        Assert.Contains(guardians[0]!["relationship"]!.GetValue<string>(), new[] { "mother", "father", "stepfather", "grandparent", "carer" });
        var enrolments = profile["enrollments"]!.AsArray();
        Assert.InRange(enrolments.Count, 5, 8);
        Assert.All(enrolments, e =>
        {
            Assert.False(string.IsNullOrEmpty(e!["teacher"]!.GetValue<string>()));
            Assert.InRange(e["meetings"]!.AsArray().Count, 3, 4);
        });
        Assert.Null(profile["version"]);
    }

    [Theory, AllProviders]
    public async Task Profile_is_not_sent_again_when_the_client_has_the_current_version(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var id = await app.QueryAsync(db => db.Students.Select(s => s.Id).FirstAsync());
        using var first = await client.GetAsync($"/api/v1/students/{id}");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/students/{id}");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Theory, AllProviders]
    public async Task Unknown_or_malformed_student_ids_are_404_problems(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();

        await (await client.GetAsync("/api/v1/students/987654321")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/v1/students/abc")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/v1/students/99999999999999999999")).ProblemAsync(HttpStatusCode.NotFound);
    }

    internal static async Task<Student> NewStudentAsync(LyceumApp app, string first, string last, bool archived = false, int? school = null)
    {
        var schoolId = school ?? await app.QueryAsync(db => db.Schools.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());
        var student = new Student
        {
            SchoolId = schoolId,
            StudentNumber = $"T{Random.Shared.Next(1_000_000, 9_999_999)}",
            FirstName = first,
            LastName = last,
            DateOfBirth = new DateOnly(2012, 3, 14),
            YearGroup = 9,
            FormGroup = "9Z",
            AdmittedOn = new DateOnly(2023, 9, 1),
            ArchivedAt = archived ? DateTime.UtcNow : null,
        };
        await app.InsertAsync(student);
        return student;
    }

    internal static JsonObject ValidEdit(string first = "Maria", string last = "Papadopoulou") => new()
    {
        ["firstName"] = first,
        ["lastName"] = last,
        ["preferredName"] = null,
        ["dateOfBirth"] = "2012-03-14",
        ["gender"] = "female",
        ["yearGroup"] = 9,
        ["formGroup"] = "9Z",
        ["email"] = "maria@example.org",
        ["phone"] = "+44 7700 900123",
        ["address"] = "1 High Street",
    };
}
