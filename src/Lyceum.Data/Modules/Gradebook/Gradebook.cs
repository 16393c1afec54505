using Lyceum.Modules.Academics;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Lyceum.Modules.Gradebook;

/// <summary>How a stored scale turns a percentage into a grade (mirrors the grading code's <c>ScaleKind</c>).</summary>
public enum GradeScaleKind
{
    Percentage,
    Bands,
    Points,
}

/// <summary>A school's grading scale: percentage, named bands (A–F, 9–1, pass/fail, custom) or points (0–20).</summary>
public sealed class GradeScale : Entity, IArchivable, ISchoolOwned
{
    public int SchoolId { get; set; }

    public required string Name { get; set; }

    public GradeScaleKind Kind { get; set; }

    /// <summary>The top of a points scale (20 for 0–20); 0 otherwise.</summary>
    public decimal PointsMax { get; set; }

    public int Decimals { get; set; }

    /// <summary>The scale a new gradebook of the school starts with.</summary>
    public bool IsDefault { get; set; }

    public List<GradeScaleBand> Bands { get; set; } = [];

    public DateTime? ArchivedAt { get; set; }
}

/// <summary>One band of a scale: <see cref="From"/> included, <see cref="To"/> not (except 100).</summary>
public sealed class GradeScaleBand
{
    public int Id { get; set; }

    public int ScaleId { get; set; }

    /// <summary>0 for the highest band.</summary>
    public int Position { get; set; }

    public required string Label { get; set; }

    public decimal From { get; set; }

    public decimal To { get; set; }
}

/// <summary>A section's gradebook settings: the scale its term grades use. Made when the gradebook is first set up.</summary>
public sealed class SectionGradebook : Entity
{
    public int SectionId { get; set; }

    public Section? Section { get; set; }

    public int ScaleId { get; set; }

    public GradeScale? Scale { get; set; }
}

/// <summary>A weighted group of a section's assessments ("Tests", 50): weights are relative shares, not percentages.</summary>
public sealed class AssessmentCategory : Entity
{
    public int SectionId { get; set; }

    public required string Name { get; set; }

    public decimal Weight { get; set; }

    /// <summary>How many of each student's lowest percentages in the category to leave out (never their last marked one); 0 for none.</summary>
    public int DropLowest { get; set; }

    public int Position { get; set; }
}

/// <summary>A piece of assessed work in a section: a test, a homework, a project.</summary>
public sealed class Assessment : Entity
{
    public int SectionId { get; set; }

    public Section? Section { get; set; }

    public int CategoryId { get; set; }

    public AssessmentCategory? Category { get; set; }

    /// <summary>The section's term, kept on the row so a student's work can be listed per term without the section.</summary>
    public int TermId { get; set; }

    public required string Title { get; set; }

    public DateOnly Date { get; set; }

    public decimal MaxPoints { get; set; }

    /// <summary>False for practice work shown to students but left out of the term grade.</summary>
    public bool Counts { get; set; } = true;

    /// <summary>When students and guardians were allowed to see its marks; null while unpublished.</summary>
    public DateTime? PublishedAt { get; set; }
}

/// <summary>How a student's work on an assessment stands.</summary>
public enum MarkStatus
{
    Scored,
    Late,
    Missing,
    Excused,
}

/// <summary>A student's mark for an assessment. One row per (assessment, student); no row means not marked yet.</summary>
public sealed class Mark : Entity
{
    public int AssessmentId { get; set; }

    public Assessment? Assessment { get; set; }

    public int StudentId { get; set; }

    public Student? Student { get; set; }

    public MarkStatus Status { get; set; }

    /// <summary>Points for scored and late work; null for missing and excused.</summary>
    public decimal? Points { get; set; }

    /// <summary>Who last changed it, as people read it.</summary>
    public string? By { get; set; }
}

/// <summary>
/// A student's term grade in a section beyond what the marks compute: an override (with its required reason), the
/// teacher's report comment, and what was published (a snapshot, so later marks do not change a published grade
/// unseen).
/// </summary>
public sealed class TermGrade : Entity
{
    public int SectionId { get; set; }

    public Section? Section { get; set; }

    public int StudentId { get; set; }

    public Student? Student { get; set; }

    /// <summary>A grade the teacher set by hand, a label of the section's scale; null to use the computed one.</summary>
    public string? OverrideGrade { get; set; }

    public string? OverrideReason { get; set; }

    /// <summary>The teacher's comment for the report card.</summary>
    public string? Comment { get; set; }

    public string? PublishedGrade { get; set; }

    public decimal? PublishedPercent { get; set; }

    public DateTime? PublishedAt { get; set; }
}

/// <summary>A school's report-card layout: heading, logo, what to include, and the signature lines.</summary>
public sealed class ReportCardTemplate : Entity, ISchoolOwned
{
    public int SchoolId { get; set; }

    public required string Title { get; set; }

    /// <summary>A PNG or JPEG shown at the top; the app's logo when null.</summary>
    public byte[]? Logo { get; set; }

    public bool ShowAttendance { get; set; } = true;

    public bool ShowComments { get; set; } = true;

    /// <summary>One signature line per entry, e.g. "Form tutor", "Head teacher", "Parent or guardian".</summary>
    public List<string> SignatureLines { get; set; } = [];

    public string? Footer { get; set; }
}

internal sealed class GradeScaleConfiguration : IEntityTypeConfiguration<GradeScale>
{
    public void Configure(EntityTypeBuilder<GradeScale> b)
    {
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(12);
        b.Property(x => x.PointsMax).HasPrecision(9, 2);
        b.HasIndex(x => new { x.SchoolId, x.Name }).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Bands).WithOne().HasForeignKey(x => x.ScaleId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GradeScaleBandConfiguration : IEntityTypeConfiguration<GradeScaleBand>
{
    public void Configure(EntityTypeBuilder<GradeScaleBand> b)
    {
        b.Property(x => x.Label).HasMaxLength(20);
        b.Property(x => x.From).HasPrecision(9, 4);
        b.Property(x => x.To).HasPrecision(9, 4);
        b.HasIndex(x => new { x.ScaleId, x.Position }).IsUnique();
    }
}

internal sealed class SectionGradebookConfiguration : IEntityTypeConfiguration<SectionGradebook>
{
    public void Configure(EntityTypeBuilder<SectionGradebook> b)
    {
        b.HasIndex(x => x.SectionId).IsUnique();
        b.HasOne(x => x.Section).WithMany().HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Scale).WithMany().HasForeignKey(x => x.ScaleId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AssessmentCategoryConfiguration : IEntityTypeConfiguration<AssessmentCategory>
{
    public void Configure(EntityTypeBuilder<AssessmentCategory> b)
    {
        b.Property(x => x.Name).HasMaxLength(60);
        b.Property(x => x.Weight).HasPrecision(9, 4);
        b.HasIndex(x => new { x.SectionId, x.Name }).IsUnique();
        b.HasOne<Section>().WithMany().HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AssessmentConfiguration : IEntityTypeConfiguration<Assessment>
{
    public void Configure(EntityTypeBuilder<Assessment> b)
    {
        b.Property(x => x.Title).HasMaxLength(120);
        b.Property(x => x.MaxPoints).HasPrecision(9, 2);
        b.HasIndex(x => new { x.SectionId, x.Date });
        b.HasIndex(x => x.TermId);
        b.HasOne(x => x.Section).WithMany().HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Cascade);
        // A category with assessments cannot be deleted: the handler says so first (409), the database guards it.
        b.HasOne(x => x.Category).WithMany().HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Term>().WithMany().HasForeignKey(x => x.TermId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MarkConfiguration : IEntityTypeConfiguration<Mark>
{
    public void Configure(EntityTypeBuilder<Mark> b)
    {
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Points).HasPrecision(9, 2);
        b.Property(x => x.By).HasMaxLength(200);
        b.HasIndex(x => new { x.AssessmentId, x.StudentId }).IsUnique();
        b.HasIndex(x => x.StudentId);
        b.HasOne(x => x.Assessment).WithMany().HasForeignKey(x => x.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Student).WithMany().HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TermGradeConfiguration : IEntityTypeConfiguration<TermGrade>
{
    public void Configure(EntityTypeBuilder<TermGrade> b)
    {
        b.Property(x => x.OverrideGrade).HasMaxLength(20);
        b.Property(x => x.OverrideReason).HasMaxLength(1000);
        b.Property(x => x.Comment).HasMaxLength(2000);
        b.Property(x => x.PublishedGrade).HasMaxLength(20);
        b.Property(x => x.PublishedPercent).HasPrecision(9, 4);
        b.HasIndex(x => new { x.SectionId, x.StudentId }).IsUnique();
        b.HasIndex(x => x.StudentId);
        b.HasOne(x => x.Section).WithMany().HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Student).WithMany().HasForeignKey(x => x.StudentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReportCardTemplateConfiguration : IEntityTypeConfiguration<ReportCardTemplate>
{
    public void Configure(EntityTypeBuilder<ReportCardTemplate> b)
    {
        b.Property(x => x.Title).HasMaxLength(120);
        b.Property(x => x.Footer).HasMaxLength(500);
        b.Property(x => x.Logo).HasMaxLength(512 * 1024);
        b.HasIndex(x => x.SchoolId).IsUnique();
        b.HasOne<School>().WithMany().HasForeignKey(x => x.SchoolId).OnDelete(DeleteBehavior.Restrict);
    }
}
