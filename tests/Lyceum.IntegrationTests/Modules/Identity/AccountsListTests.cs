using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Students.ManageStudentsTests;

namespace Lyceum.IntegrationTests.Modules.Identity;

/// <summary>The list of accounts (GET /api/v1/users): search, filters, sorting and paging, and bad parameters.</summary>
[Collection("app")]
public sealed class AccountsListTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task The_office_finds_an_account_by_its_persons_name_or_address_and_sees_its_roles_and_person(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var family = Word();
        var address = Word().ToLowerInvariant();
        var guardian = new Guardian { SchoolId = await DemoSchoolAsync(app), FirstName = "Zoë", LastName = family, Email = $"{address}@example.org" };
        await app.InsertAsync(guardian);
        var userId = await InviteAsync(office, "guardian", guardian.Id);

        // The accent need not be typed, the order of the words is free, and the address finds it too.
        foreach (var q in new[] { $"zoe {family}", $"{family.ToUpperInvariant()}, Zoë", address.ToUpperInvariant(), $"{address}@example" })
        {
            var row = Assert.Single(await ItemsAsync(office, $"?q={Uri.EscapeDataString(q)}"))!;
            Assert.Equal(userId, Guid.Parse(row["id"]!.GetValue<string>()));
        }

        var account = Assert.Single(await ItemsAsync(office, $"?q={family}"))!;
        Assert.Equal(guardian.Email, account["email"]!.GetValue<string>());
        Assert.Equal($"Zoë {family}", account["displayName"]!.GetValue<string>());
        Assert.Equal([RoleNames.Guardian], account["roles"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
        Assert.Equal("guardian", account["person"]!["type"]!.GetValue<string>());
        Assert.Equal(guardian.Id, account["person"]!["id"]!.GetValue<int>());
        Assert.Equal($"Zoë {family}", account["person"]!["name"]!.GetValue<string>());
        Assert.False(account["hasPassword"]!.GetValue<bool>());
        Assert.Null(account["deactivatedAt"]);

        // The installation's administrator stands for nobody on record, and the office sees that account too.
        var head = Assert.Single(await ItemsAsync(office, $"?q={LyceumApp.AdminEmail}&personType=none"))!;
        Assert.Null(head["person"]);
        Assert.Contains(RoleNames.Administrator, head["roles"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
    }

    [Theory, AllProviders]
    public async Task The_list_pages_sorts_and_filters_by_role_kind_of_person_and_status(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        using var admin = await app.AdminClientAsync();
        var school = await DemoSchoolAsync(app);
        var family = Word();
        var staff = new List<Guid>();
        foreach (var first in new[] { "Carla", "Alice", "Bruno" })
        {
            staff.Add(await InviteAsync(office, "staff", await Lyceum.IntegrationTests.Modules.Schools.SectionsTests.NewStaffAsync(app, school, first, family)));
        }

        var guardian = await InviteAsync(office, "guardian", (await NewGuardianAsync(app, school, "Dora", family)).Id);
        await (await admin.PostAsync($"/api/v1/users/{staff[0]}/deactivate", null)).JsonAsync();

        var all = await (await office.GetAsync($"/api/v1/users?q={family}&sort=displayName&pageSize=3")).JsonAsync();
        Assert.Equal(4, all["totalCount"]!.GetValue<int>());
        Assert.Equal(3, all["pageSize"]!.GetValue<int>());
        Assert.Equal(["Alice", "Bruno", "Carla"], Names(all["items"]!));
        var second = await (await office.GetAsync($"/api/v1/users?q={family}&sort=displayName&pageSize=3&page=2")).JsonAsync();
        Assert.Equal(2, second["page"]!.GetValue<int>());
        Assert.Equal(["Dora"], Names(second["items"]!));
        Assert.Equal(["Dora", "Carla", "Bruno", "Alice"], Names(await ItemsAsync(office, $"?q={family}&sort=-displayName")));

        Assert.Equal(["Alice", "Bruno", "Carla"], Names(await ItemsAsync(office, $"?q={family}&personType=staff")));
        Assert.Equal(["Dora"], Names(await ItemsAsync(office, $"?q={family}&personType=GUARDIAN")));
        Assert.Empty(await ItemsAsync(office, $"?q={family}&personType=student"));
        Assert.Empty(await ItemsAsync(office, $"?q={family}&personType=none"));
        Assert.Equal(["Carla"], Names(await ItemsAsync(office, $"?q={family}&status=deactivated")));
        Assert.Equal(["Alice", "Bruno", "Dora"], Names(await ItemsAsync(office, $"?q={family}&status=active")));
        var guardianRole = await app.QueryAsync(db => db.Roles.Where(r => r.Name == RoleNames.Guardian).Select(r => r.Id).SingleAsync());
        var guardians = await ItemsAsync(office, $"?q={family}&roleId={guardianRole}");
        Assert.Equal(guardian, Guid.Parse(Assert.Single(guardians)!["id"]!.GetValue<string>()));
        Assert.Empty(await ItemsAsync(office, $"?q={family}&roleId={Guid.NewGuid()}"));

        var deactivated = Assert.Single(await ItemsAsync(office, $"?q=carla {family}"))!;
        Assert.NotNull(deactivated["deactivatedAt"]);
        var newestFirst = (await ItemsAsync(office, $"?q={family}&sort=-createdAt")).Select(r => r!["createdAt"]!.GetValue<DateTime>()).ToList();
        Assert.Equal(newestFirst.OrderDescending(), newestFirst);
    }

    [Theory, AllProviders]
    public async Task Bad_list_parameters_are_problems_naming_each_parameter(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);

        await (await office.GetAsync("/api/v1/users?sort=passwordHash")).ProblemAsync(HttpStatusCode.BadRequest, "sort");
        await (await office.GetAsync("/api/v1/users?pageSize=101")).ProblemAsync(HttpStatusCode.BadRequest, "pageSize");
        await (await office.GetAsync("/api/v1/users?page=0")).ProblemAsync(HttpStatusCode.BadRequest, "page");
        await (await office.GetAsync($"/api/v1/users?q={new string('a', 101)}")).ProblemAsync(HttpStatusCode.BadRequest, "q");
        await (await office.GetAsync("/api/v1/users?status=sleeping")).ProblemAsync(HttpStatusCode.BadRequest, "status");
        await (await office.GetAsync("/api/v1/users?personType=robot")).ProblemAsync(HttpStatusCode.BadRequest, "personType");
        await (await office.GetAsync("/api/v1/users?roleId=teacher")).ProblemAsync(HttpStatusCode.BadRequest, "roleId");

        // Several at once: each is named, so one answer says everything to fix.
        var problem = await (await office.GetAsync("/api/v1/users?sort=-lastSeen&status=gone&roleId=1")).ProblemAsync(HttpStatusCode.BadRequest, "sort");
        Assert.Equal(["roleId", "sort", "status"], problem["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("displayName", problem["errors"]!["sort"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>Letters only, so that the word is one search term, and unique, so that other tests' accounts stay out.</summary>
    private static string Word() => "Q" + string.Concat(Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + (c % 26))));

    private static async Task<Guid> InviteAsync(HttpClient office, string personType, int personId)
    {
        var invitation = await (await office.PostAsJsonAsync("/api/v1/users/invitations", new { personType, personId })).JsonAsync(HttpStatusCode.Created);
        return Guid.Parse(invitation["userId"]!.GetValue<string>());
    }

    private static async Task<JsonArray> ItemsAsync(HttpClient client, string query) =>
        (await (await client.GetAsync("/api/v1/users" + query)).JsonAsync())["items"]!.AsArray();

    /// <summary>The first names of the rows (display names are "First Family").</summary>
    private static List<string> Names(JsonNode items) =>
        [.. items.AsArray().Select(r => r!["displayName"]!.GetValue<string>().Split(' ')[0])];
}
