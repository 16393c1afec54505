using Lyceum.Modules.Academics;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Audit;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Attendance;

/// <summary>What a code means for summaries: every code maps to one of these.</summary>
public enum AttendanceCategory
{
    Present,
    Absent,
    Late,
    Excused,
}

/// <summary>
/// An attendance code of a school ("/" present, "N" absent, "L" late, "M" medical…): data, not code. The category
/// drives summaries; <see cref="Authorised"/> separates explained from unexplained absence; a code that does not
/// count as a possible session (a school trip that is not a session, say) leaves the percentages alone.
/// </summary>
public sealed class AttendanceCode : Entity, IArchivable, ISchoolOwned
{
    public int SchoolId { get; set; }

    /// <summary>The short mark shown on a register, unique in the school, e.g. "/", "N", "L".</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public AttendanceCategory Category { get; set; }

    public bool Authorised { get; set; }

    public bool CountsAsPossible { get; set; } = true;

    /// <summary>Where the code appears on the register's choices.</summary>
    public int SortOrder { get; set; }

    public DateTime? ArchivedAt { get; set; }
}

/// <summary>How a year group's attendance is taken: a register at every lesson, or a daily AM and PM register per form.</summary>
public enum RegistrationMode
{
    Lessons,
    Daily,
}

/// <summary>A school's choice of <see cref="RegistrationMode"/> for one year group; a year group without a row takes lesson registers.</summary>
public sealed class YearGroupRegistration : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public int YearGroup { get; set; }

    public RegistrationMode Mode { get; set; }
}

/// <summary>The member of staff who takes a form group's daily registers (its form tutor).</summary>
public sealed class FormTutor : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public required string FormGroup { get; set; }

    public int StaffMemberId { get; set; }

    public StaffMember? StaffMember { get; set; }
}

/// <summary>The half of a day a daily register covers.</summary>
public enum DaySession
{
    AM,
    PM,
}

/// <summary>
/// A taken register: one section meeting on one date (lesson mode), or one form group's AM or PM session (daily
/// mode). <see cref="Slot"/> names the occasion uniquely ("lesson:{section}:{date}:{period}" or
/// "daily:{school}:{form}:{date}:{AM|PM}") so that two submissions of the same register can never create two rows.
/// </summary>
public sealed class Register : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public required string Slot { get; set; }

    public DateOnly Date { get; set; }

    public int? SectionId { get; set; }

    public Section? Section { get; set; }

    public int? PeriodId { get; set; }

    public Period? Period { get; set; }

    public string? FormGroup { get; set; }

    public DaySession? Session { get; set; }

    public DateTime TakenAt { get; set; }

    public Guid? TakenByUserId { get; set; }

    /// <summary>The name of who took it, as it was then.</summary>
    public required string TakenBy { get; set; }

    public DateTime? AmendedAt { get; set; }

    public List<AttendanceMark> Marks { get; set; } = [];

    public static string LessonSlot(int sectionId, DateOnly date, int periodId) => $"lesson:{sectionId}:{date:yyyy-MM-dd}:{periodId}";

    public static string DailySlot(int schoolId, string formGroup, DateOnly date, DaySession session) =>
        $"daily:{schoolId}:{formGroup}:{date:yyyy-MM-dd}:{session}";
}

/// <summary>
/// One student's mark on a register. Not in the audit trail row by row: a register's first submission is recorded
/// by its <see cref="Register"/> row, and every later change by a <see cref="RegisterAmendment"/> with its reason and
/// each changed mark before and after (docs/adr/0010-attendance-registers.md).
/// </summary>
public sealed class AttendanceMark : IUnaudited
{
    public long Id { get; set; }

    public int RegisterId { get; set; }

    public int StudentId { get; set; }

    public Student? Student { get; set; }

    public int CodeId { get; set; }

    public AttendanceCode? Code { get; set; }

    /// <summary>The register's date, repeated so a student's summary reads one table.</summary>
    public DateOnly Date { get; set; }

    public int? LateMinutes { get; set; }

    public TimeOnly? TimeIn { get; set; }

    public TimeOnly? TimeOut { get; set; }

    public string? Note { get; set; }
}

/// <summary>A change to a taken register: who, when, why, and each changed mark before and after (JSON).</summary>
public sealed class RegisterAmendment : Entity
{
    public int RegisterId { get; set; }

    public Guid? ByUserId { get; set; }

    public required string By { get; set; }

    public required string Reason { get; set; }

    public required string Changes { get; set; }
}

internal sealed class AttendanceCodeConfiguration : IEntityTypeConfiguration<AttendanceCode>
{
    public void Configure(EntityTypeBuilder<AttendanceCode> b)
    {
        b.Property(x => x.Code).HasMaxLength(4);
        b.Property(x => x.Name).HasMaxLength(60);
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(x => new { x.SchoolId, x.Code }).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class YearGroupRegistrationConfiguration : IEntityTypeConfiguration<YearGroupRegistration>
{
    public void Configure(EntityTypeBuilder<YearGroupRegistration> b)
    {
        b.Property(x => x.Mode).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(x => new { x.SchoolId, x.YearGroup }).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class FormTutorConfiguration : IEntityTypeConfiguration<FormTutor>
{
    public void Configure(EntityTypeBuilder<FormTutor> b)
    {
        b.Property(x => x.FormGroup).HasMaxLength(20);
        b.HasIndex(x => new { x.SchoolId, x.FormGroup }).IsUnique();
        b.HasIndex(x => x.StaffMemberId);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.StaffMember).WithMany().HasForeignKey(x => x.StaffMemberId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RegisterConfiguration : IEntityTypeConfiguration<Register>
{
    public void Configure(EntityTypeBuilder<Register> b)
    {
        b.Property(x => x.Slot).HasMaxLength(120);
        b.HasIndex(x => x.Slot).IsUnique();
        b.HasIndex(x => new { x.SchoolId, x.Date });
        b.HasIndex(x => new { x.SectionId, x.Date });
        b.Property(x => x.FormGroup).HasMaxLength(20);
        b.Property(x => x.Session).HasConversion<string>().HasMaxLength(2);
        b.Property(x => x.TakenBy).HasMaxLength(200);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Section).WithMany().HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Period).WithMany().HasForeignKey(x => x.PeriodId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Marks).WithOne().HasForeignKey(x => x.RegisterId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AttendanceMarkConfiguration : IEntityTypeConfiguration<AttendanceMark>
{
    public void Configure(EntityTypeBuilder<AttendanceMark> b)
    {
        // The constraint that makes a duplicate mark impossible, whatever the application does.
        b.HasIndex(x => new { x.RegisterId, x.StudentId }).IsUnique();
        b.HasIndex(x => new { x.StudentId, x.Date });
        b.Property(x => x.Note).HasMaxLength(500);
        b.HasOne(x => x.Student).WithMany().HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Code).WithMany().HasForeignKey(x => x.CodeId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RegisterAmendmentConfiguration : IEntityTypeConfiguration<RegisterAmendment>
{
    public void Configure(EntityTypeBuilder<RegisterAmendment> b)
    {
        b.Property(x => x.By).HasMaxLength(200);
        b.Property(x => x.Reason).HasMaxLength(500);
        b.Property(x => x.Changes).Metadata.SetMaxLength(null);
        b.HasIndex(x => x.RegisterId);
        b.HasOne<Register>().WithMany().HasForeignKey(x => x.RegisterId).OnDelete(DeleteBehavior.Cascade);
    }
}
