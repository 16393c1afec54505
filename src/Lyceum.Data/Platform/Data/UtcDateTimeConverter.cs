using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Lyceum.Platform.Data;

/// <summary>
/// Every <see cref="DateTime"/> is stored and read as UTC. PostgreSQL refuses other kinds, SQLite would silently
/// store local times; this converter makes both behave the same. A local time is converted; an unspecified one is
/// taken to be UTC already (never the server's zone, which would make the stored value depend on the machine).
/// </summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
