using Lyceum.Modules.Academics;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Staff;

/// <summary>A member of staff: teacher, tutor, office or leadership. An account may link to it later.</summary>
public sealed class StaffMember : Entity, IArchivable, ISchoolOwned, IPerson, ISearchable
{
    public int SchoolId { get; set; }

    public required string StaffNumber { get; set; }

    public string? Title { get; set; }

    public required string FirstName { get; set; }

    public required string LastName { get; set; }

    public required string Email { get; set; }

    public string? Phone { get; set; }

    public string? JobTitle { get; set; }

    public int? DepartmentId { get; set; }

    public Department? Department { get; set; }

    public Guid? UserId { get; set; }

    public DateTime? ArchivedAt { get; set; }

    /// <summary>Kept by the save interceptor; see <see cref="ISearchable"/>.</summary>
    public string SearchText { get; set; } = string.Empty;

    public IEnumerable<string?> SearchTerms() => [$"{FirstName} {LastName}", $"{LastName} {FirstName}", StaffNumber, Email];
}

internal sealed class StaffMemberConfiguration : IEntityTypeConfiguration<StaffMember>
{
    public void Configure(EntityTypeBuilder<StaffMember> b)
    {
        b.ToTable("Staff");
        b.Property(x => x.StaffNumber).HasMaxLength(20);
        b.HasIndex(x => new { x.SchoolId, x.StaffNumber }).IsUnique();
        b.Property(x => x.Title).HasMaxLength(20);
        b.Property(x => x.FirstName).HasMaxLength(100);
        b.Property(x => x.LastName).HasMaxLength(100);
        b.Property(x => x.Email).HasMaxLength(254);
        b.Property(x => x.Phone).HasMaxLength(40);
        b.Property(x => x.JobTitle).HasMaxLength(100);
        b.Property(x => x.SearchText).HasMaxLength(SearchFolding.MaxLength);
        b.HasIndex(x => x.UserId);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Department).WithMany().HasForeignKey(x => x.DepartmentId).OnDelete(DeleteBehavior.Restrict);
    }
}
