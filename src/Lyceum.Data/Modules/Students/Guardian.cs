using Lyceum.Modules.Schools;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Students;

/// <summary>A parent or carer. One guardian may be linked to several students (siblings).</summary>
public sealed class Guardian : Entity, IArchivable, ISchoolOwned, IPerson, ISearchable
{
    public int SchoolId { get; set; }

    public string? Title { get; set; }

    public required string FirstName { get; set; }

    public required string LastName { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? Address { get; set; }

    public Guid? UserId { get; set; }

    public DateTime? ArchivedAt { get; set; }

    public List<StudentGuardian> Students { get; set; } = [];

    /// <summary>Kept by the save interceptor; see <see cref="ISearchable"/>.</summary>
    public string SearchText { get; set; } = string.Empty;

    public IEnumerable<string?> SearchTerms() => [$"{FirstName} {LastName}", $"{LastName} {FirstName}", Email, Phone];
}

/// <summary>The link between a student and a guardian, with what the guardian may do and receive.</summary>
public sealed class StudentGuardian
{
    public int StudentId { get; set; }

    public Student? Student { get; set; }

    public int GuardianId { get; set; }

    public Guardian? Guardian { get; set; }

    public Relationship Relationship { get; set; }

    public bool LivesWith { get; set; }

    public bool MayCollect { get; set; }

    public bool ReceivesMail { get; set; }

    public bool HasParentalResponsibility { get; set; }

    /// <summary>1 is called first.</summary>
    public int ContactPriority { get; set; }
}

public enum Relationship
{
    Mother,
    Father,
    Stepmother,
    Stepfather,
    Grandparent,
    Carer,
    Other,
}

internal sealed class GuardianConfiguration : IEntityTypeConfiguration<Guardian>
{
    public void Configure(EntityTypeBuilder<Guardian> b)
    {
        b.Property(x => x.Title).HasMaxLength(20);
        b.Property(x => x.FirstName).HasMaxLength(100);
        b.Property(x => x.LastName).HasMaxLength(100);
        b.Property(x => x.Email).HasMaxLength(254);
        b.Property(x => x.Phone).HasMaxLength(40);
        b.Property(x => x.Address).HasMaxLength(400);
        b.Property(x => x.SearchText).HasMaxLength(SearchFolding.MaxLength);
        b.HasIndex(x => x.UserId);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StudentGuardianConfiguration : IEntityTypeConfiguration<StudentGuardian>
{
    public void Configure(EntityTypeBuilder<StudentGuardian> b)
    {
        b.ToTable("StudentGuardians");
        b.HasKey(x => new { x.StudentId, x.GuardianId });
        b.HasIndex(x => x.GuardianId);
        b.Property(x => x.Relationship).HasConversion<string>().HasMaxLength(20);
        b.HasOne(x => x.Student).WithMany(x => x.Guardians).HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Guardian).WithMany(x => x.Students).HasForeignKey(x => x.GuardianId).OnDelete(DeleteBehavior.Cascade);
    }
}
