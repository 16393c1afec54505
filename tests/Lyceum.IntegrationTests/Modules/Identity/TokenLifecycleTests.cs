using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;

namespace Lyceum.IntegrationTests.Modules.Identity;

[Collection("app")]
public sealed class TokenLifecycleTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task A_refresh_gives_a_new_pair_and_retires_the_old_refresh_token(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();
        var first = await SignInAsync(client, app);

        var second = await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Refresh })).JsonAsync();

        Assert.Equal("Bearer", second["tokenType"]!.GetValue<string>());
        Assert.NotEqual(first.Refresh, second["refreshToken"]!.GetValue<string>());
        using var me = app.ClientWithToken(second["accessToken"]!.GetValue<string>());
        await (await me.GetAsync("/api/v1/me")).JsonAsync();
        await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Refresh }))
            .ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, AllProviders]
    public async Task A_reused_refresh_token_revokes_its_whole_family(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();
        var first = await SignInAsync(client, app);
        var second = (await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Refresh })).JsonAsync())["refreshToken"]!.GetValue<string>();
        var other = await SignInAsync(client, app);

        // The first token again: someone has a copy. The legitimate holder's newer token dies with it.
        await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Refresh })).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = second })).ProblemAsync(HttpStatusCode.Unauthorized);

        // Another sign-in of the same account is a different family and keeps working.
        await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = other.Refresh })).JsonAsync();
    }

    [Theory, AllProviders]
    public async Task Two_refreshes_racing_with_one_token_cannot_both_win(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();
        var first = await SignInAsync(client, app);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Refresh })));

        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) <= 1);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        foreach (var winner in responses.Where(r => r.IsSuccessStatusCode))
        {
            // The losers' reuse revoked the family, the winner's new token included.
            var token = (await winner.Content.ReadFromJsonAsync<JsonNode>())!["refreshToken"]!.GetValue<string>();
            await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = token })).ProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Theory, AllProviders]
    public async Task Revoke_signs_the_session_out_and_answers_204_for_any_token(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();
        var session = await SignInAsync(client, app);

        using var revoked = await client.PostAsJsonAsync("/api/v1/auth/revoke", new { refreshToken = session.Refresh });
        using var unknown = await client.PostAsJsonAsync("/api/v1/auth/revoke", new { refreshToken = "never-issued" });

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, unknown.StatusCode);
        await (await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = session.Refresh })).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsync("/api/v1/auth/revoke", Http.Json("{}"))).ProblemAsync(HttpStatusCode.BadRequest, "refreshToken");
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, """{"refreshToken":"garbage"}""", 401, null)]
    [InlineData(DatabaseProvider.PostgreSql, """{"refreshToken":"garbage"}""", 401, null)]
    [InlineData(DatabaseProvider.Sqlite, """{"refreshToken":""}""", 400, "refreshToken")]
    [InlineData(DatabaseProvider.PostgreSql, """{"refreshToken":null}""", 400, "refreshToken")]
    [InlineData(DatabaseProvider.Sqlite, """{"refreshToken":"x","accessToken":"y"}""", 400, "accessToken")]
    [InlineData(DatabaseProvider.PostgreSql, """{"refreshToken":42}""", 400, "refreshToken")]
    public async Task Bad_refresh_requests_get_the_matching_4xx(DatabaseProvider provider, string body, int status, string? field)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/v1/auth/refresh", Http.Json(body));

        await response.ProblemAsync((HttpStatusCode)status, field);
    }

    [Theory, AllProviders]
    public async Task The_eleventh_sign_in_for_one_email_in_a_minute_gets_429_before_any_password_check(DatabaseProvider provider)
    {
        await using var app = await (await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>(Platform.StartupTests.NoDemo)
        {
            ["Lyceum:RateLimits:SignInPerEmailPerMinute"] = "10",
            ["Lyceum:RateLimits:SignInPerIpPerMinute"] = "100",
        })).StartAsync();
        using var client = app.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            using var attempt = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "nobody@lyceum.test", password = "guess-number-" + i });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        using var eleventh = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "NOBODY@lyceum.test", password = "another-guess" });
        await eleventh.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(eleventh.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        // Another account from the same client is still served.
        Assert.False(string.IsNullOrEmpty(await app.TokenAsync()));
    }

    [Theory, AllProviders]
    public async Task One_client_is_limited_across_emails(DatabaseProvider provider)
    {
        await using var app = await (await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>(Platform.StartupTests.NoDemo)
        {
            ["Lyceum:RateLimits:SignInPerEmailPerMinute"] = "10",
            ["Lyceum:RateLimits:SignInPerIpPerMinute"] = "5",
        })).StartAsync();
        using var client = app.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            (await client.PostAsJsonAsync("/api/v1/auth/token", new { email = $"spray{i}@lyceum.test", password = "password-1" })).Dispose();
        }

        using var sixth = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = LyceumApp.AdminEmail, password = LyceumApp.AdminPassword });
        await sixth.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(sixth.Headers.Contains("Retry-After"));
    }

    private static async Task<(string Access, string Refresh)> SignInAsync(HttpClient client, LyceumApp app)
    {
        _ = app;
        var body = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email = LyceumApp.AdminEmail, password = LyceumApp.AdminPassword })).JsonAsync();
        return (body["accessToken"]!.GetValue<string>(), body["refreshToken"]!.GetValue<string>());
    }
}
