using System.Net;
using System.Text.RegularExpressions;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Students.StudentsApiTests;

namespace Lyceum.IntegrationTests.Modules.Identity;

/// <summary>The pages' cookie sign-in over plain HTTP: forms, anti-forgery, return addresses, lockout.</summary>
[Collection("app")]
public sealed partial class SignInPageTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Signing_in_sets_the_session_cookie_and_returns_to_the_local_page_asked_for(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = Browser(app);

        using var response = await SignInAsync(client, LyceumApp.AdminEmail, LyceumApp.AdminPassword, "/access-denied");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(client.BaseAddress!, "/access-denied"), new Uri(client.BaseAddress!, response.Headers.Location!));
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lyceum.session=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        var home = await client.GetStringAsync("/");
        Assert.Contains("Dashboard", home, StringComparison.Ordinal);
    }

    [Theory, AllProviders]
    public async Task A_return_address_on_another_host_becomes_the_home_page(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        foreach (var target in new[] { "//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)" })
        {
            using var client = Browser(app);
            using var response = await SignInAsync(client, LyceumApp.AdminEmail, LyceumApp.AdminPassword, target);
            // Only ever this site's home page (the redirect may be absolute, but to our own host).
            Assert.Equal(new Uri(client.BaseAddress!, "/"), new Uri(client.BaseAddress!, response.Headers.Location!));
        }
    }

    [Theory, AllProviders]
    public async Task A_tampered_or_missing_antiforgery_token_is_refused_and_signs_nobody_in(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = Browser(app);
        var token = await TokenAsync(client);

        foreach (var sent in new[] { token[..^4] + "AAAA", string.Empty })
        {
            using var response = await client.PostAsync("/sign-in", Form(sent, LyceumApp.AdminEmail, LyceumApp.AdminPassword, "/"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("lyceum.session=", StringComparison.Ordinal)));
        }
    }

    [Theory, AllProviders]
    public async Task Wrong_passwords_lock_the_account_and_the_form_says_the_same_thing_throughout(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var (email, password) = await app.CreateUserAsync("Teacher");
        using var client = Browser(app);

        for (var i = 0; i < 5; i++)
        {
            using var wrong = await SignInAsync(client, email, "not-the-password", "/");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("The e-mail or password is incorrect.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var locked = await SignInAsync(client, email, password, "/");
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Contains("The e-mail or password is incorrect.", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var lockoutEnd = await app.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.LockoutEnd).SingleAsync());
        Assert.True(lockoutEnd > DateTimeOffset.UtcNow);
    }

    [Theory, AllProviders]
    public async Task A_search_sized_or_hostile_email_is_just_a_wrong_sign_in(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        foreach (var email in new[] { new string('a', 5000), "%_'\"<script>@x", "' OR 1=1 --" })
        {
            using var client = Browser(app);
            using var response = await SignInAsync(client, email, "whatever-password", "/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("class=\"ly-alert\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Theory, AllProviders]
    public async Task The_dashboard_counts_a_new_student_at_once(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = Browser(app);
        (await SignInAsync(client, LyceumApp.AdminEmail, LyceumApp.AdminPassword, "/")).Dispose();
        var before = StudentsKpi(await client.GetStringAsync("/"));

        await NewStudentAsync(app, "Counted", "OnTheDashboard");

        Assert.Equal(before + 1, StudentsKpi(await client.GetStringAsync("/")));
        Assert.Equal(await app.QueryAsync(db => db.Students.CountAsync(s => s.ArchivedAt == null)), before + 1);
    }

    [Theory, AllProviders]
    public async Task An_unknown_address_shows_a_person_a_page_and_a_program_a_problem(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = Browser(app);

        using var page = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        page.Headers.Accept.ParseAdd("text/html");
        using var html = await client.SendAsync(page);
        using var api = await client.GetAsync("/api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Not found", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await api.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task A_tampered_or_expired_session_cookie_just_asks_to_sign_in_again(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var signIn = Browser(app);
        using var signedIn = await SignInAsync(signIn, LyceumApp.AdminEmail, LyceumApp.AdminPassword, "/");
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lyceum.session=", StringComparison.Ordinal)).Split(';')[0];
        var value = cookie["lyceum.session=".Length..];

        foreach (var sent in new[] { value[..^6] + "AAAAAA", "not-a-session", new string('x', 3000) })
        {
            using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            using var request = new HttpRequestMessage(HttpMethod.Get, "/students");
            request.Headers.Add("Cookie", "lyceum.session=" + sent);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
    }

    internal static HttpClient Browser(LyceumApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<string> TokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/sign-in");
        return TokenField().Match(page).Groups[1].Value;
    }

    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string returnUrl) =>
        await client.PostAsync("/sign-in", Form(await TokenAsync(client), email, password, returnUrl));

    private static FormUrlEncodedContent Form(string token, string email, string password, string returnUrl) => new(new Dictionary<string, string>
    {
        ["_handler"] = "sign-in",
        ["__RequestVerificationToken"] = token,
        ["Input.Email"] = email,
        ["Input.Password"] = password,
        ["ReturnUrl"] = returnUrl,
    });

    private static int StudentsKpi(string html) =>
        int.Parse(StudentsFigure().Match(html).Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    internal static partial Regex TokenField();

    [GeneratedRegex("data-kpi=\"students\"[\\s\\S]*?class=\"ly-kpi\">([0-9,]+)<")]
    private static partial Regex StudentsFigure();
}
