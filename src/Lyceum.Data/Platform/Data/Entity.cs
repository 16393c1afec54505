namespace Lyceum.Platform.Data;

/// <summary>A record with a numeric key that people edit: it carries a concurrency token and timestamps.</summary>
/// <remarks>
/// <see cref="Version"/> changes on every save (see <see cref="StampingInterceptor"/>); the API exposes it as the
/// ETag and compares it with If-Match, and EF Core adds it to the WHERE of every UPDATE so that two concurrent
/// edits cannot both succeed. A Guid works the same on SQLite and PostgreSQL (docs/adr/0003-ids-versions-and-etags.md).
/// </remarks>
public abstract class Entity
{
    public int Id { get; set; }

    public Guid Version { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}
