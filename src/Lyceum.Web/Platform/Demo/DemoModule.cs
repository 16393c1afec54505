using Lyceum.Platform.Data;
using Lyceum.Platform.Startup;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Demo;

public static class DemoModule
{
    public static IServiceCollection AddLyceumDemo(this IServiceCollection services)
    {
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<IDemoContributor, RecordsDemo>();
        services.AddStartupTask<SeedDemoOnFirstStart>();
        return services;
    }
}

/// <summary>
/// <c>Lyceum:Demo:Enabled</c>: unset or true → a database without schools gets the demo school; false → never.
/// A database that has schools is never seeded again at start (use the <c>seed</c> command to add more). The seed is
/// transactional and locked, so an interrupted first start or several nodes starting at once leave exactly one demo.
/// </summary>
public sealed partial class SeedDemoOnFirstStart(
    IConfiguration configuration, IDbContextFactory<LyceumDbContext> contexts, DemoSeeder seeder,
    ILogger<SeedDemoOnFirstStart> logger) : IStartupTask
{
    public string Name => "seeding the demo school";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue<bool?>("Lyceum:Demo:Enabled") == false)
        {
            return;
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Schools.AnyAsync(cancellationToken))
            {
                return;
            }
        }

        var options = configuration.GetSection("Lyceum:Demo").Get<DemoOptions>() ?? new DemoOptions();
        await seeder.SeedAsync(options, new Progress<string>(m => LogProgress(logger, m)), cancellationToken, onlyIntoEmpty: true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: {Message}")]
    private static partial void LogProgress(ILogger logger, string message);
}
