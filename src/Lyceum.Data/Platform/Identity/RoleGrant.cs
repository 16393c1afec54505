using Lyceum.Modules.Academics;
using Lyceum.Modules.Schools;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Platform.Identity;

/// <summary>
/// Which records a grant reaches. Each resource defines what a scope means for its rows (for students: the school's
/// students, those taught in the department's sections, those in the holder's sections, the holder's children, the
/// holder as a student).
/// </summary>
public enum AccessScope
{
    /// <summary>Every record of <see cref="RoleGrant.SchoolId"/>, or of every school when it is null.</summary>
    School,

    /// <summary>Records of <see cref="RoleGrant.DepartmentId"/>, or of the holder's own department when it is null.</summary>
    Department,

    /// <summary>Records of the sections the holder teaches.</summary>
    OwnSections,

    /// <summary>Records of the students the holder is a guardian of.</summary>
    OwnChildren,

    /// <summary>The holder's own records.</summary>
    Self,
}

/// <summary>One permission (resource.action, such as <c>students.view</c>) given by a role, with its scope.</summary>
public sealed class RoleGrant
{
    public int Id { get; set; }

    public Guid RoleId { get; set; }

    public required string Permission { get; set; }

    public AccessScope Scope { get; set; }

    public int? SchoolId { get; set; }

    public int? DepartmentId { get; set; }
}

internal sealed class RoleGrantConfiguration : IEntityTypeConfiguration<RoleGrant>
{
    public void Configure(EntityTypeBuilder<RoleGrant> b)
    {
        b.ToTable("RoleGrants");
        b.Property(x => x.Permission).HasMaxLength(100);
        b.Property(x => x.Scope).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(x => x.RoleId);
        b.HasOne<LyceumRole>().WithMany(r => r.Grants).HasForeignKey(x => x.RoleId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Department>().WithMany().HasForeignKey(x => x.DepartmentId).OnDelete(DeleteBehavior.Restrict);
    }
}
