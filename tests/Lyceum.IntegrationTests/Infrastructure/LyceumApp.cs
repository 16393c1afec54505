using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lyceum.IntegrationTests.Infrastructure;

/// <summary>
/// The real app over HTTP (in memory) on a database of its own. A small vocabulary for tests:
/// <see cref="AdminClientAsync"/>, <see cref="ClientAsAsync"/>, <see cref="InsertAsync{T}"/>, <see cref="QueryAsync{T}"/>.
/// </summary>
public sealed class LyceumApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "head@lyceum.test";
    public const string AdminPassword = "correct-horse-battery";
    public const string SigningKey = "test-signing-key-that-is-long-enough-for-hs256";
    public const string DemoPassword = "demo-password-for-tests";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    private readonly bool _ownsDatabase;

    private LyceumApp(TestDatabase database, bool ownsDatabase, Dictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        Database = database;
        _ownsDatabase = ownsDatabase;
        _settings = settings;
        _services = services;
    }

    public TestDatabase Database { get; }

    public DatabaseProvider Provider => Database.Provider;

    /// <summary>
    /// Creates an app on a new database (or on <paramref name="database"/>, which it then leaves in place). It is not
    /// started until first used; see <see cref="StartAsync"/>.
    /// </summary>
    public static async Task<LyceumApp> CreateAsync(
        DatabaseProvider provider,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        TestDatabase? database = null)
    {
        var owns = database is null;
        database ??= await TestDatabase.CreateAsync(provider);
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Lyceum"] = database.ConnectionString,
            ["Lyceum:Admin:Email"] = AdminEmail,
            ["Lyceum:Admin:Password"] = AdminPassword,
            ["Lyceum:Demo:Students"] = "60",
            ["Lyceum:Demo:Password"] = DemoPassword,
            ["Lyceum:Jwt:SigningKey"] = SigningKey,
            // The suite signs in far more often than a person could; the rate-limit tests set their own limits.
            ["Lyceum:RateLimits:SignInPerEmailPerMinute"] = "1000000",
            ["Lyceum:RateLimits:SignInPerIpPerMinute"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
            // Without SMTP, mail is written to a folder: each app its own, not the shared data/ of the test run.
            ["Lyceum:Mail:OutboxFolder"] = Path.Combine(Path.GetTempPath(), $"lyceum-mail-{Guid.NewGuid():N}"),
            ["Logging:LogLevel:Lyceum.Platform.Observability"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new LyceumApp(database, owns, all, services);
    }

    /// <summary>
    /// Starts the app on a real Kestrel port (for a browser) instead of the in-memory server, waits until it is ready
    /// and returns its address, such as <c>http://127.0.0.1:43817</c>.
    /// </summary>
    public async Task<Uri> StartOnRealPortAsync()
    {
        UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        var root = new Uri(address);
        using var client = new HttpClient { BaseAddress = root };
        await WaitUntilAsync(client, "/health/ready", HttpStatusCode.OK);
        return root;
    }

    /// <summary>Starts the host and waits until /health/ready answers 200.</summary>
    public async Task<LyceumApp> StartAsync()
    {
        using var client = CreateClient();
        await WaitUntilAsync(client, "/health/ready", HttpStatusCode.OK);
        return this;
    }

    public static async Task WaitUntilAsync(HttpClient client, string path, HttpStatusCode status, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        HttpStatusCode last = 0;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(path);
            last = response.StatusCode;
            if (last == status)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{path} still answered {(int)last} after {seconds} s, expected {(int)status}.");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public async Task<string> TokenAsync(string email = AdminEmail, string password = AdminPassword)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>();
        return body!.AccessToken;
    }

    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// A client signed in as the administrator. Like <see cref="DemoClientAsync"/> it reuses its token: a sign-in checks
    /// the password (100,000 rounds of PBKDF2), and setting up records as the administrator is most of what tests do.
    /// </summary>
    public async Task<HttpClient> AdminClientAsync() => ClientWithToken(await ReusedTokenAsync(AdminEmail, AdminPassword));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Token, DateTime At)> _tokens = [];

    /// <summary>A token for the account, reused for ten minutes: access tokens last 15, and a busy run outlives them.</summary>
    private async Task<string> ReusedTokenAsync(string email, string password)
    {
        if (!_tokens.TryGetValue(email, out var cached) || DateTime.UtcNow - cached.At > TimeSpan.FromMinutes(10))
        {
            _tokens[email] = cached = (await TokenAsync(email, password), DateTime.UtcNow);
        }

        return cached.Token;
    }

    /// <summary>
    /// A client signed in as the demo account of a role preset (<c>teacher@demo.lyceum.local</c> …), linked to real
    /// people of the demo school. Its token is reused for ten minutes, then a new one is issued: access tokens last 15
    /// minutes and a busy run of the suite outlives them.
    /// </summary>
    public async Task<HttpClient> DemoClientAsync(string role) => ClientWithToken(await ReusedTokenAsync(DemoEmail(role), DemoPassword));

    public static string DemoEmail(string role) => $"{role.ToLowerInvariant()}@demo.lyceum.local";

    /// <summary>The account id behind an e-mail.</summary>
    public Task<Guid> UserIdAsync(string email) =>
        QueryAsync(db => db.Users.Where(u => u.NormalizedEmail == email.ToUpperInvariant()).Select(u => u.Id).SingleAsync());

    /// <summary>Creates an account with the given role preset and returns a client signed in as it.</summary>
    public async Task<HttpClient> ClientAsAsync(string role)
    {
        var (email, password) = await CreateUserAsync(role);
        return ClientWithToken(await TokenAsync(email, password));
    }

    public async Task<(string Email, string Password)> CreateUserAsync(string role, string? displayName = null)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@lyceum.test";
        const string password = "a-long-enough-password";
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<LyceumUser>>();
        var user = new LyceumUser { UserName = email, Email = email, DisplayName = displayName ?? role };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, role);
        return (email, password);
    }

    public async Task InsertAsync<T>(params T[] entities)
        where T : class
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<LyceumDbContext>>().CreateDbContextAsync();
        db.Set<T>().AddRange(entities);
        await db.SaveChangesAsync();
    }

    public async Task<T> QueryAsync<T>(Func<LyceumDbContext, Task<T>> query)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<LyceumDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }

    private sealed record TokenBody(string AccessToken);
}
