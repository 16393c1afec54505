namespace Lyceum.Platform.Data;

/// <summary>The two databases Lyceum runs on. Chosen with <c>Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}
