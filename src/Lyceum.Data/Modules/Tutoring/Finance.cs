using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Tutoring;

/// <summary>
/// A price per student per hour of tutoring. Any of student, tutor and subject may be left out; the most specific rate
/// that matches a session applies, and the school's default is the one with none of them.
/// </summary>
public sealed class TutoringRate : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public int? StudentId { get; set; }

    public Student? Student { get; set; }

    public int? TutorId { get; set; }

    public StaffMember? Tutor { get; set; }

    public string? Subject { get; set; }

    public decimal HourlyRate { get; set; }
}

public enum InvoiceStatus
{
    Draft,
    Sent,
    Paid,
    Void,
}

/// <summary>
/// A bill to a family (its paying guardian) for completed sessions. A draft has no number yet; sending it takes the
/// school's next number (<see cref="InvoiceCounter"/>), so the numbers have no gaps, and from then on it cannot change:
/// a mistake is voided (its sessions become billable again) and billed anew.
/// </summary>
public sealed class Invoice : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    /// <summary>The school's sequence number, given when the invoice is sent; null for a draft.</summary>
    public int? Number { get; set; }

    public int GuardianId { get; set; }

    public Guardian? Guardian { get; set; }

    public InvoiceStatus Status { get; set; }

    /// <summary>ISO 4217 code, the school's when the invoice was made.</summary>
    public required string Currency { get; set; }

    public DateOnly PeriodFrom { get; set; }

    public DateOnly PeriodTo { get; set; }

    public DateOnly? IssuedOn { get; set; }

    public DateOnly? DueOn { get; set; }

    public decimal Total { get; set; }

    public decimal Paid { get; set; }

    public string? Notes { get; set; }

    public DateTime? SentAt { get; set; }

    public DateTime? VoidedAt { get; set; }

    public string? VoidReason { get; set; }

    /// <summary>The voided invoice this one re-issues, if any.</summary>
    public int? ReplacesId { get; set; }

    public List<InvoiceLine> Lines { get; set; } = [];
}

/// <summary>One billed session of one student.</summary>
public sealed class InvoiceLine
{
    public int Id { get; set; }

    public int InvoiceId { get; set; }

    public Invoice? Invoice { get; set; }

    public int Position { get; set; }

    public int? SessionStudentId { get; set; }

    public int StudentId { get; set; }

    public Student? Student { get; set; }

    public DateOnly Date { get; set; }

    public required string Description { get; set; }

    public decimal Hours { get; set; }

    public decimal Rate { get; set; }

    public decimal Amount { get; set; }
}

/// <summary>Money received against an invoice; several partial payments may settle one.</summary>
public sealed class Payment : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public int InvoiceId { get; set; }

    public Invoice? Invoice { get; set; }

    public decimal Amount { get; set; }

    public DateOnly PaidOn { get; set; }

    public required string Method { get; set; }

    public string? Reference { get; set; }

    /// <summary>A client-generated id: recording the same payment again changes nothing.</summary>
    public Guid? ClientId { get; set; }

    public Guid? RecordedByUserId { get; set; }
}

/// <summary>The next invoice number of a school; taken and advanced in the transaction that sends an invoice.</summary>
public sealed class InvoiceCounter
{
    public int SchoolId { get; set; }

    public int NextNumber { get; set; } = 1;

    public Guid Version { get; set; }
}

internal sealed class TutoringRateConfiguration : IEntityTypeConfiguration<TutoringRate>
{
    public void Configure(EntityTypeBuilder<TutoringRate> b)
    {
        b.ToTable("TutoringRates");
        b.Property(x => x.Subject).HasMaxLength(100);
        b.Property(x => x.HourlyRate).HasPrecision(18, 2);
        b.HasIndex(x => new { x.SchoolId, x.StudentId, x.TutorId, x.Subject });
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Student).WithMany().HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Tutor).WithMany().HasForeignKey(x => x.TutorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> b)
    {
        b.ToTable("Invoices");
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Total).HasPrecision(18, 2);
        b.Property(x => x.Paid).HasPrecision(18, 2);
        b.Property(x => x.Notes).HasMaxLength(1000);
        b.Property(x => x.VoidReason).HasMaxLength(500);
        b.HasIndex(x => new { x.SchoolId, x.Number }).IsUnique();
        b.HasIndex(x => x.GuardianId);
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Guardian).WithMany().HasForeignKey(x => x.GuardianId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Invoice>().WithMany().HasForeignKey(x => x.ReplacesId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class InvoiceLineConfiguration : IEntityTypeConfiguration<InvoiceLine>
{
    public void Configure(EntityTypeBuilder<InvoiceLine> b)
    {
        b.ToTable("InvoiceLines");
        b.Property(x => x.Description).HasMaxLength(300);
        b.Property(x => x.Hours).HasPrecision(9, 2);
        b.Property(x => x.Rate).HasPrecision(18, 2);
        b.Property(x => x.Amount).HasPrecision(18, 2);
        b.HasIndex(x => x.InvoiceId);
        b.HasIndex(x => x.SessionStudentId);
        b.HasOne(x => x.Invoice).WithMany(x => x.Lines).HasForeignKey(x => x.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Student).WithMany().HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> b)
    {
        b.ToTable("Payments");
        b.Property(x => x.Amount).HasPrecision(18, 2);
        b.Property(x => x.Method).HasMaxLength(40);
        b.Property(x => x.Reference).HasMaxLength(100);
        b.HasIndex(x => x.InvoiceId);
        b.HasIndex(x => x.ClientId).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Invoice).WithMany().HasForeignKey(x => x.InvoiceId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class InvoiceCounterConfiguration : IEntityTypeConfiguration<InvoiceCounter>
{
    public void Configure(EntityTypeBuilder<InvoiceCounter> b)
    {
        b.ToTable("InvoiceCounters");
        b.HasKey(x => x.SchoolId);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Cascade);
    }
}
