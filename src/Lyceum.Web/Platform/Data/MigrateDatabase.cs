using Lyceum.Platform.Startup;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Data;

/// <summary>Applies the configured provider's migrations. On PostgreSQL EF Core holds a lock, so several nodes may start at once.</summary>
public sealed partial class MigrateDatabase(
    IDbContextFactory<LyceumDbContext> contexts, DatabaseSettings settings, ILogger<MigrateDatabase> logger) : IStartupTask
{
    public string Name => "migrating the database";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        LogMigrating(logger, settings.Describe(), pending.Count);
        await db.Database.MigrateAsync(cancellationToken);
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers run while a writer commits: the app serves pages while a register is saved.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database: {Database}; {Pending} migration(s) to apply")]
    private static partial void LogMigrating(ILogger logger, string database, int pending);
}
