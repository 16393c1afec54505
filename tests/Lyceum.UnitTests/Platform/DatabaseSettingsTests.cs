using Lyceum.Platform.Data;
using Microsoft.Extensions.Configuration;

namespace Lyceum.UnitTests.Platform;

public sealed class DatabaseSettingsTests
{
    [Fact]
    public void Sqlite_in_data_folder_is_the_default()
    {
        var settings = DatabaseSettings.From(Config());

        Assert.Equal(DatabaseProvider.Sqlite, settings.Provider);
        Assert.Equal("data/lyceum.db", settings.SqliteFile);
        Assert.Equal("Lyceum.Migrations.Sqlite", settings.MigrationsAssembly);
    }

    [Theory]
    [InlineData("postgresql")]
    [InlineData("PostgreSQL")]
    [InlineData(" POSTGRESQL ")]
    public void The_provider_is_read_ignoring_case(string value)
    {
        var settings = DatabaseSettings.From(Config(("Database:Provider", value), ("ConnectionStrings:Lyceum", "Host=db;Database=x")));

        Assert.Equal(DatabaseProvider.PostgreSql, settings.Provider);
        Assert.Equal("Lyceum.Migrations.PostgreSql", settings.MigrationsAssembly);
        Assert.Null(settings.SqliteFile);
    }

    [Fact]
    public void An_unknown_provider_is_refused_with_the_choices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DatabaseSettings.From(Config(("Database:Provider", "mysql"))));

        Assert.Contains("'Sqlite'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'PostgreSql'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_description_for_logs_never_contains_the_password()
    {
        var settings = DatabaseSettings.From(Config(
            ("Database:Provider", "PostgreSql"),
            ("ConnectionStrings:Lyceum", "Host=db.school;Port=5433;Database=lyceum;Username=app;Password=s3cret!")));

        Assert.Equal("PostgreSQL db.school:5433/lyceum", settings.Describe());
    }

    [Fact]
    public void PostgreSql_gets_pooling_defaults_unless_the_connection_string_sets_them()
    {
        var defaults = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseSettings.From(Config(
            ("Database:Provider", "PostgreSql"), ("ConnectionStrings:Lyceum", "Host=db;Database=x"))).ConnectionString);
        var chosen = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseSettings.From(Config(
            ("Database:Provider", "PostgreSql"), ("ConnectionStrings:Lyceum", "Host=db;Database=x;No Reset On Close=false;Max Auto Prepare=0"))).ConnectionString);

        Assert.True(defaults.NoResetOnClose);
        Assert.Equal(20, defaults.MaxAutoPrepare);
        Assert.False(chosen.NoResetOnClose);
        Assert.Equal(0, chosen.MaxAutoPrepare);
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();
}
