using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Data;

/// <summary>Which database to use and how to reach it, read once from <c>Database:Provider</c> and <c>ConnectionStrings:Lyceum</c>.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string DefaultSqliteFile = "data/lyceum.db";

    /// <summary>A local server with a database and role named lyceum; the password may come from PGPASSWORD or ~/.pgpass.</summary>
    public const string DefaultPostgreSql = "Host=localhost;Database=lyceum;Username=lyceum";

    public static DatabaseSettings From(IConfiguration configuration)
    {
        var providerText = configuration["Database:Provider"];
        var provider = DatabaseProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(providerText) && !Enum.TryParse(providerText.Trim(), ignoreCase: true, out provider))
        {
            throw new InvalidOperationException(
                $"Database:Provider '{providerText}' is not supported. Use 'Sqlite' (the default) or 'PostgreSql'.");
        }

        var connectionString = configuration.GetConnectionString("Lyceum");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.PostgreSql
                ? DefaultPostgreSql
                : $"Data Source={DefaultSqliteFile}";
        }

        if (provider == DatabaseProvider.PostgreSql)
        {
            connectionString = WithPostgreSqlDefaults(connectionString);
        }

        return new DatabaseSettings(provider, connectionString);
    }

    /// <summary>
    /// Defaults that cost nothing and pay on every request, unless the connection string sets them: no
    /// <c>DISCARD ALL</c> when a pooled connection is returned (we never change session state), and automatic
    /// preparation of the statements used most (docs/benchmarks.md has the figures).
    /// </summary>
    internal static string WithPostgreSqlDefaults(string connectionString)
    {
        var given = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var keys = connectionString.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        if (!keys.Contains("noresetonclose=", StringComparison.Ordinal))
        {
            given.NoResetOnClose = true;
        }

        if (!keys.Contains("maxautoprepare=", StringComparison.Ordinal))
        {
            given.MaxAutoPrepare = 20;
        }

        return given.ConnectionString;
    }

    public string MigrationsAssembly => Provider switch
    {
        DatabaseProvider.Sqlite => "Lyceum.Migrations.Sqlite",
        _ => "Lyceum.Migrations.PostgreSql",
    };

    /// <summary>The SQLite file, when the provider is SQLite; its folder is created before first use.</summary>
    public string? SqliteFile => Provider == DatabaseProvider.Sqlite
        ? new SqliteConnectionStringBuilder(ConnectionString).DataSource
        : null;

    public void Configure(DbContextOptionsBuilder options)
    {
        switch (Provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(ConnectionString, o => o.MigrationsAssembly(MigrationsAssembly));
                break;
            case DatabaseProvider.PostgreSql:
                options.UseNpgsql(ConnectionString, o => o.MigrationsAssembly(MigrationsAssembly));
                break;
        }
    }

    /// <summary>A description safe to log: provider and data source or host, never the password.</summary>
    public string Describe()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            return $"SQLite file {Path.GetFullPath(SqliteFile ?? DefaultSqliteFile)}";
        }

        var b = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
    }
}
