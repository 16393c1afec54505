using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Students.ManageStudentsTests;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Modules.Identity;

/// <summary>Accounts for people on record: invitations, set-password links, deactivation that signs out everywhere.</summary>
[Collection("app")]
public sealed class AccountsTests(AppFixture fixture)
{
    private const string NewPassword = "a garden of forty lemons";

    [Theory, AllProviders]
    public async Task The_office_invites_a_guardian_who_sets_a_password_once_and_sees_their_child(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var school = await DemoSchoolAsync(app);
        var child = await NewStudentAsync(app, "Invited", "Child", school: school);
        var guardian = await NewGuardianAsync(app, school, "Invited", "Parent");
        await app.InsertAsync(new StudentGuardian { StudentId = child.Id, GuardianId = guardian.Id, Relationship = Relationship.Mother, ContactPriority = 1 });

        using var response = await office.PostAsJsonAsync("/api/v1/users/invitations", new { personType = "guardian", personId = guardian.Id });
        var invitation = await response.JsonAsync(HttpStatusCode.Created);

        var userId = Guid.Parse(invitation["userId"]!.GetValue<string>());
        Assert.Equal(guardian.Email, invitation["email"]!.GetValue<string>());
        Assert.Equal(RoleNames.Guardian, invitation["role"]!["name"]!.GetValue<string>());
        Assert.Equal(userId, await app.QueryAsync(db => db.Guardians.Where(g => g.Id == guardian.Id).Select(g => g.UserId).SingleAsync()));
        var link = new Uri(invitation["setPasswordUrl"]!.GetValue<string>());
        Assert.Equal("/set-password", link.AbsolutePath);
        // Until the password is set, nobody can sign in to the account.
        using (var anonymous = app.CreateClient())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email = guardian.Email, password = NewPassword })).StatusCode);
        }

        using var browser = SignInPageTests.Browser(app);
        Assert.Equal(HttpStatusCode.OK, (await SetPasswordAsync(browser, link, NewPassword, NewPassword)).StatusCode);

        using var parent = app.ClientWithToken(await app.TokenAsync(guardian.Email!, NewPassword));
        var list = await (await parent.GetAsync("/api/v1/students")).JsonAsync();
        Assert.Equal([child.Id], list["items"]!.AsArray().Select(s => s!["id"]!.GetValue<int>()));
        Assert.True(await app.QueryAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.EmailConfirmed).SingleAsync()));

        // The link worked once.
        var again = await SetPasswordAsync(browser, link, "another fine password", "another fine password");
        Assert.Contains("This link is not valid any more", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await app.TokenAsync(guardian.Email!, NewPassword);
    }

    [Theory, AllProviders]
    public async Task An_invitation_that_cannot_be_made_says_why_and_creates_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var school = await DemoSchoolAsync(app);
        var staff = await Lyceum.IntegrationTests.Modules.Schools.SectionsTests.NewStaffAsync(app, school, "Office", "Invited");
        var before = await app.QueryAsync(db => db.Users.CountAsync());
        var administrator = await app.QueryAsync(db => db.Roles.Where(r => r.Name == RoleNames.Administrator).Select(r => r.Id).SingleAsync());

        await (await office.PostAsJsonAsync("/api/v1/users/invitations", new { personType = "staff", personId = staff, roleId = administrator }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        await (await office.PostAsJsonAsync("/api/v1/users/invitations", new { personType = "staff", personId = 987_654 }))
            .ProblemAsync(HttpStatusCode.BadRequest, "personId");
        await (await office.PostAsJsonAsync("/api/v1/users/invitations", new { personId = staff }))
            .ProblemAsync(HttpStatusCode.BadRequest, "personType");
        await (await office.PostAsJsonAsync("/api/v1/users/invitations", new { personType = "staff", personId = staff, email = LyceumApp.AdminEmail }))
            .ProblemAsync(HttpStatusCode.BadRequest, "email");
        await (await office.PostAsJsonAsync("/api/v1/users/invitations", new { personType = "staff", personId = staff, email = "not-an-address" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "email");
        Assert.Equal(before, await app.QueryAsync(db => db.Users.CountAsync()));

        // The first invitation works (a teacher by default); a second one for the same person is a conflict.
        var first = await (await office.PostAsJsonAsync("/api/v1/users/invitations", new { personType = "staff", personId = staff })).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(RoleNames.Teacher, first["role"]!["name"]!.GetValue<string>());
        await (await office.PostAsJsonAsync("/api/v1/users/invitations", new { personType = "staff", personId = staff, email = "someone.else@example.org" }))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(before + 1, await app.QueryAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllProviders]
    public async Task Deactivating_an_account_signs_it_out_everywhere_and_reactivating_lets_it_back(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (email, password) = await app.CreateUserAsync(RoleNames.Teacher);
        var userId = await app.UserIdAsync(email);
        using var anonymous = app.CreateClient();
        var tokens = await (await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password })).JsonAsync();
        using var api = app.ClientWithToken(tokens["accessToken"]!.GetValue<string>());
        using var browser = SignInPageTests.Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInPageTests.SignInAsync(browser, email, password, "/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        var account = await (await admin.PostAsync($"/api/v1/users/{userId}/deactivate", null)).JsonAsync();
        Assert.NotNull(account["deactivatedAt"]);
        await (await admin.PostAsync($"/api/v1/users/{userId}/deactivate", null)).JsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/me")).StatusCode);
        var page = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/sign-in", page.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens["refreshToken"]!.GetValue<string>() })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password })).StatusCode);

        var back = await (await admin.PostAsync($"/api/v1/users/{userId}/reactivate", null)).JsonAsync();
        Assert.Null(back["deactivatedAt"]);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password })).StatusCode);
    }

    [Theory, AllProviders]
    public async Task Nobody_deactivates_themself_and_the_office_cannot_take_over_an_administrator(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var me = await app.UserIdAsync(LyceumApp.AdminEmail);
        var (teacherEmail, _) = await app.CreateUserAsync(RoleNames.Teacher);
        var teacher = await app.UserIdAsync(teacherEmail);

        await (await admin.PostAsync($"/api/v1/users/{me}/deactivate", null)).ProblemAsync(HttpStatusCode.Conflict);
        await (await office.PostAsync($"/api/v1/users/{me}/password-link", null)).ProblemAsync(HttpStatusCode.Forbidden);

        var link = await (await office.PostAsync($"/api/v1/users/{teacher}/password-link", null)).JsonAsync();
        Assert.Contains("/set-password?user=", link["setPasswordUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await app.QueryAsync(db => db.Users.Where(u => u.Id == me).Select(u => u.DeactivatedAt).SingleAsync()));
    }

    [Theory, AllProviders]
    public async Task A_newer_link_ends_the_older_one(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var (email, _) = await app.CreateUserAsync(RoleNames.Teacher);
        var id = await app.UserIdAsync(email);
        var older = new Uri((await (await admin.PostAsync($"/api/v1/users/{id}/password-link", null)).JsonAsync())["setPasswordUrl"]!.GetValue<string>());
        var newer = new Uri((await (await admin.PostAsync($"/api/v1/users/{id}/password-link", null)).JsonAsync())["setPasswordUrl"]!.GetValue<string>());
        using var browser = SignInPageTests.Browser(app);

        var refused = await SetPasswordAsync(browser, older, NewPassword, NewPassword);
        Assert.Contains("This link is not valid any more", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var mismatch = await SetPasswordAsync(browser, newer, NewPassword, NewPassword + "!");
        Assert.Contains("The two passwords are not the same.", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await SetPasswordAsync(browser, newer, NewPassword, NewPassword);

        await app.TokenAsync(email, NewPassword);
    }

    [Theory, AllProviders]
    public async Task An_address_with_an_apostrophe_or_an_accent_gets_an_account_and_a_new_password_ends_old_tokens(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var office = await app.DemoClientAsync(RoleNames.Moderator);
        var guardian = await NewGuardianAsync(app, await DemoSchoolAsync(app), "Mary", "O'Brien");
        var email = $"mary.o'brien.zoë.{Guid.NewGuid():N}"[..40] + "@example.org";

        var invitation = await (await office.PostAsJsonAsync("/api/v1/users/invitations", new { personType = "guardian", personId = guardian.Id, email })).JsonAsync(HttpStatusCode.Created);
        using var browser = SignInPageTests.Browser(app);
        await SetPasswordAsync(browser, new Uri(invitation["setPasswordUrl"]!.GetValue<string>()), NewPassword, NewPassword);
        using var anonymous = app.CreateClient();
        var tokens = await (await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { email, password = NewPassword })).JsonAsync();

        // The office sends a new link (a lost password, a worry about the account); setting it ends the old refresh tokens.
        var userId = Guid.Parse(invitation["userId"]!.GetValue<string>());
        var link = await (await office.PostAsync($"/api/v1/users/{userId}/password-link", null)).JsonAsync();
        await SetPasswordAsync(browser, new Uri(link["setPasswordUrl"]!.GetValue<string>()), "a different garden of lemons", "a different garden of lemons");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens["refreshToken"]!.GetValue<string>() })).StatusCode);
        await app.TokenAsync(email, "a different garden of lemons");
    }

    [Theory, AllProviders]
    public async Task A_link_made_on_one_node_works_on_another_because_the_keys_are_in_the_database(DatabaseProvider provider)
    {
        await using var first = await (await LyceumApp.CreateAsync(provider, Platform.StartupTests.NoDemo)).StartAsync();
        var (email, _) = await first.CreateUserAsync(RoleNames.Teacher);
        using var admin = await first.AdminClientAsync();
        var link = new Uri((await (await admin.PostAsync($"/api/v1/users/{await first.UserIdAsync(email)}/password-link", null)).JsonAsync())["setPasswordUrl"]!.GetValue<string>());

        await using var second = await (await LyceumApp.CreateAsync(provider, Platform.StartupTests.NoDemo, database: first.Database)).StartAsync();
        using var browser = SignInPageTests.Browser(second);
        var done = await SetPasswordAsync(browser, link, NewPassword, NewPassword);

        Assert.Contains("Your password is set.", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await second.TokenAsync(email, NewPassword);
        Assert.True(await first.QueryAsync(db => db.DataProtectionKeys.AnyAsync()));
        // Key material stays out of the audit trail.
        Assert.False(await first.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Entity == "DataProtectionKey")));
    }

    /// <summary>Opens the link's page and posts the form on it, as a browser does (the page itself when it has no form).</summary>
    private static async Task<HttpResponseMessage> SetPasswordAsync(HttpClient browser, Uri link, string password, string confirm)
    {
        var page = await browser.GetAsync(link.PathAndQuery);
        var token = SignInPageTests.TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        if (token.Length == 0)
        {
            return page; // no form to fill in: the page says why
        }

        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        var response = await browser.PostAsync("/set-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "set-password",
            ["__RequestVerificationToken"] = token,
            ["User"] = query["user"]!,
            ["Token"] = query["token"]!,
            ["Input.Password"] = password,
            ["Input.Confirm"] = confirm,
        }));
        return response;
    }
}
