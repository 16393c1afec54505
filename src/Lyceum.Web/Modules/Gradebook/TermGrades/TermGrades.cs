using System.Globalization;
using Lyceum.Modules.Gradebook.EnterMarks;
using Lyceum.Modules.Gradebook.Grading;
using Lyceum.Modules.Gradebook.Scales;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Gradebook.TermGrades;

/// <summary>
/// A term grade set by hand (a grade of the section's scale, with the reason, which is required) and the teacher's
/// report comment. <see cref="OverrideGrade"/> null returns to the computed grade. <see cref="Version"/>: the stored
/// row's version as read (null when there was none), so two teachers cannot overwrite each other's comment.
/// </summary>
public sealed record TermGradeRequest(string? OverrideGrade, string? OverrideReason, string? Comment, Guid? Version);

/// <summary>Publish term grades: every student's of the section, or only these.</summary>
public sealed record PublishTermGradesRequest(IReadOnlyList<int>? StudentIds);

public sealed record PublishResult(int Published, int Unchanged);

/// <summary>
/// Term grades (override with its reason, comment) and publishing: an assessment's marks and a section's term grades
/// become visible to students and guardians only when published, and each publication writes an outbox event per
/// student (the student's and their guardians' accounts are notified) in the same transaction.
/// </summary>
public sealed class TermGradesHandler(IDbContextFactory<LyceumDbContext> contexts, GradebookAccess access, TimeProvider clock)
{
    public async Task<Result<TermGradeView>> SetAsync(Caller caller, int sectionId, int studentId, TermGradeRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var section = await access.SectionAsync(db, caller, sectionId, access.Editable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        if (!await db.Enrollments.AnyAsync(e => e.SectionId == sectionId && e.StudentId == studentId && e.WithdrawnOn == null, cancellationToken))
        {
            return new Error.NotFound($"Student {studentId} is not in {section.Value!.Name}.");
        }

        var scale = GradeScalesHandler.ToScale(await GradebookReader.ScaleAsync(db, sectionId, section.Value!.SchoolId, cancellationToken));
        var errors = new FieldErrors();
        var grade = TextInput.Blank(request.OverrideGrade);
        var reason = TextInput.Blank(request.OverrideReason);
        var comment = TextInput.Blank(request.Comment);
        if (grade is not null)
        {
            if (Normalise(scale, grade) is { } valid)
            {
                grade = valid;
            }
            else
            {
                errors.Add("overrideGrade", Allowed(scale));
            }

            if (reason is null)
            {
                errors.Add("overrideReason", "Say why the grade is set by hand: the reason is kept with it.");
            }
        }

        errors.MaxLength("overrideReason", reason, 1000);
        errors.MaxLength("comment", comment, 2000);
        if (errors.Any)
        {
            return errors.ToError();
        }

        var row = await db.TermGrades.FirstOrDefaultAsync(t => t.SectionId == sectionId && t.StudentId == studentId, cancellationToken);
        if (row?.Version != request.Version)
        {
            return new Error.Conflict("Someone changed this term grade since you read it: read it again and redo your change.");
        }

        if (row is null)
        {
            row = new TermGrade { SectionId = sectionId, StudentId = studentId };
            db.TermGrades.Add(row);
        }

        row.OverrideGrade = grade;
        row.OverrideReason = grade is null ? null : reason;
        row.Comment = comment;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another save made this term grade (its unique index) or changed it (its version) since we read it.
            return new Error.Conflict("Someone changed this term grade since you read it: read it again and redo your change.");
        }

        return await ViewAsync(db, sectionId, studentId, scale, cancellationToken);
    }

    /// <summary>Publishes an assessment's marks (idempotent: publishing again changes and sends nothing).</summary>
    public async Task<Result<AssessmentView>> PublishAssessmentAsync(Caller caller, int assessmentId, bool publish, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Assessments.FirstOrDefaultAsync(a => a.Id == assessmentId && access.Viewable(db, caller).Any(s => s.Id == a.SectionId), cancellationToken);
        if (row is null)
        {
            return new Error.NotFound($"There is no assessment {assessmentId} whose gradebook you may see.");
        }

        var section = await access.SectionAsync(db, caller, row.SectionId, access.Publishable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        if (publish == (row.PublishedAt is not null))
        {
            return Setup.GradebookSetupHandler.View(row);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        row.PublishedAt = publish ? now : null;
        if (publish)
        {
            var marks = await db.Marks.AsNoTracking().Where(m => m.AssessmentId == assessmentId).ToListAsync(cancellationToken);
            var recipients = await RecipientsAsync(db, [.. marks.Select(m => m.StudentId)], cancellationToken);
            foreach (var mark in marks)
            {
                var student = recipients.Names[mark.StudentId];
                var result = mark.Status switch
                {
                    MarkStatus.Missing => "missing",
                    MarkStatus.Excused => "excused",
                    _ => string.Create(CultureInfo.InvariantCulture, $"{mark.Points:0.##} / {row.MaxPoints:0.##}") + (mark.Status == MarkStatus.Late ? " (late)" : ""),
                };
                Outbox.Add(db, now, EventTypes.GradePublished,
                    new { assessmentId, sectionId = row.SectionId, section.Value!.SchoolId, studentId = mark.StudentId, title = row.Title, status = mark.Status, points = mark.Points, maxPoints = row.MaxPoints },
                    section.Value!.SchoolId,
                    recipients.Accounts[mark.StudentId].Select(user => new NotificationDraft(
                        user, $"New mark for {student}: {row.Title}", $"{section.Value.Course} ({section.Value.Name}): {result}.", $"/students/{mark.StudentId}?tab=grades")));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return Setup.GradebookSetupHandler.View(row);
    }

    /// <summary>
    /// Publishes the term grades that stand now (override or computed) as a snapshot: students and guardians see the
    /// snapshot, so later marks do not change a published grade unseen. A grade published already and unchanged is left
    /// as it is, with no second notification.
    /// </summary>
    public async Task<Result<PublishResult>> PublishTermGradesAsync(Caller caller, int sectionId, PublishTermGradesRequest request, CancellationToken cancellationToken)
    {
        // Two publications at once both make a student's first term-grade row (or change the same one): the loser
        // reads again, finds the grades published and unchanged, and sends nothing.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryPublishTermGradesAsync(caller, sectionId, request, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
            }
        }
    }

    private async Task<Result<PublishResult>> TryPublishTermGradesAsync(Caller caller, int sectionId, PublishTermGradesRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var section = await access.SectionAsync(db, caller, sectionId, access.Publishable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        var view = await GradebookReader.ReadAsync(db, section.Value!, false, true, cancellationToken);
        var wanted = request.StudentIds is { } ids ? ids.ToHashSet() : null;
        if (wanted is not null && wanted.Except(view.Students.Select(s => s.Id)).FirstOrDefault() is var stray && stray != 0)
        {
            return Error.Field("studentIds", $"Student {stray} is not in {section.Value!.Name}.");
        }

        var rows = await db.TermGrades.Where(t => t.SectionId == sectionId).ToDictionaryAsync(t => t.StudentId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var toPublish = view.Students.Where(s => (wanted is null || wanted.Contains(s.Id)) && s.Term.Grade is not null).ToList();
        var recipients = await RecipientsAsync(db, [.. toPublish.Select(s => s.Id)], cancellationToken);
        var published = 0;
        foreach (var student in toPublish)
        {
            if (!rows.TryGetValue(student.Id, out var row))
            {
                row = new TermGrade { SectionId = sectionId, StudentId = student.Id };
                db.TermGrades.Add(row);
            }

            var percent = student.Term.OverrideGrade is null ? student.Term.Percent : null;
            if (row.PublishedAt is not null && row.PublishedGrade == student.Term.Grade && row.PublishedPercent == percent)
            {
                continue;
            }

            row.PublishedGrade = student.Term.Grade;
            row.PublishedPercent = percent;
            row.PublishedAt = now;
            published++;
            var name = recipients.Names[student.Id];
            Outbox.Add(db, now, EventTypes.TermGradePublished,
                new { sectionId, section.Value!.SchoolId, studentId = student.Id, grade = row.PublishedGrade, percent = row.PublishedPercent },
                section.Value!.SchoolId,
                recipients.Accounts[student.Id].Select(user => new NotificationDraft(
                    user, $"Term grade for {name}: {section.Value.Course}", $"{section.Value.Course} ({section.Value.Name}): {row.PublishedGrade}.", $"/students/{student.Id}?tab=grades")));
        }

        await db.SaveChangesAsync(cancellationToken);
        return new PublishResult(published, toPublish.Count - published);
    }

    /// <summary>Takes a section's published term grades back from students and guardians.</summary>
    public async Task<Result<PublishResult>> UnpublishTermGradesAsync(Caller caller, int sectionId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var section = await access.SectionAsync(db, caller, sectionId, access.Publishable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        var rows = await db.TermGrades.Where(t => t.SectionId == sectionId && t.PublishedAt != null).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            (row.PublishedAt, row.PublishedGrade, row.PublishedPercent) = (null, null, null);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new PublishResult(rows.Count, 0);
    }

    /// <summary>A grade as the scale writes it, or null when the scale has no such grade.</summary>
    public static string? Normalise(GradingScale scale, string grade)
    {
        switch (scale.Kind)
        {
            case ScaleKind.Bands:
                return scale.Bands.FirstOrDefault(b => string.Equals(b.Label, grade.Trim(), StringComparison.OrdinalIgnoreCase))?.Label;
            default:
                var top = scale.Kind == ScaleKind.Points ? scale.PointsMax : 100m;
                return decimal.TryParse(grade.Trim().TrimEnd('%'), NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
                       && n >= 0 && n <= top && decimal.Round(n, scale.Decimals) == n
                    ? n.ToString(CultureInfo.InvariantCulture) + (scale.Kind == ScaleKind.Percentage ? "%" : "")
                    : null;
        }
    }

    private static string Allowed(GradingScale scale) => scale.Kind switch
    {
        ScaleKind.Bands => $"Not a grade of the scale \"{scale.Name}\": one of {string.Join(", ", scale.Bands.Select(b => b.Label))}.",
        ScaleKind.Points => string.Create(CultureInfo.InvariantCulture, $"Must be a number from 0 to {scale.PointsMax:0.##} with at most {scale.Decimals} decimals."),
        _ => $"Must be a percentage from 0 to 100 with at most {scale.Decimals} decimals.",
    };

    private static async Task<TermGradeView> ViewAsync(LyceumDbContext db, int sectionId, int studentId, GradingScale scale, CancellationToken cancellationToken)
    {
        var categories = await db.AssessmentCategories.AsNoTracking().Where(c => c.SectionId == sectionId).ToListAsync(cancellationToken);
        var assessments = await db.Assessments.AsNoTracking().Where(a => a.SectionId == sectionId).ToListAsync(cancellationToken);
        var marks = await db.Marks.AsNoTracking().Where(m => m.StudentId == studentId && m.Assessment!.SectionId == sectionId).ToListAsync(cancellationToken);
        var stored = await db.TermGrades.AsNoTracking().FirstOrDefaultAsync(t => t.SectionId == sectionId && t.StudentId == studentId, cancellationToken);
        return GradebookReader.Term([.. categories.Select(GradebookReader.ToCalc)], [.. assessments.Select(GradebookReader.ToCalc)], marks, stored, scale);
    }

    private static async Task<(Dictionary<int, string> Names, ILookup<int, Guid> Accounts)> RecipientsAsync(
        LyceumDbContext db, IReadOnlyCollection<int> studentIds, CancellationToken cancellationToken)
    {
        var students = await db.Students.AsNoTracking().Where(s => studentIds.Contains(s.Id))
            .Select(s => new { s.Id, Name = s.PreferredName ?? s.FirstName, s.UserId }).ToListAsync(cancellationToken);
        var guardians = await Outbox.GuardianAccountsAsync(db, studentIds, cancellationToken);
        var accounts = students
            .SelectMany(s => guardians[s.Id].Concat(s.UserId is { } own ? [own] : []).Distinct().Select(user => (s.Id, user)))
            .ToLookup(x => x.Id, x => x.user);
        return (students.ToDictionary(s => s.Id, s => s.Name), accounts);
    }
}
