using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.IntegrationTests.Modules.Gradebook;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Identity;

namespace Lyceum.IntegrationTests.Modules.Tutoring;

/// <summary>
/// A fresh school in Europe/London for tutoring tests: a branch, two tutors who sign in (Tutor preset), a coordinator
/// (Moderator preset), and students Ann, Bob and Cat, Ann's guardian signed in. Built on <see cref="GradebookWorld"/>.
/// </summary>
internal sealed record TutoringWorld(
    GradebookWorld School, int Branch, int Maria, HttpClient MariaClient, int Nikos, HttpClient NikosClient, HttpClient Coordinator,
    int Ann, int Bob, int Cat, HttpClient AnnsGuardian)
{
    public static async Task<TutoringWorld> CreateAsync(LyceumApp app, HttpClient admin)
    {
        var w = await GradebookWorld.CreateAsync(app, admin);
        var branch = new Branch { SchoolId = w.School, Name = "Tutoring Centre" };
        await app.InsertAsync(branch);
        var (maria, mariaClient) = await w.StaffWithAccountAsync(app, "Maria", "Papadopoulou", RoleNames.Tutor);
        var (nikos, nikosClient) = await w.StaffWithAccountAsync(app, "Nikos", "Georgiou", RoleNames.Tutor);
        var (_, coordinator) = await w.StaffWithAccountAsync(app, "Olga", "Office", RoleNames.Moderator);
        var ann = await w.StudentAsync(app, "Ann", "Adams");
        var bob = await w.StudentAsync(app, "Bob", "Brown");
        var cat = await w.StudentAsync(app, "Cat", "Clark");
        var (_, guardian) = await w.GuardianOfAsync(app, ann);
        return new TutoringWorld(w, branch.Id, maria, mariaClient, nikos, nikosClient, coordinator, ann, bob, cat, guardian);
    }

    public static Task<HttpResponseMessage> BookAsync(HttpClient client, object body) => client.PostAsJsonAsync("/api/v1/tutoring/sessions", body);

    /// <summary>Books and expects it booked: the booking (series id, count, sessions).</summary>
    public static async Task<JsonNode> BookedAsync(HttpClient client, object body)
    {
        using var response = await BookAsync(client, body);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public static async Task<JsonArray> WeekAsync(HttpClient client, string from, string to, string query = "")
    {
        using var response = await client.GetAsync($"/api/v1/tutoring/sessions?from={from}&to={to}{query}");
        return (await response.JsonAsync()).AsArray();
    }

    public static int IdOf(JsonNode node) => node["id"]!.GetValue<int>();

    public static string Str(JsonNode node, string field) => node[field]!.GetValue<string>();
}
