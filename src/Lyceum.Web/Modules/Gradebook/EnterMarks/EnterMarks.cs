using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Gradebook.EnterMarks;

/// <summary>
/// One cell of the grid. <see cref="Status"/> and <see cref="Points"/> both null clears the cell; points alone mean
/// scored. <see cref="Version"/> is the version the client last read (null: it saw no mark), so a cell someone else
/// changed meanwhile is a conflict, never overwritten.
/// </summary>
public sealed record MarkInput(int AssessmentId, int StudentId, MarkStatus? Status, decimal? Points, Guid? Version);

public sealed record SaveMarksRequest(IReadOnlyList<MarkInput>? Marks);

/// <summary>A cell as stored after the save (null version: cleared).</summary>
public sealed record SavedMark(int AssessmentId, int StudentId, MarkStatus? Status, decimal? Points, string? By, Guid? Version);

public sealed record SaveMarksResult(int Changed, IReadOnlyList<SavedMark> Marks);

/// <summary>A section whose gradebook the caller reaches, for the list of gradebooks.</summary>
public sealed record GradebookListItem(int SectionId, string Section, string Course, string Term, DateOnly TermStart, DateOnly TermEnd, string Teacher, int Students, int Assessments, bool Editable);

/// <summary>
/// A section's gradebook: read it (with term grades computed) and save cells of the grid. A save is all or nothing:
/// one bad cell (points above the maximum, a student not in the class, an assessment of another section) refuses the
/// whole batch with the cell named (<c>marks[3].points</c>), and one cell changed by someone else since it was read
/// refuses it with 409 and every such cell's current value, so two teachers never silently overwrite each other.
/// </summary>
public sealed class GradebookHandler(IDbContextFactory<LyceumDbContext> contexts, GradebookAccess access)
{
    public const int MaxCellsPerSave = 2000;

    public async Task<Result<GradebookView>> GetAsync(Caller caller, int sectionId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var section = await access.SectionAsync(db, caller, sectionId, null, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        var canEdit = await access.Editable(db, caller).AnyAsync(s => s.Id == sectionId, cancellationToken);
        var canPublish = await access.Publishable(db, caller).AnyAsync(s => s.Id == sectionId, cancellationToken);
        return await GradebookReader.ReadAsync(db, section.Value!, canEdit, canPublish, cancellationToken);
    }

    /// <summary>The live sections whose gradebook the caller reaches: terms running on <paramref name="today"/> first, then the latest.</summary>
    public async Task<IReadOnlyList<GradebookListItem>> ListAsync(Caller caller, DateOnly today, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var editable = access.Editable(db, caller).Select(s => s.Id);
        var rows = await access.Viewable(db, caller).AsNoTracking().Where(s => s.ArchivedAt == null)
            .Select(s => new
            {
                s.Id,
                s.Name,
                Course = s.Course!.Name,
                Term = s.Term!.Name,
                s.Term.StartDate,
                s.Term.EndDate,
                Teacher = s.Teacher!.Title == null ? s.Teacher.FirstName + " " + s.Teacher.LastName : s.Teacher.Title + " " + s.Teacher.LastName,
                Students = s.Enrollments.Count(e => e.WithdrawnOn == null),
                Assessments = db.Assessments.Count(a => a.SectionId == s.Id),
                Editable = editable.Contains(s.Id),
            })
            .ToListAsync(cancellationToken);
        return [.. rows
            .OrderByDescending(r => r.StartDate <= today && r.EndDate >= today).ThenByDescending(r => r.StartDate)
            .ThenBy(r => r.Course, StringComparer.CurrentCulture).ThenBy(r => r.Name, StringComparer.CurrentCulture)
            .Select(r => new GradebookListItem(r.Id, r.Name, r.Course, r.Term, r.StartDate, r.EndDate, r.Teacher, r.Students, r.Assessments, r.Editable))];
    }

    public async Task<Result<SaveMarksResult>> SaveAsync(Caller caller, int sectionId, SaveMarksRequest request, CancellationToken cancellationToken)
    {
        var cells = request.Marks ?? [];
        if (cells.Count == 0)
        {
            return Error.Field("marks", "Send at least one mark.");
        }

        if (cells.Count > MaxCellsPerSave)
        {
            return Error.Field("marks", $"At most {MaxCellsPerSave} marks in one save.");
        }

        // Two first saves of the same empty cell race on its unique index: the loser reads again and then sees a conflict
        // (or the same value: unchanged).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TrySaveAsync(caller, sectionId, cells, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
            }
        }
    }

    private async Task<Result<SaveMarksResult>> TrySaveAsync(Caller caller, int sectionId, IReadOnlyList<MarkInput> cells, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var section = await access.SectionAsync(db, caller, sectionId, access.Editable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        var assessments = await db.Assessments.AsNoTracking().Where(a => a.SectionId == sectionId)
            .ToDictionaryAsync(a => a.Id, a => a.MaxPoints, cancellationToken);
        var students = (await db.Enrollments.AsNoTracking().Where(e => e.SectionId == sectionId && e.WithdrawnOn == null)
            .Select(e => e.StudentId).ToListAsync(cancellationToken)).ToHashSet();

        var errors = new FieldErrors();
        var seen = new HashSet<(int, int)>();
        for (var i = 0; i < cells.Count; i++)
        {
            Check(cells[i], $"marks[{i}]", assessments, students, seen, errors);
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var assessmentIds = cells.Select(c => c.AssessmentId).Distinct().ToList();
        var studentIds = cells.Select(c => c.StudentId).Distinct().ToList();
        var stored = (await db.Marks.Where(m => assessmentIds.Contains(m.AssessmentId) && studentIds.Contains(m.StudentId)).ToListAsync(cancellationToken))
            .ToDictionary(m => (m.AssessmentId, m.StudentId));

        var conflicts = new List<SavedMark>();
        var changed = 0;
        foreach (var cell in cells)
        {
            var (status, points) = Normalise(cell);
            stored.TryGetValue((cell.AssessmentId, cell.StudentId), out var mark);
            if (mark is not null && mark.Status == status && mark.Points == points)
            {
                continue; // already so: a retry, or both teachers typed the same
            }

            if (mark is null && status is null)
            {
                continue;
            }

            if (mark?.Version != cell.Version)
            {
                conflicts.Add(new SavedMark(cell.AssessmentId, cell.StudentId, mark?.Status, mark?.Points, mark?.By, mark?.Version));
                continue;
            }

            changed++;
            if (status is null)
            {
                db.Marks.Remove(mark!);
                stored.Remove((cell.AssessmentId, cell.StudentId));
            }
            else if (mark is null)
            {
                mark = new Mark { AssessmentId = cell.AssessmentId, StudentId = cell.StudentId, Status = status.Value, Points = points, By = caller.DisplayName };
                db.Marks.Add(mark);
                stored[(cell.AssessmentId, cell.StudentId)] = mark;
            }
            else
            {
                mark.Status = status.Value;
                mark.Points = points;
                mark.By = caller.DisplayName;
            }
        }

        if (conflicts.Count > 0)
        {
            return new Error.Conflict(
                $"{conflicts.Count} mark(s) were changed by someone else since you read them; nothing was saved. The current values are in 'conflicts'.",
                new Dictionary<string, object?> { ["conflicts"] = conflicts });
        }

        if (changed > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return new SaveMarksResult(changed, [.. cells.Select(c =>
            stored.TryGetValue((c.AssessmentId, c.StudentId), out var m)
                ? new SavedMark(m.AssessmentId, m.StudentId, m.Status, m.Points, m.By, m.Version)
                : new SavedMark(c.AssessmentId, c.StudentId, null, null, null, null))]);
    }

    /// <summary>What a cell stores: no status and no points clear it; points alone are scored; missing and excused carry no points.</summary>
    private static (MarkStatus? Status, decimal? Points) Normalise(MarkInput cell) => cell.Status switch
    {
        null when cell.Points is null => (null, null),
        null => (MarkStatus.Scored, cell.Points),
        MarkStatus.Missing or MarkStatus.Excused => (cell.Status, null),
        _ => (cell.Status, cell.Points),
    };

    private static void Check(MarkInput cell, string at, Dictionary<int, decimal> assessments, HashSet<int> students, HashSet<(int, int)> seen, FieldErrors errors)
    {
        if (!assessments.TryGetValue(cell.AssessmentId, out var max))
        {
            errors.Add($"{at}.assessmentId", "Not an assessment of this section.");
        }

        if (!students.Contains(cell.StudentId))
        {
            errors.Add($"{at}.studentId", "Not a student of this section.");
        }

        if (!seen.Add((cell.AssessmentId, cell.StudentId)))
        {
            errors.Add(at, "The same cell appears twice in this save.");
        }

        switch (cell.Status)
        {
            case MarkStatus.Scored or MarkStatus.Late when cell.Points is null:
                errors.Add($"{at}.points", "Scored and late work need points.");
                break;
            case MarkStatus.Missing or MarkStatus.Excused when cell.Points is not null:
                errors.Add($"{at}.points", "Missing and excused work carries no points.");
                break;
        }

        if (cell.Points is { } points && assessments.ContainsKey(cell.AssessmentId))
        {
            if (points < 0)
            {
                errors.Add($"{at}.points", "Must be 0 or more.");
            }
            else if (points > max)
            {
                errors.Add($"{at}.points", $"Must be at most {max.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}, the assessment's maximum.");
            }
            else if (decimal.Round(points, 2) != points)
            {
                errors.Add($"{at}.points", "At most two decimals.");
            }
        }
    }
}
