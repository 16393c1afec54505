using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Identity;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lyceum.IntegrationTests.Platform;

[Collection("app")]
public sealed class ConfigurationTests
{
    [Theory, AllProviders]
    public async Task The_configured_administrator_is_created_once_and_later_settings_change_nothing(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var _ = database;
        var first = new Dictionary<string, string?>(StartupTests.NoDemo)
        {
            ["Lyceum:Admin:Email"] = "office@school.test",
            ["Lyceum:Admin:Password"] = "first-password-1",
        };
        await using (var app = await (await LyceumApp.CreateAsync(provider, first, database: database)).StartAsync())
        {
            Assert.False(string.IsNullOrEmpty(await app.TokenAsync("office@school.test", "first-password-1")));
        }

        var second = new Dictionary<string, string?>(first) { ["Lyceum:Admin:Password"] = "second-password-2" };
        await using var again = await (await LyceumApp.CreateAsync(provider, second, database: database)).StartAsync();
        using var client = again.CreateClient();

        Assert.False(string.IsNullOrEmpty(await again.TokenAsync("office@school.test", "first-password-1")));
        using var refused = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = "office@school.test", password = "second-password-2" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(1, await again.QueryAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllProviders]
    public async Task Without_admin_settings_the_default_administrator_is_created(DatabaseProvider provider)
    {
        await using var app = await (await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>(StartupTests.NoDemo)
        {
            ["Lyceum:Admin:Email"] = string.Empty,
            ["Lyceum:Admin:Password"] = string.Empty,
        })).StartAsync();

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<LyceumUser>>();
        var admin = await users.FindByEmailAsync(AdminSettings.DefaultEmail);
        Assert.NotNull(admin);
        Assert.True(await users.IsInRoleAsync(admin, RoleNames.Administrator));
        Assert.True(await users.HasPasswordAsync(admin));
    }

    [Theory, AllProviders]
    public async Task The_demo_school_is_seeded_on_an_empty_database_once_and_not_when_disabled(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var _ = database;
        await using (var disabled = await (await LyceumApp.CreateAsync(provider, StartupTests.NoDemo, database: database)).StartAsync())
        {
            Assert.Equal(0, await disabled.QueryAsync(db => db.Schools.CountAsync()));
        }

        int students;
        await using (var first = await (await LyceumApp.CreateAsync(provider, database: database)).StartAsync())
        {
            students = await first.QueryAsync(db => db.Students.CountAsync());
            Assert.Equal(60, students);
        }

        await using var second = await (await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Lyceum:Demo:Enabled"] = "true",
        }, database: database)).StartAsync();
        Assert.Equal(students, await second.QueryAsync(db => db.Students.CountAsync()));
        Assert.Equal(1, await second.QueryAsync(db => db.Schools.CountAsync()));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "sqlite")]
    [InlineData(DatabaseProvider.PostgreSql, "POSTGRESQL")]
    [InlineData(DatabaseProvider.PostgreSql, "postgresql")]
    public async Task The_provider_name_is_case_insensitive(DatabaseProvider provider, string spelled)
    {
        await using var app = await (await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>(StartupTests.NoDemo)
        {
            ["Database:Provider"] = spelled,
        })).StartAsync();

        Assert.Equal(provider, app.Services.GetRequiredService<DatabaseSettings>().Provider);
    }

    [Theory, AllProviders]
    public async Task An_unknown_provider_stops_the_app_with_a_clear_message(DatabaseProvider provider)
    {
        await using var app = await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Oracle",
        });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Database:Provider 'Oracle' is not supported", error.ToString(), StringComparison.Ordinal);
    }
}
