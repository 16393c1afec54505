using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Platform.Audit;

public enum AuditAction
{
    Insert,
    Update,
    Delete,
}

/// <summary>
/// One row of the audit trail: one inserted, updated or deleted record, written by <see cref="AuditInterceptor"/> in the
/// same transaction as the change. Append-only: no code path updates or deletes it, and database triggers refuse both.
/// </summary>
/// <remarks>
/// <see cref="Id"/> orders the trail; a later issue chains each row's hash to the previous one over a canonical form of
/// these columns, so none of them may change meaning.
/// </remarks>
public sealed class AuditEntry
{
    public const int MaxEntityIdLength = 300;

    public long Id { get; set; }

    public DateTime At { get; set; }

    /// <summary>The account that made the change; null for the system (startup, demo data, command line).</summary>
    public Guid? ActorId { get; set; }

    /// <summary>The actor as shown to people: an e-mail, or <c>system:…</c>.</summary>
    public required string Actor { get; set; }

    /// <summary>The kind of record (<c>Student</c>, <c>Role</c>, <c>UserRole</c>, …).</summary>
    public required string Entity { get; set; }

    /// <summary>The record's key; the parts of a composite key joined with <c>/</c> (a very long key: its start and a hash).</summary>
    public required string EntityId { get; set; }

    public AuditAction Action { get; set; }

    /// <summary>JSON: <c>{"column": {"before": …, "after": …}}</c> for each changed column (all of them on insert and delete).</summary>
    public required string Changes { get; set; }

    public string? CorrelationId { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.Property(x => x.Actor).HasMaxLength(256);
        b.Property(x => x.Entity).HasMaxLength(100);
        b.Property(x => x.EntityId).HasMaxLength(AuditEntry.MaxEntityIdLength);
        b.Property(x => x.Action).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Changes).HasColumnType("text").Metadata.SetMaxLength(null); // no limit: a row may change many columns
        b.Property(x => x.CorrelationId).HasMaxLength(64);
        b.HasIndex(x => new { x.Entity, x.EntityId });
        b.HasIndex(x => x.ActorId);
        b.HasIndex(x => x.At);
    }
}
