using Lyceum.Modules.Academics;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Students;

/// <summary>A student of one school. Leavers are archived (<see cref="ArchivedAt"/>), never deleted.</summary>
public sealed class Student : Entity, ISearchable, IArchivable, ISchoolOwned, IPerson
{
    public int SchoolId { get; set; }

    public School? School { get; set; }

    /// <summary>Unique within the school.</summary>
    public required string StudentNumber { get; set; }

    public required string FirstName { get; set; }

    public required string LastName { get; set; }

    public string? PreferredName { get; set; }

    public DateOnly DateOfBirth { get; set; }

    public Gender Gender { get; set; }

    /// <summary>National curriculum year, e.g. 7–13.</summary>
    public int YearGroup { get; set; }

    /// <summary>Registration (form) group, e.g. "10B".</summary>
    public string? FormGroup { get; set; }

    /// <summary>
    /// The academic year that <see cref="YearGroup"/> and <see cref="FormGroup"/> are for: rolling the school forward
    /// into a year moves only students not in it yet, so a repeated roll-forward moves nobody twice. Null: not known.
    /// </summary>
    public int? AcademicYearId { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? Address { get; set; }

    public DateOnly AdmittedOn { get; set; }

    public DateTime? ArchivedAt { get; set; }

    public Guid? UserId { get; set; }

    /// <summary>Kept by the save interceptor; see <see cref="ISearchable"/>.</summary>
    public string SearchText { get; set; } = string.Empty;

    public List<StudentGuardian> Guardians { get; set; } = [];

    public List<Enrollment> Enrollments { get; set; } = [];

    /// <summary>The tutoring sessions the student is booked into (a tutor's "own" students are these).</summary>
    public List<Tutoring.TutoringSessionStudent> TutoringSessions { get; set; } = [];

    /// <summary>
    /// Archives a leaver: out of lists, and their open enrolments end <paramref name="today"/> (one not begun yet ends
    /// as it begins), so they leave class lists and their accounts lose the classes. Needs the open enrolments loaded.
    /// </summary>
    public void Leave(DateTime now, DateOnly today)
    {
        ArchivedAt = now;
        foreach (var enrolment in Enrollments.Where(e => e.WithdrawnOn is null || e.WithdrawnOn > today))
        {
            enrolment.WithdrawnOn = enrolment.EnrolledOn > today ? enrolment.EnrolledOn : today;
        }
    }

    public IEnumerable<string?> SearchTerms() =>
        [$"{FirstName} {LastName}", $"{LastName} {FirstName}", PreferredName is null ? null : $"{PreferredName} {LastName}", StudentNumber];
}

public enum Gender
{
    Unspecified,
    Female,
    Male,
    Other,
}

internal sealed class StudentConfiguration : IEntityTypeConfiguration<Student>
{
    public void Configure(EntityTypeBuilder<Student> b)
    {
        b.Property(x => x.StudentNumber).HasMaxLength(20);
        b.HasIndex(x => new { x.SchoolId, x.StudentNumber }).IsUnique();
        b.Property(x => x.FirstName).HasMaxLength(100);
        b.Property(x => x.LastName).HasMaxLength(100);
        b.Property(x => x.PreferredName).HasMaxLength(100);
        b.Property(x => x.FormGroup).HasMaxLength(20);
        b.Property(x => x.Email).HasMaxLength(254);
        b.Property(x => x.Phone).HasMaxLength(40);
        b.Property(x => x.Address).HasMaxLength(400);
        b.Property(x => x.Gender).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.SearchText).HasMaxLength(SearchFolding.MaxLength);
        // The default list order over current students, covering the id: pages are found by an index-only scan.
        b.HasIndex(x => new { x.LastName, x.FirstName, x.Id })
            .HasDatabaseName("IX_Students_Current_Name")
            .HasFilter("\"ArchivedAt\" IS NULL");
        b.HasIndex(x => x.UserId);
        b.HasOne(x => x.School).WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<AcademicYear>().WithMany().HasForeignKey(x => x.AcademicYearId).OnDelete(DeleteBehavior.Restrict);
    }
}
