using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Tutoring;

public enum SessionStatus
{
    Scheduled,
    Completed,
    Cancelled,
    NoShow,
}

/// <summary>How one student of a session attended it, as the tutor logged it.</summary>
public enum SessionAttendance
{
    Unmarked,
    Present,
    Late,
    Absent,
}

/// <summary>
/// A recurring booking ("Algebra with Maria, Tuesdays and Thursdays 16:00–17:00 until June"): the RFC 5545 rule and
/// the local start it is read from. Its occurrences are materialised as <see cref="TutoringSession"/> rows when it
/// is booked (a rule must end, by UNTIL or COUNT, and is capped), so the calendar query, the logging and the invoices
/// work on one row per lesson; an occurrence changed on its own is an exception of the series
/// (<see cref="TutoringSession.Detached"/>), as RFC 5545's RECURRENCE-ID is.
/// </summary>
public sealed class TutoringSeries : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public int TutorId { get; set; }

    public StaffMember? Tutor { get; set; }

    public required string Subject { get; set; }

    /// <summary>The rule as RFC 5545 RRULE text without the "RRULE:" prefix, e.g. "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630T225959Z".</summary>
    public required string RecurrenceRule { get; set; }

    /// <summary>IANA zone the rule is read in, so 16:00 stays 16:00 across daylight-saving changes.</summary>
    public required string TimeZone { get; set; }

    /// <summary>The first occurrence's start (DTSTART), in UTC.</summary>
    public DateTime FirstStartUtc { get; set; }

    public int DurationMinutes { get; set; }

    public Guid? CreatedByUserId { get; set; }
}

/// <summary>
/// One lesson: a tutor, one or more students, a subject, where (a branch and room, or an online link) and when. Start
/// and end are stored in UTC with the zone they were booked in; the school's zone unless the booking named another.
/// </summary>
public sealed class TutoringSession : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public int? SeriesId { get; set; }

    public TutoringSeries? Series { get; set; }

    /// <summary>The start the series' rule gave this occurrence (RFC 5545 RECURRENCE-ID), in UTC; null outside a series.</summary>
    public DateTime? RecurrenceIdUtc { get; set; }

    /// <summary>Changed on its own (moved, resized, re-staffed): a later change of "this and following" leaves it as it is.</summary>
    public bool Detached { get; set; }

    public int TutorId { get; set; }

    public StaffMember? Tutor { get; set; }

    public required string Subject { get; set; }

    public int? BranchId { get; set; }

    public Branch? Branch { get; set; }

    /// <summary>A room or place at the branch, or an address for a home visit.</summary>
    public string? Location { get; set; }

    public string? OnlineLink { get; set; }

    public DateTime StartUtc { get; set; }

    public DateTime EndUtc { get; set; }

    public required string TimeZone { get; set; }

    public SessionStatus Status { get; set; }

    /// <summary>The booking's notes (what to bring, what to cover).</summary>
    public string? Notes { get; set; }

    /// <summary>
    /// A price per student per hour set for this session by someone who may see finance; null: the school's rates
    /// (<see cref="TutoringRate"/>) decide when the session is completed.
    /// </summary>
    public decimal? RateOverride { get; set; }

    public string? CancelReason { get; set; }

    /// <summary>Why a coordinator booked it despite a clash (the clash itself is in the audit trail with this row).</summary>
    public string? ConflictOverrideReason { get; set; }

    /// <summary>The client-generated id of the log that set the status: a retried or replayed log with it changes nothing.</summary>
    public Guid? LogId { get; set; }

    /// <summary>The tutor's note on how it went.</summary>
    public string? LogNote { get; set; }

    public DateTime? LoggedAt { get; set; }

    public Guid? LoggedByUserId { get; set; }

    public Guid? CreatedByUserId { get; set; }

    public List<TutoringSessionStudent> Students { get; set; } = [];
}

/// <summary>A student in a session: their attendance and, once the session is completed, the price it costs them.</summary>
public sealed class TutoringSessionStudent
{
    public int Id { get; set; }

    public int SessionId { get; set; }

    public TutoringSession? Session { get; set; }

    public int StudentId { get; set; }

    public Student? Student { get; set; }

    public SessionAttendance Attendance { get; set; }

    /// <summary>The price per hour that applied when the session was completed (null before).</summary>
    public decimal? Rate { get; set; }

    /// <summary>What the session costs this student: rate × hours, rounded to the cent when it was completed.</summary>
    public decimal? Amount { get; set; }

    /// <summary>The invoice line that bills it; null while un-invoiced (and again after that invoice is voided).</summary>
    public int? InvoiceLineId { get; set; }
}

/// <summary>
/// One log of a session as the tutor's app sent it, kept by its client-generated id: any log sent again (a retry, an
/// offline replay, even one that a later log corrected) is recognised and changes nothing.
/// </summary>
public sealed class TutoringSessionLog
{
    public long Id { get; set; }

    public Guid LogId { get; set; }

    public int SessionId { get; set; }

    public SessionStatus Status { get; set; }

    public string? Note { get; set; }

    public DateTime At { get; set; }

    public Guid? ByUserId { get; set; }
}

/// <summary>A weekly window in which a tutor takes sessions, in the school's zone.</summary>
public sealed class TutorAvailability : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public int TutorId { get; set; }

    public StaffMember? Tutor { get; set; }

    public DayOfWeek Day { get; set; }

    public TimeOnly StartTime { get; set; }

    public TimeOnly EndTime { get; set; }
}

/// <summary>
/// A day that differs from the weekly windows: away all day (no times), away for part of it, or available outside
/// the usual windows (<see cref="Available"/>).
/// </summary>
public sealed class TutorAvailabilityException : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public int TutorId { get; set; }

    public StaffMember? Tutor { get; set; }

    public DateOnly Date { get; set; }

    public TimeOnly? StartTime { get; set; }

    public TimeOnly? EndTime { get; set; }

    public bool Available { get; set; }

    public string? Reason { get; set; }
}

/// <summary>
/// A user's private calendar feed: <c>/ical/{token}.ics</c>. Only the token's SHA-256 is kept; revoking it (or making
/// a new one) ends the old link at once.
/// </summary>
public sealed class CalendarFeed
{
    public int Id { get; set; }

    public Guid UserId { get; set; }

    public required string TokenHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public DateTime? LastReadAt { get; set; }
}

internal sealed class TutoringSeriesConfiguration : IEntityTypeConfiguration<TutoringSeries>
{
    public void Configure(EntityTypeBuilder<TutoringSeries> b)
    {
        b.ToTable("TutoringSeries");
        b.Property(x => x.Subject).HasMaxLength(100);
        b.Property(x => x.RecurrenceRule).HasMaxLength(500);
        b.Property(x => x.TimeZone).HasMaxLength(64);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Tutor).WithMany().HasForeignKey(x => x.TutorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TutoringSessionConfiguration : IEntityTypeConfiguration<TutoringSession>
{
    public void Configure(EntityTypeBuilder<TutoringSession> b)
    {
        b.ToTable("TutoringSessions");
        b.Property(x => x.Subject).HasMaxLength(100);
        b.Property(x => x.Location).HasMaxLength(200);
        b.Property(x => x.OnlineLink).HasMaxLength(500);
        b.Property(x => x.TimeZone).HasMaxLength(64);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Notes).HasMaxLength(2000);
        b.Property(x => x.RateOverride).HasPrecision(18, 2);
        b.Property(x => x.CancelReason).HasMaxLength(500);
        b.Property(x => x.ConflictOverrideReason).HasMaxLength(500);
        b.Property(x => x.LogNote).HasMaxLength(2000);
        b.HasIndex(x => new { x.SchoolId, x.StartUtc });
        b.HasIndex(x => new { x.TutorId, x.StartUtc });
        b.HasIndex(x => new { x.SeriesId, x.StartUtc });
        b.HasIndex(x => x.LogId).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Series).WithMany().HasForeignKey(x => x.SeriesId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Tutor).WithMany().HasForeignKey(x => x.TutorId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Branch).WithMany().HasForeignKey(x => x.BranchId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TutoringSessionStudentConfiguration : IEntityTypeConfiguration<TutoringSessionStudent>
{
    public void Configure(EntityTypeBuilder<TutoringSessionStudent> b)
    {
        b.ToTable("TutoringSessionStudents");
        b.HasIndex(x => new { x.SessionId, x.StudentId }).IsUnique();
        b.HasIndex(x => x.StudentId);
        b.HasIndex(x => x.InvoiceLineId);
        b.Property(x => x.Attendance).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Rate).HasPrecision(18, 2);
        b.Property(x => x.Amount).HasPrecision(18, 2);
        b.HasOne(x => x.Session).WithMany(x => x.Students).HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Student).WithMany(x => x.TutoringSessions).HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TutoringSessionLogConfiguration : IEntityTypeConfiguration<TutoringSessionLog>
{
    public void Configure(EntityTypeBuilder<TutoringSessionLog> b)
    {
        b.ToTable("TutoringSessionLogs");
        b.HasIndex(x => x.LogId).IsUnique();
        b.HasIndex(x => x.SessionId);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Note).HasMaxLength(2000);
        b.HasOne<TutoringSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TutorAvailabilityConfiguration : IEntityTypeConfiguration<TutorAvailability>
{
    public void Configure(EntityTypeBuilder<TutorAvailability> b)
    {
        b.ToTable("TutorAvailability");
        b.Property(x => x.Day).HasConversion<string>().HasMaxLength(10);
        b.HasIndex(x => x.TutorId);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Tutor).WithMany().HasForeignKey(x => x.TutorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TutorAvailabilityExceptionConfiguration : IEntityTypeConfiguration<TutorAvailabilityException>
{
    public void Configure(EntityTypeBuilder<TutorAvailabilityException> b)
    {
        b.ToTable("TutorAvailabilityExceptions");
        b.Property(x => x.Reason).HasMaxLength(200);
        b.HasIndex(x => new { x.TutorId, x.Date });
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Tutor).WithMany().HasForeignKey(x => x.TutorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CalendarFeedConfiguration : IEntityTypeConfiguration<CalendarFeed>
{
    public void Configure(EntityTypeBuilder<CalendarFeed> b)
    {
        b.ToTable("CalendarFeeds");
        b.Property(x => x.TokenHash).HasMaxLength(64);
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasIndex(x => x.UserId);
    }
}
