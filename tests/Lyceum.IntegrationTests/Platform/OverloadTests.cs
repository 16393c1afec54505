using System.Net;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lyceum.IntegrationTests.Platform;

public sealed class OverloadTests
{
    /// <summary>
    /// A burst larger than the database keeps up with (8:40, every teacher at once) leaves requests waiting for a pooled
    /// connection; one that waits out the pool's timeout is told to come back (503 with Retry-After, which clients and
    /// proxies retry) rather than that the server failed (500), and the next request after the burst succeeds.
    /// </summary>
    [Fact]
    public async Task A_request_that_finds_no_free_database_connection_is_told_to_retry_and_the_next_one_succeeds()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        await using var app = await (await LyceumApp.CreateAsync(
            DatabaseProvider.PostgreSql,
            new Dictionary<string, string?>(StartupTests.NoDemo)
            {
                ["ConnectionStrings:Lyceum"] = database.ConnectionString + ";Maximum Pool Size=2;Timeout=1",
            },
            database: database)).StartAsync();
        using var admin = await app.AdminClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/students")).StatusCode);

        var factory = app.Services.GetRequiredService<IDbContextFactory<LyceumDbContext>>();
        var held = new List<LyceumDbContext>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var db = await factory.CreateDbContextAsync();
                held.Add(db);
                await db.Database.OpenConnectionAsync();
            }

            using var busy = await admin.GetAsync("/api/v1/students");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), busy.Headers.RetryAfter?.Delta);
            var problem = await busy.JsonAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(503, problem["status"]!.GetValue<int>());
            Assert.Contains("Send the same request again", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var db in held)
            {
                await db.DisposeAsync();
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/students")).StatusCode);
    }
}
