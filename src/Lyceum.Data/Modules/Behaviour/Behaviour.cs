using Lyceum.Modules.Academics;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Behaviour;

public enum BehaviourPolarity
{
    Positive,
    Negative,
}

/// <summary>A school's kind of incident ("Homework not done", "Helping others"), with default severity and points.</summary>
public sealed class BehaviourType : Entity, IArchivable, ISchoolOwned
{
    public int SchoolId { get; set; }

    public required string Name { get; set; }

    public BehaviourPolarity Polarity { get; set; }

    /// <summary>1 (minor) to 4 (serious).</summary>
    public int DefaultSeverity { get; set; } = 1;

    /// <summary>Points each student gets by default, as a magnitude: negative incidents subtract them.</summary>
    public int DefaultPoints { get; set; } = 1;

    public DateTime? ArchivedAt { get; set; }
}

/// <summary>
/// Something that happened, to one or more students. Its students' rows carry the signed points (the ledger):
/// a negative incident's points are negative.
/// </summary>
public sealed class Incident : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public int TypeId { get; set; }

    public BehaviourType? Type { get; set; }

    public BehaviourPolarity Polarity { get; set; }

    public int Severity { get; set; }

    /// <summary>Points per student as a magnitude; see <see cref="IncidentStudent.Points"/> for the signed value.</summary>
    public int Points { get; set; }

    public DateTime OccurredAt { get; set; }

    public string? Location { get; set; }

    public string? Description { get; set; }

    /// <summary>The class it happened in, if any: "own sections" reach follows it.</summary>
    public int? SectionId { get; set; }

    public Section? Section { get; set; }

    public int? ReporterId { get; set; }

    public StaffMember? Reporter { get; set; }

    public Guid? ReportedByUserId { get; set; }

    public List<IncidentStudent> Students { get; set; } = [];
}

/// <summary>A student in an incident, with the signed points it gave them: one line of their points ledger.</summary>
public sealed class IncidentStudent
{
    public int Id { get; set; }

    public int IncidentId { get; set; }

    public Incident? Incident { get; set; }

    public int StudentId { get; set; }

    public Student? Student { get; set; }

    public int Points { get; set; }
}

/// <summary>What a rule counts.</summary>
public enum BehaviourRuleMeasure
{
    /// <summary>Negative points (as a magnitude) within the window.</summary>
    NegativePoints,

    /// <summary>Negative incidents (of <see cref="BehaviourRule.TypeId"/>, or any) within the window.</summary>
    Incidents,

    /// <summary>Missed detentions within the window.</summary>
    MissedDetentions,
}

public enum BehaviourRuleAction
{
    Detention,
    Alert,
}

/// <summary>
/// "N negative points / incidents (of a type) / missed detentions within M days → detention or alert". Each firing
/// is recorded (<see cref="RuleFiring"/>) and counting starts again after it, so one run of incidents fires once.
/// </summary>
public sealed class BehaviourRule : Entity, IArchivable, ISchoolOwned
{
    public int SchoolId { get; set; }

    public required string Name { get; set; }

    public BehaviourRuleMeasure Measure { get; set; }

    public int? TypeId { get; set; }

    public BehaviourType? Type { get; set; }

    public int Threshold { get; set; }

    public int WindowDays { get; set; }

    public BehaviourRuleAction Action { get; set; }

    /// <summary>For a detention: when, how long, where, and who supervises.</summary>
    public TimeOnly? DetentionStart { get; set; }

    public int? DetentionMinutes { get; set; }

    public int? DetentionRoomId { get; set; }

    public int? DetentionSupervisorId { get; set; }

    public DateTime? ArchivedAt { get; set; }
}

/// <summary>A rule fired for a student: what it did, and from when the rule counts again.</summary>
public sealed class RuleFiring : Entity
{
    public int RuleId { get; set; }

    public int StudentId { get; set; }

    public DateTime FiredAt { get; set; }

    public int? DetentionId { get; set; }
}

public enum DetentionStatus
{
    Scheduled,
    Completed,
    Cancelled,
    Missed,
}

/// <summary>A detention for one student: when, where, who supervises, why (an incident or a rule), and how it went.</summary>
public sealed class Detention : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public int StudentId { get; set; }

    public Student? Student { get; set; }

    public DateOnly Date { get; set; }

    public TimeOnly StartTime { get; set; }

    public int DurationMinutes { get; set; }

    public int? RoomId { get; set; }

    public Room? Room { get; set; }

    public int SupervisorId { get; set; }

    public StaffMember? Supervisor { get; set; }

    public required string Reason { get; set; }

    public int? IncidentId { get; set; }

    public Incident? Incident { get; set; }

    public int? RuleId { get; set; }

    public DetentionStatus Status { get; set; }

    public string? Note { get; set; }

    public TimeOnly EndTime => StartTime.AddMinutes(DurationMinutes);
}

internal sealed class BehaviourTypeConfiguration : IEntityTypeConfiguration<BehaviourType>
{
    public void Configure(EntityTypeBuilder<BehaviourType> b)
    {
        b.Property(x => x.Name).HasMaxLength(80);
        b.Property(x => x.Polarity).HasConversion<string>().HasMaxLength(10);
        b.HasIndex(x => new { x.SchoolId, x.Name }).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.Property(x => x.Polarity).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Location).HasMaxLength(120);
        b.Property(x => x.Description).HasMaxLength(2000);
        b.HasIndex(x => new { x.SchoolId, x.OccurredAt });
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Type).WithMany().HasForeignKey(x => x.TypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Section).WithMany().HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Reporter).WithMany().HasForeignKey(x => x.ReporterId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Students).WithOne(x => x.Incident).HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentStudentConfiguration : IEntityTypeConfiguration<IncidentStudent>
{
    public void Configure(EntityTypeBuilder<IncidentStudent> b)
    {
        b.HasIndex(x => new { x.IncidentId, x.StudentId }).IsUnique();
        b.HasIndex(x => x.StudentId);
        b.HasOne(x => x.Student).WithMany().HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BehaviourRuleConfiguration : IEntityTypeConfiguration<BehaviourRule>
{
    public void Configure(EntityTypeBuilder<BehaviourRule> b)
    {
        b.Property(x => x.Name).HasMaxLength(120);
        b.Property(x => x.Measure).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Action).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(x => new { x.SchoolId, x.Name }).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Type).WithMany().HasForeignKey(x => x.TypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Room>().WithMany().HasForeignKey(x => x.DetentionRoomId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<StaffMember>().WithMany().HasForeignKey(x => x.DetentionSupervisorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RuleFiringConfiguration : IEntityTypeConfiguration<RuleFiring>
{
    public void Configure(EntityTypeBuilder<RuleFiring> b)
    {
        b.HasIndex(x => new { x.RuleId, x.StudentId, x.FiredAt });
        b.HasOne<BehaviourRule>().WithMany().HasForeignKey(x => x.RuleId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Student>().WithMany().HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Detention>().WithMany().HasForeignKey(x => x.DetentionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class DetentionConfiguration : IEntityTypeConfiguration<Detention>
{
    public void Configure(EntityTypeBuilder<Detention> b)
    {
        b.Property(x => x.Reason).HasMaxLength(500);
        b.Property(x => x.Note).HasMaxLength(500);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Ignore(x => x.EndTime);
        b.HasIndex(x => new { x.SchoolId, x.Date });
        b.HasIndex(x => new { x.SupervisorId, x.Date });
        b.HasIndex(x => x.StudentId);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Student).WithMany().HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Room).WithMany().HasForeignKey(x => x.RoomId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Supervisor).WithMany().HasForeignKey(x => x.SupervisorId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Incident).WithMany().HasForeignKey(x => x.IncidentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<BehaviourRule>().WithMany().HasForeignKey(x => x.RuleId).OnDelete(DeleteBehavior.Restrict);
    }
}
