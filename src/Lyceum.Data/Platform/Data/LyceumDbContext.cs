using Lyceum.Modules.Academics;
using Lyceum.Modules.Attendance;
using Lyceum.Modules.Behaviour;
using Lyceum.Modules.Gradebook;
using Lyceum.Modules.Messaging;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Modules.Tutoring;
using Lyceum.Platform.Api;
using Lyceum.Platform.Audit;
using Lyceum.Platform.Events;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Data;

/// <summary>
/// The one DbContext. Each module owns its <see cref="IEntityTypeConfiguration{TEntity}"/>s, found here by assembly
/// scan; the same model runs on SQLite and PostgreSQL, each with its own migrations assembly.
/// </summary>
public class LyceumDbContext(DbContextOptions<LyceumDbContext> options)
    : IdentityDbContext<LyceumUser, LyceumRole, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>
    /// ASP.NET Core's data-protection keys (cookies, anti-forgery tokens, set-password links), kept in the database so
    /// that a restart or another app node reads what this one wrote. Not in the audit trail: they are key material.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<School> Schools => Set<School>();

    public DbSet<Branch> Branches => Set<Branch>();

    public DbSet<AcademicYear> AcademicYears => Set<AcademicYear>();

    public DbSet<Term> Terms => Set<Term>();

    public DbSet<Room> Rooms => Set<Room>();

    public DbSet<Period> Periods => Set<Period>();

    public DbSet<Department> Departments => Set<Department>();

    public DbSet<Course> Courses => Set<Course>();

    public DbSet<Section> Sections => Set<Section>();

    public DbSet<SectionMeeting> SectionMeetings => Set<SectionMeeting>();

    public DbSet<SectionTeacher> SectionTeachers => Set<SectionTeacher>();

    public DbSet<Enrollment> Enrollments => Set<Enrollment>();

    public DbSet<StaffMember> Staff => Set<StaffMember>();

    public DbSet<Student> Students => Set<Student>();

    public DbSet<Guardian> Guardians => Set<Guardian>();

    public DbSet<StudentGuardian> StudentGuardians => Set<StudentGuardian>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<RoleGrant> RoleGrants => Set<RoleGrant>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<IdempotentRequest> IdempotentRequests => Set<IdempotentRequest>();

    public DbSet<AttendanceCode> AttendanceCodes => Set<AttendanceCode>();

    public DbSet<YearGroupRegistration> YearGroupRegistrations => Set<YearGroupRegistration>();

    public DbSet<FormTutor> FormTutors => Set<FormTutor>();

    public DbSet<Register> Registers => Set<Register>();

    public DbSet<AttendanceMark> AttendanceMarks => Set<AttendanceMark>();

    public DbSet<RegisterAmendment> RegisterAmendments => Set<RegisterAmendment>();

    public DbSet<BehaviourType> BehaviourTypes => Set<BehaviourType>();

    public DbSet<Incident> Incidents => Set<Incident>();

    public DbSet<IncidentStudent> IncidentStudents => Set<IncidentStudent>();

    public DbSet<BehaviourRule> BehaviourRules => Set<BehaviourRule>();

    public DbSet<RuleFiring> RuleFirings => Set<RuleFiring>();

    public DbSet<Detention> Detentions => Set<Detention>();

    public DbSet<GradeScale> GradeScales => Set<GradeScale>();

    public DbSet<GradeScaleBand> GradeScaleBands => Set<GradeScaleBand>();

    public DbSet<SectionGradebook> SectionGradebooks => Set<SectionGradebook>();

    public DbSet<AssessmentCategory> AssessmentCategories => Set<AssessmentCategory>();

    public DbSet<Assessment> Assessments => Set<Assessment>();

    public DbSet<Mark> Marks => Set<Mark>();

    public DbSet<TermGrade> TermGrades => Set<TermGrade>();

    public DbSet<ReportCardTemplate> ReportCardTemplates => Set<ReportCardTemplate>();

    public DbSet<TutoringSeries> TutoringSeries => Set<TutoringSeries>();

    public DbSet<TutoringSession> TutoringSessions => Set<TutoringSession>();

    public DbSet<TutoringSessionStudent> TutoringSessionStudents => Set<TutoringSessionStudent>();

    public DbSet<TutoringSessionLog> TutoringSessionLogs => Set<TutoringSessionLog>();

    public DbSet<TutorAvailability> TutorAvailability => Set<TutorAvailability>();

    public DbSet<TutorAvailabilityException> TutorAvailabilityExceptions => Set<TutorAvailabilityException>();

    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();

    public DbSet<TutoringRate> TutoringRates => Set<TutoringRate>();

    public DbSet<CalendarStamp> CalendarStamps => Set<CalendarStamp>();

    public DbSet<Invoice> Invoices => Set<Invoice>();

    public DbSet<InvoiceLine> InvoiceLines => Set<InvoiceLine>();

    public DbSet<Payment> Payments => Set<Payment>();

    public DbSet<InvoiceCounter> InvoiceCounters => Set<InvoiceCounter>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<Delivery> Deliveries => Set<Delivery>();

    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();

    public DbSet<NotificationPreference> NotificationPreferences => Set<NotificationPreference>();

    public DbSet<NotificationSettings> NotificationSettings => Set<NotificationSettings>();

    public DbSet<MessageThread> MessageThreads => Set<MessageThread>();

    public DbSet<ThreadParticipant> ThreadParticipants => Set<ThreadParticipant>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<Broadcast> Broadcasts => Set<Broadcast>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(LyceumDbContext).Assembly);

        foreach (var type in builder.Model.GetEntityTypes().Where(t => typeof(Entity).IsAssignableFrom(t.ClrType)))
        {
            builder.Entity(type.ClrType).Property(nameof(Entity.Version)).IsConcurrencyToken();
        }

        builder.Entity<RefreshToken>(b =>
        {
            b.Property(x => x.TokenHash).HasMaxLength(64);
            b.HasIndex(x => x.TokenHash).IsUnique();
            b.HasIndex(x => x.FamilyId);
            b.HasOne<LyceumUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<LyceumUser>().Property(x => x.DisplayName).HasMaxLength(200);
        builder.Entity<LyceumRole>().Property(x => x.Description).HasMaxLength(500);
        // A key's XML is over 1,000 characters and its format is the framework's: no length cap on it.
        builder.Entity<DataProtectionKey>().Property(x => x.Xml).Metadata.SetMaxLength(null);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<string>().HaveMaxLength(2000);
    }
}
