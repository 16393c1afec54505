using System.Net;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Demo;
using Lyceum.Platform.Startup;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Lyceum.IntegrationTests.Platform;

[Collection("app")]
public sealed class StartupTests
{
    [Theory, AllProviders]
    public async Task Readiness_is_503_until_every_startup_step_is_done_and_the_api_says_so(DatabaseProvider provider)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await LyceumApp.CreateAsync(provider, NoDemo, s => s.AddSingleton<IStartupTask>(new WaitFor(gate.Task)));
        using var client = app.CreateClient();

        var body = await WaitForStageAsync(client, "waiting for the test");
        using var api = await client.GetAsync("/api/v1/students");
        using var live = await client.GetAsync("/health/live");
        using var openapi = await client.GetAsync("/openapi/v1.json");

        Assert.Equal("Unhealthy", body["status"]!.GetValue<string>());
        await api.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("5", api.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openapi.StatusCode);

        gate.SetResult();
        await LyceumApp.WaitUntilAsync(client, "/health/ready", HttpStatusCode.OK);
    }

    [Theory, AllProviders]
    public async Task Readiness_is_503_while_the_database_is_unreachable_and_recovers(DatabaseProvider provider)
    {
        await using var app = await (await LyceumApp.CreateAsync(provider, NoDemo)).StartAsync();
        using var client = app.CreateClient();

        await MakeUnreachableAsync(app.Database);
        try
        {
            using var down = await client.GetAsync("/health/ready");
            var body = await down.JsonAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Unhealthy", body["checks"]!["database"]!["status"]!.GetValue<string>());
        }
        finally
        {
            await MakeReachableAsync(app.Database);
        }

        await LyceumApp.WaitUntilAsync(client, "/health/ready", HttpStatusCode.OK, seconds: 30);
    }

    [Theory, AllProviders]
    public async Task With_Redis_configured_readiness_checks_it_and_only_degrades_without_it(DatabaseProvider provider)
    {
        var redis = Environment.GetEnvironmentVariable("LYCEUM_TEST_REDIS") ?? "127.0.0.1:6379";
        await using var withRedis = await (await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>(NoDemo)
        {
            ["Redis:Configuration"] = redis,
        })).StartAsync();
        await using var redisGone = await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>(NoDemo)
        {
            ["Redis:Configuration"] = "127.0.0.1:1,abortConnect=false,connectTimeout=300",
        });

        var healthy = await (await withRedis.CreateClient().GetAsync("/health/ready")).JsonAsync();
        using var client = redisGone.CreateClient();
        await LyceumApp.WaitUntilAsync(client, "/health/ready", HttpStatusCode.OK);
        var degraded = await (await client.GetAsync("/health/ready")).JsonAsync();

        Assert.Equal("Healthy", healthy["checks"]!["redis"]!["status"]!.GetValue<string>());
        Assert.Equal("Degraded", degraded["status"]!.GetValue<string>());
        Assert.Equal("Degraded", degraded["checks"]!["redis"]!["status"]!.GetValue<string>());
    }

    /// <summary>Polls readiness (503 all along) until the startup check names the stage.</summary>
    private static async Task<System.Text.Json.Nodes.JsonNode> WaitForStageAsync(HttpClient client, string stage)
    {
        for (var i = 0; ; i++)
        {
            using var ready = await client.GetAsync("/health/ready");
            var body = await ready.JsonAsync(HttpStatusCode.ServiceUnavailable);
            // About a minute, as LyceumApp.WaitUntilAsync: a failing seed gets as far as the last demo contributor first.
            if (body["checks"]!["startup"]!["description"]!.GetValue<string>() == stage || i == 600)
            {
                Assert.Equal(stage, body["checks"]!["startup"]!["description"]!.GetValue<string>());
                return body;
            }

            await Task.Delay(100);
        }
    }

    [Theory, AllProviders]
    public async Task A_demo_seed_that_fails_half_way_leaves_nothing_and_the_next_start_seeds_once(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var _ = database;
        await using (var failing = await LyceumApp.CreateAsync(provider, database: database,
            services: s => s.AddSingleton<IDemoContributor, FailingContributor>()))
        {
            using var client = failing.CreateClient();
            await WaitForStageAsync(client, "seeding the demo school (failed; retrying — see the logs)");
            Assert.Equal(0, await failing.QueryAsync(db => db.Schools.CountAsync()));
            Assert.Equal(0, await failing.QueryAsync(db => db.Students.CountAsync()));
        }

        await using var next = await (await LyceumApp.CreateAsync(provider, database: database)).StartAsync();
        Assert.Equal(1, await next.QueryAsync(db => db.Schools.CountAsync()));
        Assert.Equal(60, await next.QueryAsync(db => db.Students.CountAsync()));
    }

    internal static readonly Dictionary<string, string?> NoDemo = new() { ["Lyceum:Demo:Enabled"] = "false" };

    private static async Task MakeUnreachableAsync(TestDatabase database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                if (File.Exists(database.Name + suffix))
                {
                    File.Move(database.Name + suffix, database.Name + suffix + ".away");
                }
            }

            return;
        }

        await TestDatabase.ExecuteOnServerAsync(
            // Client connections only: an autovacuum worker on the new database is a superuser process we may not end.
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database.Name}' AND backend_type = 'client backend'; " +
            $"ALTER DATABASE \"{database.Name}\" RENAME TO \"{database.Name}_away\"");
        NpgsqlConnection.ClearAllPools();
    }

    private static async Task MakeReachableAsync(TestDatabase database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                // The app made a new, empty file while the real one was away.
                File.Delete(database.Name + suffix);
                if (File.Exists(database.Name + suffix + ".away"))
                {
                    File.Move(database.Name + suffix + ".away", database.Name + suffix);
                }
            }

            return;
        }

        await TestDatabase.ExecuteOnServerAsync($"ALTER DATABASE \"{database.Name}_away\" RENAME TO \"{database.Name}\"");
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Runs after the records part of the demo (which has written its rows by then) and fails.</summary>
    private sealed class FailingContributor : IDemoContributor
    {
        public int Order => 100;

        public Task ContributeAsync(DemoSchool school, LyceumDbContext db, IProgress<string> progress, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The disk is full (simulated).");
    }

    private sealed class WaitFor(Task gate) : IStartupTask
    {
        public string Name => "waiting for the test";

        public Task RunAsync(CancellationToken cancellationToken) => gate.WaitAsync(cancellationToken);
    }
}
