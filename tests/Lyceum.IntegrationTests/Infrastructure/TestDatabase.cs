using Lyceum.Platform.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lyceum.IntegrationTests.Infrastructure;

/// <summary>
/// A database of its own for one test app: a temporary SQLite file, or a fresh PostgreSQL database on the server
/// test.sh starts (<c>LYCEUM_TEST_POSTGRES</c>). PostgreSQL is never optional: without it these tests fail.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(DatabaseProvider provider, string connectionString, string name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Name = name;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The SQLite file path or the PostgreSQL database name.</summary>
    public string Name { get; }

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("LYCEUM_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=lyceum_test;Password=lyceum_test;Database=postgres";

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        if (provider == DatabaseProvider.Sqlite)
        {
            var folder = Path.Combine(Path.GetTempPath(), "lyceum-tests");
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, $"t_{id}.db");
            return new TestDatabase(provider, $"Data Source={file}", file);
        }

        var name = $"lyceum_t_{id}";
        await using (var server = new NpgsqlConnection(ServerConnectionString))
        {
            await server.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", server);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name };
        return new TestDatabase(provider, builder.ConnectionString, name);
    }

    /// <summary>Runs SQL on the PostgreSQL server's maintenance database (rename, terminate connections…).</summary>
    public static async Task ExecuteOnServerAsync(string sql)
    {
        await using var server = new NpgsqlConnection(ServerConnectionString);
        await server.OpenAsync();
        await using var command = new NpgsqlCommand(sql, server);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(Name + suffix);
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                // FORCE may not terminate an autovacuum worker (PostgreSQL 15), which a freshly seeded demo database
                // soon attracts; it is done within moments.
                await Task.Delay(250);
            }
        }
    }
}
