using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Schools;

/// <summary>A school. One install holds several (a district); almost every record belongs to exactly one.</summary>
public sealed class School : Entity, IArchivable
{
    public required string Name { get; set; }

    /// <summary>Short unique code, e.g. "NHS".</summary>
    public required string Code { get; set; }

    /// <summary>IANA time zone, e.g. "Europe/London": every local time of the school is read in it.</summary>
    public required string TimeZone { get; set; }

    /// <summary>ISO 4217 code of the money the school bills in (rates, invoices, payments), e.g. "GBP".</summary>
    public string Currency { get; set; } = "EUR";

    public string? Address { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    public string? Website { get; set; }

    public DateTime? ArchivedAt { get; set; }
}

internal sealed class SchoolConfiguration : IEntityTypeConfiguration<School>
{
    public void Configure(EntityTypeBuilder<School> b)
    {
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Code).HasMaxLength(20);
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.TimeZone).HasMaxLength(64);
        b.Property(x => x.Currency).HasMaxLength(3).HasDefaultValue("EUR");
        b.Property(x => x.Address).HasMaxLength(400);
        b.Property(x => x.Phone).HasMaxLength(40);
        b.Property(x => x.Email).HasMaxLength(254);
        b.Property(x => x.Website).HasMaxLength(400);
    }
}

/// <summary>
/// A site of a school: a second campus, or a tutoring centre's branch where sessions take place. People and
/// structure belong to the school; a branch says where.
/// </summary>
public sealed class Branch : Entity, IArchivable, ISchoolOwned
{
    public int SchoolId { get; set; }

    public required string Name { get; set; }

    public string? Address { get; set; }

    public string? Phone { get; set; }

    public DateTime? ArchivedAt { get; set; }
}

internal sealed class BranchConfiguration : IEntityTypeConfiguration<Branch>
{
    public void Configure(EntityTypeBuilder<Branch> b)
    {
        b.Property(x => x.Name).HasMaxLength(100);
        b.HasIndex(x => new { x.SchoolId, x.Name }).IsUnique();
        b.Property(x => x.Address).HasMaxLength(400);
        b.Property(x => x.Phone).HasMaxLength(40);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
    }
}
