using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Schools;

/// <summary>A school year ("2026–27") and its terms.</summary>
public sealed class AcademicYear : Entity, IArchivable, ISchoolOwned
{
    public int SchoolId { get; set; }

    public School? School { get; set; }

    public required string Name { get; set; }

    public DateOnly StartDate { get; set; }

    public DateOnly EndDate { get; set; }

    public List<Term> Terms { get; set; } = [];

    public DateTime? ArchivedAt { get; set; }
}

/// <summary>A term within an academic year; sections run in a term.</summary>
public sealed class Term : Entity, IArchivable
{
    public int AcademicYearId { get; set; }

    public AcademicYear? AcademicYear { get; set; }

    public required string Name { get; set; }

    public DateOnly StartDate { get; set; }

    public DateOnly EndDate { get; set; }

    public DateTime? ArchivedAt { get; set; }
}

internal sealed class AcademicYearConfiguration : IEntityTypeConfiguration<AcademicYear>
{
    public void Configure(EntityTypeBuilder<AcademicYear> b)
    {
        b.Property(x => x.Name).HasMaxLength(40);
        b.HasIndex(x => new { x.SchoolId, x.Name }).IsUnique();
        b.HasOne(x => x.School).WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Terms).WithOne(x => x.AcademicYear).HasForeignKey(x => x.AcademicYearId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TermConfiguration : IEntityTypeConfiguration<Term>
{
    public void Configure(EntityTypeBuilder<Term> b)
    {
        b.Property(x => x.Name).HasMaxLength(40);
        b.HasIndex(x => new { x.AcademicYearId, x.Name }).IsUnique();
    }
}
