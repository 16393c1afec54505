using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests;
using static Lyceum.IntegrationTests.Modules.Students.ManageStudentsTests;

namespace Lyceum.IntegrationTests.Platform;

/// <summary>
/// Idempotency-Key on creates: a retry after a lost answer (the office's Wi-Fi dropped as they pressed Save) gets the
/// first answer again and adds nothing; the same key for another request, or while the first runs, is refused.
/// </summary>
[Collection("app")]
public sealed class IdempotencyKeyTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task A_retried_add_student_with_the_same_key_answers_the_first_student_and_adds_no_second(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var school = await DemoSchoolAsync(app);
        var key = Guid.NewGuid().ToString();
        var body = NewStudentBody(school);
        body["lastName"] = $"Retry{Guid.NewGuid():N}"[..20];

        using var first = await office.SendAsync(Post("/api/v1/students", key, body));
        var created = await first.JsonAsync(HttpStatusCode.Created);
        using var retry = await office.SendAsync(Post("/api/v1/students", key, body));
        var replayed = await retry.JsonAsync(HttpStatusCode.Created);

        Assert.Equal(created["id"]!.GetValue<int>(), replayed["id"]!.GetValue<int>());
        Assert.Equal(created["studentNumber"]!.GetValue<string>(), replayed["studentNumber"]!.GetValue<string>());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var lastName = body["lastName"]!.GetValue<string>();
        Assert.Equal(1, await app.QueryAsync(db => db.Students.CountAsync(s => s.LastName == lastName)));

        // Without a key each request is its own: the auto-numbered second student is added.
        await (await office.PostAsJsonAsync("/api/v1/students", body)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, await app.QueryAsync(db => db.Students.CountAsync(s => s.LastName == lastName)));
    }

    [Theory, AllProviders]
    public async Task The_same_key_for_another_request_is_422_and_a_bad_key_is_400_and_neither_adds_anything(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var school = await DemoSchoolAsync(app);
        var key = Guid.NewGuid().ToString();
        var body = NewStudentBody(school);
        body["lastName"] = $"Key{Guid.NewGuid():N}"[..20];
        var lastName = body["lastName"]!.GetValue<string>();
        await (await office.SendAsync(Post("/api/v1/students", key, body))).JsonAsync(HttpStatusCode.Created);

        var other = NewStudentBody(school);
        other["lastName"] = lastName;
        other["firstName"] = "Someone-else";
        await (await office.SendAsync(Post("/api/v1/students", key, other))).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await office.SendAsync(Post("/api/v1/students", new string('k', 101), other))).ProblemAsync(HttpStatusCode.BadRequest, "Idempotency-Key");
        await (await office.SendAsync(Post("/api/v1/students", "spaces are not allowed", other))).ProblemAsync(HttpStatusCode.BadRequest, "Idempotency-Key");
        Assert.Equal(1, await app.QueryAsync(db => db.Students.CountAsync(s => s.LastName == lastName)));

        // Keys are per account: the administrator's same key is a request of their own.
        using var admin = await app.AdminClientAsync();
        await (await admin.SendAsync(Post("/api/v1/students", key, other))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(2, await app.QueryAsync(db => db.Students.CountAsync(s => s.LastName == lastName)));
    }

    [Theory, AllProviders]
    public async Task A_refused_request_does_not_use_up_its_key(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        var key = Guid.NewGuid().ToString();

        await (await admin.SendAsync(Post("/api/v1/rooms", key, new JsonObject { ["schoolId"] = school, ["name"] = "" }))).ProblemAsync(HttpStatusCode.BadRequest, "name");
        using var fixedUp = await admin.SendAsync(Post("/api/v1/rooms", key, new JsonObject { ["schoolId"] = school, ["name"] = "Lab 7" }));
        var room = await fixedUp.JsonAsync(HttpStatusCode.Created);

        // A retry of the room is answered with it, not with "this school already has a room named Lab 7".
        using var retry = await admin.SendAsync(Post("/api/v1/rooms", key, new JsonObject { ["schoolId"] = school, ["name"] = "Lab 7" }));
        Assert.Equal(room["id"]!.GetValue<int>(), (await retry.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>());
        Assert.Equal(1, await app.QueryAsync(db => db.Rooms.CountAsync(r => r.SchoolId == school)));
    }

    [Theory, AllProviders]
    public async Task A_key_older_than_a_day_is_forgotten_with_its_kept_answer(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        var user = await app.UserIdAsync(LyceumApp.AdminEmail);
        var (key, other) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var old = DateTime.UtcNow.AddHours(-25);
        var body = new JsonObject { ["schoolId"] = school, ["name"] = "Old room" };
        await app.InsertAsync(
            new IdempotentRequest { UserId = user, Key = key, Endpoint = "POST /api/v1/rooms", RequestHash = "x", StatusCode = 201, Body = "{}", CreatedAt = old },
            new IdempotentRequest { UserId = user, Key = other, Endpoint = "POST /api/v1/rooms", RequestHash = "y", StatusCode = 201, Body = "{\"secret\":1}", CreatedAt = old });

        using var response = await admin.SendAsync(Post("/api/v1/rooms", key, body));

        Assert.Equal("Old room", (await response.JsonAsync(HttpStatusCode.Created))["name"]!.GetValue<string>());
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        Assert.False(await app.QueryAsync(db => db.IdempotentRequests.AnyAsync(r => r.Key == other)));
    }

    [Theory, AllProviders]
    public async Task The_same_request_sent_several_times_at_once_adds_one_student(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var school = await DemoSchoolAsync(app);
        var key = Guid.NewGuid().ToString();
        var body = NewStudentBody(school);
        body["lastName"] = $"Burst{Guid.NewGuid():N}"[..20];
        var lastName = body["lastName"]!.GetValue<string>();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => office.SendAsync(Post("/api/v1/students", key, body))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)r.StatusCode}"));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(1, await app.QueryAsync(db => db.Students.CountAsync(s => s.LastName == lastName)));
        // Once the first has answered, a retry gets that answer.
        var again = await (await office.SendAsync(Post("/api/v1/students", key, body))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(await app.QueryAsync(db => db.Students.Where(s => s.LastName == lastName).Select(s => s.Id).SingleAsync()), again["id"]!.GetValue<int>());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private static HttpRequestMessage Post(string url, string key, JsonObject body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }
}
