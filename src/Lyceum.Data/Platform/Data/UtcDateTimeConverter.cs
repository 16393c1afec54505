using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Lyceum.Platform.Data;

/// <summary>
/// Every <see cref="DateTime"/> is stored and read as UTC. PostgreSQL refuses other kinds, SQLite would silently
/// store local times; this converter makes both behave the same.
/// </summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
