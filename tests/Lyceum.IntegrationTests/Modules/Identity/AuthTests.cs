using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Identity;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Lyceum.IntegrationTests.Modules.Identity;

[Collection("app")]
public sealed class AuthTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task The_administrator_gets_a_bearer_token_pair(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();
        var before = DateTime.UtcNow;

        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = LyceumApp.AdminEmail, password = LyceumApp.AdminPassword });
        var body = await response.JsonAsync();

        Assert.Equal("Bearer", body["tokenType"]!.GetValue<string>());
        Assert.Equal(3, body["accessToken"]!.GetValue<string>().Split('.').Length);
        var expiresText = body["expiresAt"]!.GetValue<string>();
        Assert.EndsWith("Z", expiresText, StringComparison.Ordinal);
        var expires = DateTime.Parse(expiresText, null, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.InRange(expires, before.AddMinutes(14), before.AddMinutes(16));
        var refresh = body["refreshToken"]!.GetValue<string>();
        Assert.True(refresh.Length >= 40);
        // Only a hash of the refresh token is stored.
        var hashes = await app.QueryAsync(db => db.RefreshTokens.Select(t => t.TokenHash).ToListAsync());
        Assert.Contains(TokenIssuer.Hash(refresh), hashes);
        Assert.DoesNotContain(refresh, hashes);
    }

    [Theory, AllProviders]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_401(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();

        var wrong = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email = LyceumApp.AdminEmail, password = "not-the-password" }))
            .ProblemAsync(HttpStatusCode.Unauthorized);
        var unknown = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "nobody@lyceum.test", password = "not-the-password" }))
            .ProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(wrong["title"]!.GetValue<string>(), unknown["title"]!.GetValue<string>());
        Assert.Equal(wrong["detail"]!.GetValue<string>(), unknown["detail"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task Five_wrong_passwords_in_a_row_lock_the_account_with_the_same_401(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var (email, password) = await app.CreateUserAsync(RoleNames.Teacher);
        using var client = app.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = $"wrong-{i}-password" }))
                .ProblemAsync(HttpStatusCode.Unauthorized);
        }

        var locked = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password }))
            .ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The e-mail or password is incorrect.", locked["detail"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task A_right_password_resets_the_count_of_wrong_ones(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var (email, password) = await app.CreateUserAsync(RoleNames.Teacher);
        using var client = app.CreateClient();

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                (await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password = "wrong-password" })).Dispose();
            }

            Assert.False(string.IsNullOrEmpty(await app.TokenAsync(email, password)));
        }
    }

    public static TheoryData<DatabaseProvider, string, string, int, string?> BadTokenRequests()
    {
        var data = new TheoryData<DatabaseProvider, string, string, int, string?>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, "application/json", """{"email":"a@b.c","password":"x","rememberMe":true}""", 400, "rememberMe");
            data.Add(provider, "application/json", """{"email":["a@b.c"],"password":"x"}""", 400, "email");
            data.Add(provider, "application/json", """{"email":""", 400, null);
            data.Add(provider, "application/x-www-form-urlencoded", "email=a%40b.c&password=x", 415, null);
            data.Add(provider, "application/json", """{"email":"a@b.c","password":""}""", 400, "password");
            data.Add(provider, "application/json", $$"""{"email":"a@b.c","password":"{{new string('p', 300)}}"}""", 400, "password");
            data.Add(provider, "application/json", $$"""{"email":"a@b.c","password":"{{new string('p', 1024 * 1024)}}"}""", 413, null);
            data.Add(provider, "application/json", """{"email":"ελένη@σχολείο.ελ","password":"a-long-password"}""", 401, null);
            data.Add(provider, "application/json", """{"email":"' OR 1=1; DROP TABLE AspNetUsers; --","password":"x' OR '1'='1"}""", 401, null);
            data.Add(provider, "application/json", """{"email":"<script>alert(1)</script>@x.y","password":"<img src=x onerror=alert(1)>"}""", 401, null);
        }

        return data;
    }

    [Theory, MemberData(nameof(BadTokenRequests))]
    public async Task Malformed_sign_in_requests_get_the_matching_4xx(
        DatabaseProvider provider, string contentType, string body, int status, string? field)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/v1/auth/token", new StringContent(body, Encoding.UTF8, contentType));

        await response.ProblemAsync((HttpStatusCode)status, field);
    }

    [Theory, AllProviders]
    public async Task Missing_credentials_are_a_400_naming_each_field(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/v1/auth/token", Http.Json("""{"email":"  "}"""));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "email");
        Assert.NotNull(problem["errors"]!["password"]);
    }

    [Theory, AllProviders]
    public async Task Students_without_a_token_are_a_401_problem_with_a_bearer_challenge(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/v1/students");

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.First().Scheme);
    }

    public static TheoryData<DatabaseProvider, string> BadTokens()
    {
        var data = new TheoryData<DatabaseProvider, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, "forged");
            data.Add(provider, "expired");
            data.Add(provider, "wrong-audience");
            data.Add(provider, "garbage");
            data.Add(provider, "unsigned");
            data.Add(provider, "flipped-signature");
            data.Add(provider, "wrong-issuer");
        }

        return data;
    }

    [Theory, MemberData(nameof(BadTokens))]
    public async Task Forged_expired_or_malformed_tokens_are_refused_and_change_nothing(DatabaseProvider provider, string kind)
    {
        var app = await fixture.App(provider);
        var key = Encoding.UTF8.GetBytes(LyceumApp.SigningKey);
        var token = kind switch
        {
            "forged" => Token(Encoding.UTF8.GetBytes("another-key-another-key-another-key-!!"), DateTime.UtcNow.AddMinutes(10)),
            "expired" => Token(key, DateTime.UtcNow.AddMinutes(-5)),
            "wrong-audience" => Token(key, DateTime.UtcNow.AddMinutes(10), audience: "someone-else"),
            "wrong-issuer" => Token(key, DateTime.UtcNow.AddMinutes(10), issuer: "evil"),
            "flipped-signature" => Flip(Token(key, DateTime.UtcNow.AddMinutes(10))),
            "unsigned" => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = "lyceum",
                Audience = "lyceum-api",
                Expires = DateTime.UtcNow.AddMinutes(10),
                Subject = new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("role", RoleNames.Administrator)]),
            }),
            _ => "not.a.token",
        };
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var student = await Students.StudentsApiTests.NewStudentAsync(app, "Token", "Untouched");
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/students/{student.Id}")
        {
            Content = JsonContent.Create(Students.StudentsApiTests.ValidEdit("Token", "Changed")),
        };
        put.Headers.TryAddWithoutValidation("If-Match", Lyceum.Platform.Api.ETags.For(student.Version));

        await (await client.GetAsync("/api/v1/students")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.SendAsync(put)).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Untouched", await app.QueryAsync(db => db.Students.Where(s => s.Id == student.Id).Select(s => s.LastName).SingleAsync()));
    }

    [Theory, AllProviders]
    public async Task Me_describes_the_signed_in_account(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.AdminClientAsync();

        var me = await (await client.GetAsync("/api/v1/me")).JsonAsync();

        Assert.Equal(LyceumApp.AdminEmail, me["email"]!.GetValue<string>());
        Assert.Equal([RoleNames.Administrator], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.True(Guid.TryParse(me["id"]!.GetValue<string>(), out _));
    }

    [Theory, AllProviders]
    public async Task A_role_without_the_permission_gets_403_but_can_see_itself_and_what_it_may_do(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var client = await app.ClientAsAsync(RoleNames.Tutor);

        await (await client.GetAsync("/api/v1/audit")).ProblemAsync(HttpStatusCode.Forbidden);
        var me = await (await client.GetAsync("/api/v1/me")).JsonAsync();
        Assert.Equal([RoleNames.Tutor], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        var permissions = me["permissions"]!.AsArray().Select(p => (p!["permission"]!.GetValue<string>(), p["scope"]!.GetValue<string>())).ToList();
        Assert.Contains(("sessions.log", "self"), permissions);
        Assert.DoesNotContain(permissions, p => p.Item1.StartsWith("finance.", StringComparison.Ordinal));
    }

    [Theory, AllProviders]
    public async Task A_valid_token_for_an_account_that_no_longer_exists_reaches_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var stranger = Token(System.Text.Encoding.UTF8.GetBytes(LyceumApp.SigningKey), DateTime.UtcNow.AddMinutes(5));
        using var client = app.ClientWithToken(stranger);

        // A signed token is not enough: the account must exist and be active, as for a deactivated one.
        await (await client.GetAsync("/api/v1/students")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync("/api/v1/me")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static string Flip(string token)
    {
        var last = token[^1];
        return token[..^1] + (last == 'A' ? 'B' : 'A');
    }

    private static string Token(byte[] key, DateTime expires, string audience = "lyceum-api", string issuer = "lyceum") =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires.AddMinutes(-15),
            NotBefore = expires.AddMinutes(-15),
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString()), new Claim("role", RoleNames.Administrator)]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
}
