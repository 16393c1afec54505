using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Academics;

/// <summary>A class: a course taught in a term by a teacher in a room, meeting in timetable periods.</summary>
public sealed class Section : Entity, IArchivable
{
    public int CourseId { get; set; }

    public Course? Course { get; set; }

    public int TermId { get; set; }

    public Term? Term { get; set; }

    public int TeacherId { get; set; }

    public StaffMember? Teacher { get; set; }

    /// <summary>Further teachers sharing the class (team teaching, a teaching assistant): their timetables show it too.</summary>
    public List<SectionTeacher> CoTeachers { get; set; } = [];

    public int? RoomId { get; set; }

    public Room? Room { get; set; }

    /// <summary>Display name, e.g. "10A/Ma1".</summary>
    public required string Name { get; set; }

    public int Capacity { get; set; }

    public List<SectionMeeting> Meetings { get; set; } = [];

    public List<Enrollment> Enrollments { get; set; } = [];

    public DateTime? ArchivedAt { get; set; }
}

/// <summary>One weekly meeting of a section: a weekday and a period of the bell schedule.</summary>
public sealed class SectionMeeting
{
    public int Id { get; set; }

    public int SectionId { get; set; }

    public DayOfWeek Day { get; set; }

    public int PeriodId { get; set; }

    public Period? Period { get; set; }
}

/// <summary>A co-teacher of a section, besides its lead <see cref="Section.Teacher"/>.</summary>
public sealed class SectionTeacher
{
    public int Id { get; set; }

    public int SectionId { get; set; }

    public int StaffMemberId { get; set; }

    public StaffMember? StaffMember { get; set; }
}

/// <summary>A student in a section from a date, until withdrawn. Transfers withdraw from one and enrol in another.</summary>
public sealed class Enrollment : Entity
{
    public int StudentId { get; set; }

    public Student? Student { get; set; }

    public int SectionId { get; set; }

    public Section? Section { get; set; }

    public DateOnly EnrolledOn { get; set; }

    public DateOnly? WithdrawnOn { get; set; }
}

internal sealed class SectionConfiguration : IEntityTypeConfiguration<Section>
{
    public void Configure(EntityTypeBuilder<Section> b)
    {
        b.Property(x => x.Name).HasMaxLength(60);
        b.HasIndex(x => new { x.TermId, x.Name }).IsUnique();
        b.HasIndex(x => x.TeacherId);
        b.HasOne(x => x.Course).WithMany().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Term).WithMany().HasForeignKey(x => x.TermId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Teacher).WithMany().HasForeignKey(x => x.TeacherId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Room).WithMany().HasForeignKey(x => x.RoomId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Meetings).WithOne().HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.CoTeachers).WithOne().HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SectionTeacherConfiguration : IEntityTypeConfiguration<SectionTeacher>
{
    public void Configure(EntityTypeBuilder<SectionTeacher> b)
    {
        b.HasIndex(x => new { x.SectionId, x.StaffMemberId }).IsUnique();
        b.HasIndex(x => x.StaffMemberId);
        b.HasOne(x => x.StaffMember).WithMany().HasForeignKey(x => x.StaffMemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SectionMeetingConfiguration : IEntityTypeConfiguration<SectionMeeting>
{
    public void Configure(EntityTypeBuilder<SectionMeeting> b)
    {
        b.HasIndex(x => new { x.SectionId, x.Day, x.PeriodId }).IsUnique();
        b.HasOne(x => x.Period).WithMany().HasForeignKey(x => x.PeriodId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class EnrollmentConfiguration : IEntityTypeConfiguration<Enrollment>
{
    public void Configure(EntityTypeBuilder<Enrollment> b)
    {
        // One enrolment row per student and section: re-enrolling after a withdrawal reopens the row.
        b.HasIndex(x => new { x.StudentId, x.SectionId }).IsUnique();
        b.HasIndex(x => x.SectionId);
        b.HasOne(x => x.Student).WithMany(x => x.Enrollments).HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Section).WithMany(x => x.Enrollments).HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Restrict);
    }
}
