using Lyceum.Modules.Schools;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Academics;

/// <summary>A department ("Science"): owns courses, groups staff, and is a permission scope.</summary>
public sealed class Department : Entity, IArchivable, ISchoolOwned
{
    public int SchoolId { get; set; }

    public required string Name { get; set; }

    public required string Code { get; set; }

    public DateTime? ArchivedAt { get; set; }
}

/// <summary>A subject taught to a year group ("Year 10 Mathematics"). Sections are its classes in a term.</summary>
public sealed class Course : Entity, IArchivable, ISchoolOwned
{
    public int SchoolId { get; set; }

    public int DepartmentId { get; set; }

    public Department? Department { get; set; }

    public required string Code { get; set; }

    public required string Name { get; set; }

    public int? YearGroup { get; set; }

    /// <summary>Timetabled periods per week.</summary>
    public int PeriodsPerWeek { get; set; }

    public DateTime? ArchivedAt { get; set; }
}

internal sealed class DepartmentConfiguration : IEntityTypeConfiguration<Department>
{
    public void Configure(EntityTypeBuilder<Department> b)
    {
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Code).HasMaxLength(20);
        b.HasIndex(x => new { x.SchoolId, x.Code }).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CourseConfiguration : IEntityTypeConfiguration<Course>
{
    public void Configure(EntityTypeBuilder<Course> b)
    {
        b.Property(x => x.Code).HasMaxLength(20);
        b.Property(x => x.Name).HasMaxLength(150);
        b.HasIndex(x => new { x.SchoolId, x.Code }).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Department).WithMany().HasForeignKey(x => x.DepartmentId).OnDelete(DeleteBehavior.Restrict);
    }
}
