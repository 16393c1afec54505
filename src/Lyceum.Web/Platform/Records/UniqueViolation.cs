using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Records;

/// <summary>Whether a save failed because a unique index refused the row, on either database.</summary>
public static class UniqueViolation
{
    /// <summary>SQLite: SQLITE_CONSTRAINT_UNIQUE (2067); PostgreSQL: 23505.</summary>
    public static bool Is(DbUpdateException ex) => ex.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 2067,
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
