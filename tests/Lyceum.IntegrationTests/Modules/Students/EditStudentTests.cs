using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Modules.Students;

[Collection("app")]
public sealed class EditStudentTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Edit_with_the_current_etag_saves_and_returns_a_new_etag(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Mariа", "Before");
        var etag = (await client.GetAsync($"/api/v1/students/{student.Id}")).Headers.ETag!;

        using var response = await client.SendAsync(Put(student.Id, ValidEdit("Maria", "Papadopoulou"), etag.Tag));
        var body = await response.JsonAsync();

        Assert.Equal("Papadopoulou", body["lastName"]!.GetValue<string>());
        Assert.Equal("female", body["gender"]!.GetValue<string>());
        Assert.NotEqual(etag.Tag, response.Headers.ETag!.Tag);
        var stored = await app.QueryAsync(db => db.Students.SingleAsync(s => s.Id == student.Id));
        Assert.Equal(("Maria", "Papadopoulou", "maria@example.org"), (stored.FirstName, stored.LastName, stored.Email));
        Assert.True(stored.UpdatedAt > stored.CreatedAt);
    }

    [Theory, AllProviders]
    public async Task Edit_with_a_stale_etag_is_412_and_keeps_the_other_change(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Nikos", "Original");
        var stale = (await client.GetAsync($"/api/v1/students/{student.Id}")).Headers.ETag!.Tag;
        (await client.SendAsync(Put(student.Id, ValidEdit("Nikos", "FirstWriter"), stale))).EnsureSuccessStatusCode();

        using var response = await client.SendAsync(Put(student.Id, ValidEdit("Nikos", "SecondWriter"), stale));

        await response.ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("FirstWriter", await app.QueryAsync(db => db.Students.Where(s => s.Id == student.Id).Select(s => s.LastName).SingleAsync()));
    }

    [Theory, AllProviders]
    public async Task Two_concurrent_edits_of_the_same_version_cannot_both_win(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Eleni", "Race");
        var etag = (await client.GetAsync($"/api/v1/students/{student.Id}")).Headers.ETag!.Tag;

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            client.SendAsync(Put(student.Id, ValidEdit("Eleni", $"Writer{i}"), etag))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK),
            r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        var winner = (await responses.Single(r => r.IsSuccessStatusCode).Content.ReadFromJsonAsync<JsonNode>())!["lastName"]!.GetValue<string>();
        Assert.Equal(winner, await app.QueryAsync(db => db.Students.Where(s => s.Id == student.Id).Select(s => s.LastName).SingleAsync()));
    }

    [Theory, AllProviders]
    public async Task Edit_without_if_match_is_428(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Kostas", "NoMatch");

        using var response = await client.SendAsync(Put(student.Id, ValidEdit(), etag: null));

        await response.ProblemAsync(HttpStatusCode.PreconditionRequired);
        await AssertUnchangedAsync(app, student.Id, "NoMatch");
    }

    [Theory, AllProviders]
    public async Task Edit_of_an_unknown_student_is_404(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();

        using var response = await client.SendAsync(Put(987654321, ValidEdit(), "\"00000000000000000000000000000000\""));

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task Edit_of_an_archived_student_is_409(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Gone", "Leaver", archived: true);
        var etag = (await client.GetAsync($"/api/v1/students/{student.Id}")).Headers.ETag!.Tag;

        using var response = await client.SendAsync(Put(student.Id, ValidEdit(), etag));

        await response.ProblemAsync(HttpStatusCode.Conflict);
        await AssertUnchangedAsync(app, student.Id, "Leaver");
    }

    public static TheoryData<DatabaseProvider, string, string> InvalidFields()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, """{"firstName":""}""", "firstName");
            data.Add(provider, """{"lastName":"   "}""", "lastName");
            data.Add(provider, $$"""{"lastName":"{{new string('x', 101)}}"}""", "lastName");
            data.Add(provider, """{"dateOfBirth":null}""", "dateOfBirth");
            data.Add(provider, """{"dateOfBirth":"2999-01-01"}""", "dateOfBirth");
            data.Add(provider, """{"yearGroup":15}""", "yearGroup");
            data.Add(provider, """{"email":"not-an-address"}""", "email");
            data.Add(provider, """{"phone":"call me maybe"}""", "phone");
        }

        return data;
    }

    [Theory, MemberData(nameof(InvalidFields))]
    public async Task Invalid_fields_are_a_400_keyed_by_field_and_change_nothing(DatabaseProvider provider, string patch, string field)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Valid", "Unchanged");
        var etag = (await client.GetAsync($"/api/v1/students/{student.Id}")).Headers.ETag!.Tag;
        var body = ValidEdit("Valid", "Unchanged2");
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        using var response = await client.SendAsync(Put(student.Id, body, etag));

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        await AssertUnchangedAsync(app, student.Id, "Unchanged");
    }

    public static TheoryData<DatabaseProvider, string, string, int, string?> MalformedBodies()
    {
        var data = new TheoryData<DatabaseProvider, string, string, int, string?>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, "application/json", """{"firstName": "A", """, 400, null);
            data.Add(provider, "application/json", "not json at all", 400, null);
            data.Add(provider, "application/json", """{"firstName":"Ab\u0000c","lastName":"B","dateOfBirth":"2012-01-01","yearGroup":9}""", 400, "firstName");
            data.Add(provider, "application/json", """{"firstName":"A","lastName":"\ud800","dateOfBirth":"2012-01-01","yearGroup":9}""", 400, "lastName");
            data.Add(provider, "application/json", """{"firstName":"A","lastName":"B","dateOfBirth":"2012-01-01","yearGroup":"nine"}""", 400, "yearGroup");
            data.Add(provider, "application/json", """{"firstName":"A","lastName":"B","dateOfBirth":"14/03/2012","yearGroup":9}""", 400, "dateOfBirth");
            data.Add(provider, "application/json", """{"firstName":"A","lastName":"B","dateOfBirth":"2012-01-01","yearGroup":9,"nickname":"Al"}""", 400, "nickname");
            data.Add(provider, "application/json", """{"firstName":"A","lastName":"B","dateOfBirth":"2012-01-01","yearGroup":9,"gender":"robot"}""", 400, "gender");
            data.Add(provider, "application/json", string.Empty, 400, null);
            data.Add(provider, "text/plain", """{"firstName":"A"}""", 415, null);
            data.Add(provider, "application/json", $$"""{"firstName":"{{new string('a', 10 * 1024 * 1024)}}"}""", 413, null);
        }

        return data;
    }

    [Theory, MemberData(nameof(MalformedBodies))]
    public async Task Malformed_bodies_get_the_matching_4xx_and_change_nothing(
        DatabaseProvider provider, string contentType, string body, int status, string? field)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();
        var student = await NewStudentAsync(app, "Robust", "Intact");
        var etag = (await client.GetAsync($"/api/v1/students/{student.Id}")).Headers.ETag!.Tag;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student.Id}")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, contentType),
        };
        request.Headers.TryAddWithoutValidation("If-Match", etag);

        using var response = await client.SendAsync(request);

        await response.ProblemAsync((HttpStatusCode)status, field);
        await AssertUnchangedAsync(app, student.Id, "Intact");
    }

    private static HttpRequestMessage Put(int id, JsonObject body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{id}") { Content = JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return request;
    }

    private static async Task AssertUnchangedAsync(LyceumApp app, int id, string lastName) =>
        Assert.Equal(lastName, await app.QueryAsync(db => db.Students.Where(s => s.Id == id).Select(s => s.LastName).SingleAsync()));
}
