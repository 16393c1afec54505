using Lyceum.Modules.Gradebook.EnterMarks;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Gradebook.Setup;

public sealed record GradebookSettingsRequest(int ScaleId, Guid? Version);

public sealed record CategoryRequest(string? Name, decimal? Weight, int? DropLowest, int? Position);

public sealed record AssessmentRequest(string? Title, DateOnly? Date, decimal? MaxPoints, int? CategoryId, bool? Counts);

/// <summary>
/// Setting up a section's gradebook: its scale, its weighted categories and its assessments. Everything needs
/// grades.edit over the section. A category in use and an assessment's maximum below marks already given are refused
/// with the reason; nothing is half-saved.
/// </summary>
public sealed class GradebookSetupHandler(IDbContextFactory<LyceumDbContext> contexts, GradebookAccess access)
{
    public async Task<Result<GradebookSettingsRequest>> SetScaleAsync(Caller caller, int sectionId, GradebookSettingsRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var section = await access.SectionAsync(db, caller, sectionId, access.Editable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        if (!await db.GradeScales.AnyAsync(s => s.Id == request.ScaleId && s.SchoolId == section.Value!.SchoolId && s.ArchivedAt == null, cancellationToken))
        {
            return Error.Field("scaleId", "Not a live grading scale of the section's school.");
        }

        var settings = await EnsureAsync(db, section.Value!, cancellationToken);
        if (request.Version is { } version && settings.Version != version && settings.Id != 0)
        {
            return new Error.PreconditionFailed("The gradebook's settings changed since you read them.");
        }

        settings.ScaleId = request.ScaleId;
        await db.SaveChangesAsync(cancellationToken);
        return new GradebookSettingsRequest(settings.ScaleId, settings.Version);
    }

    public async Task<Result<CategoryView>> AddCategoryAsync(Caller caller, int sectionId, CategoryRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var section = await access.SectionAsync(db, caller, sectionId, access.Editable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        if (await CheckAsync(db, sectionId, null, request, cancellationToken) is { } error)
        {
            return error;
        }

        await EnsureAsync(db, section.Value!, cancellationToken);
        var position = request.Position ?? (await db.AssessmentCategories.Where(c => c.SectionId == sectionId).MaxAsync(c => (int?)c.Position, cancellationToken) ?? -1) + 1;
        var row = new AssessmentCategory { SectionId = sectionId, Name = request.Name!.Trim(), Weight = request.Weight!.Value, DropLowest = request.DropLowest ?? 0, Position = position };
        db.AssessmentCategories.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return View(row);
    }

    public async Task<Result<CategoryView>> EditCategoryAsync(Caller caller, int id, Guid version, CategoryRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.AssessmentCategories.FirstOrDefaultAsync(c => c.Id == id && access.Viewable(db, caller).Any(s => s.Id == c.SectionId), cancellationToken);
        if (row is null)
        {
            return new Error.NotFound($"There is no category {id} whose gradebook you may see.");
        }

        var section = await access.SectionAsync(db, caller, row.SectionId, access.Editable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        if (row.Version != version)
        {
            return new Error.PreconditionFailed("The category changed since you read it.");
        }

        if (await CheckAsync(db, row.SectionId, id, request, cancellationToken) is { } error)
        {
            return error;
        }

        row.Name = request.Name!.Trim();
        row.Weight = request.Weight!.Value;
        row.DropLowest = request.DropLowest ?? 0;
        row.Position = request.Position ?? row.Position;
        await db.SaveChangesAsync(cancellationToken);
        return View(row);
    }

    /// <summary>Deletes an empty category; one with assessments is 409 naming how many (move or delete them first).</summary>
    public async Task<Result<bool>> DeleteCategoryAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.AssessmentCategories.FirstOrDefaultAsync(c => c.Id == id && access.Viewable(db, caller).Any(s => s.Id == c.SectionId), cancellationToken);
        if (row is null)
        {
            return new Error.NotFound($"There is no category {id} whose gradebook you may see.");
        }

        var section = await access.SectionAsync(db, caller, row.SectionId, access.Editable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        var used = await db.Assessments.CountAsync(a => a.CategoryId == id, cancellationToken);
        if (used > 0)
        {
            return new Error.Conflict($"The category \"{row.Name}\" has {used} assessment(s): move them to another category or delete them first.");
        }

        db.AssessmentCategories.Remove(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // An assessment was added to it meanwhile: the foreign key refused the delete.
            return new Error.Conflict($"The category \"{row.Name}\" is in use: move its assessments to another category or delete them first.");
        }

        return true;
    }

    public async Task<Result<AssessmentView>> AddAssessmentAsync(Caller caller, int sectionId, AssessmentRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var section = await access.SectionAsync(db, caller, sectionId, access.Editable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        if (await CheckAsync(db, sectionId, null, request, cancellationToken) is { } error)
        {
            return error;
        }

        await EnsureAsync(db, section.Value!, cancellationToken);
        var row = new Assessment
        {
            SectionId = sectionId,
            TermId = section.Value!.TermId,
            Title = request.Title!.Trim(),
            Date = request.Date!.Value,
            MaxPoints = request.MaxPoints!.Value,
            CategoryId = request.CategoryId!.Value,
            Counts = request.Counts ?? true,
        };
        db.Assessments.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return View(row);
    }

    public async Task<Result<AssessmentView>> EditAssessmentAsync(Caller caller, int id, Guid version, AssessmentRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Assessments.FirstOrDefaultAsync(a => a.Id == id && access.Viewable(db, caller).Any(s => s.Id == a.SectionId), cancellationToken);
        if (row is null)
        {
            return new Error.NotFound($"There is no assessment {id} whose gradebook you may see.");
        }

        var section = await access.SectionAsync(db, caller, row.SectionId, access.Editable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        if (row.Version != version)
        {
            return new Error.PreconditionFailed("The assessment changed since you read it.");
        }

        if (await CheckAsync(db, row.SectionId, id, request, cancellationToken) is { } error)
        {
            return error;
        }

        row.Title = request.Title!.Trim();
        row.Date = request.Date!.Value;
        row.MaxPoints = request.MaxPoints!.Value;
        row.CategoryId = request.CategoryId!.Value;
        row.Counts = request.Counts ?? row.Counts;
        await db.SaveChangesAsync(cancellationToken);
        return View(row);
    }

    /// <summary>Deletes an assessment and its marks (each mark's deletion is in the audit trail).</summary>
    public async Task<Result<bool>> DeleteAssessmentAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Assessments.FirstOrDefaultAsync(a => a.Id == id && access.Viewable(db, caller).Any(s => s.Id == a.SectionId), cancellationToken);
        if (row is null)
        {
            return new Error.NotFound($"There is no assessment {id} whose gradebook you may see.");
        }

        var section = await access.SectionAsync(db, caller, row.SectionId, access.Editable, cancellationToken);
        if (!section.IsSuccess)
        {
            return section.Error!;
        }

        db.Marks.RemoveRange(await db.Marks.Where(m => m.AssessmentId == id).ToListAsync(cancellationToken));
        db.Assessments.Remove(row);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public static CategoryView View(AssessmentCategory c) => new(c.Id, c.Name, c.Weight, c.DropLowest, 0m, c.Version);

    public static AssessmentView View(Assessment a) => new(a.Id, a.CategoryId, a.Title, a.Date, a.MaxPoints, a.Counts, a.PublishedAt, 0, null, a.Version);

    /// <summary>The section's settings row, made with the school's default scale when the gradebook is first set up.</summary>
    private static async Task<SectionGradebook> EnsureAsync(LyceumDbContext db, GradebookSection section, CancellationToken cancellationToken)
    {
        var settings = await db.SectionGradebooks.FirstOrDefaultAsync(g => g.SectionId == section.Id, cancellationToken);
        if (settings is null)
        {
            var scale = await GradebookReader.ScaleAsync(db, section.Id, section.SchoolId, cancellationToken);
            settings = new SectionGradebook { SectionId = section.Id, ScaleId = scale.Id };
            db.SectionGradebooks.Add(settings);
            try
            {
                // Saved at once, so that two first changes of a new gradebook at the same moment share one settings row.
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                db.Entry(settings).State = EntityState.Detached;
                settings = await db.SectionGradebooks.FirstAsync(g => g.SectionId == section.Id, cancellationToken);
            }
        }

        return settings;
    }

    private static async Task<Error?> CheckAsync(LyceumDbContext db, int sectionId, int? id, CategoryRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Required("name", request.Name);
        errors.MaxLength("name", request.Name?.Trim(), 60);
        if (request.Weight is null)
        {
            errors.Add("weight", "This field is required.");
        }
        else if (request.Weight < 0 || request.Weight > 1000)
        {
            errors.Add("weight", "Must be between 0 and 1000: weights are relative shares (20, 50, 30 or 2, 5, 3 alike).");
        }

        if (request.DropLowest is < 0 or > 10)
        {
            errors.Add("dropLowest", "Must be between 0 and 10.");
        }

        if (!errors.Any && await db.AssessmentCategories.AnyAsync(c => c.SectionId == sectionId && c.Name == request.Name!.Trim() && c.Id != id, cancellationToken))
        {
            errors.Add("name", "The section already has a category of this name.");
        }

        return errors.Any ? errors.ToError() : null;
    }

    private static async Task<Error?> CheckAsync(LyceumDbContext db, int sectionId, int? id, AssessmentRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Required("title", request.Title);
        errors.MaxLength("title", request.Title?.Trim(), 120);
        if (request.Date is null)
        {
            errors.Add("date", "This field is required.");
        }

        if (request.MaxPoints is null)
        {
            errors.Add("maxPoints", "This field is required.");
        }
        else if (request.MaxPoints <= 0 || request.MaxPoints > 10000)
        {
            errors.Add("maxPoints", "Must be more than 0 and at most 10000.");
        }
        else if (decimal.Round(request.MaxPoints.Value, 2) != request.MaxPoints)
        {
            errors.Add("maxPoints", "At most two decimals.");
        }
        else if (id is not null)
        {
            var above = await db.Marks.CountAsync(m => m.AssessmentId == id && m.Points > request.MaxPoints, cancellationToken);
            if (above > 0)
            {
                errors.Add("maxPoints", $"{above} mark(s) are above {request.MaxPoints}: change them first.");
            }
        }

        if (request.CategoryId is null)
        {
            errors.Add("categoryId", "This field is required.");
        }
        else if (!await db.AssessmentCategories.AnyAsync(c => c.Id == request.CategoryId && c.SectionId == sectionId, cancellationToken))
        {
            errors.Add("categoryId", "Not a category of this section.");
        }

        return errors.Any ? errors.ToError() : null;
    }
}
