using Lyceum.Modules.Gradebook.Grading;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Gradebook.Scales;

public sealed record ScaleBandDto(string Label, decimal From, decimal To);

public sealed record ScaleView(
    int Id, int SchoolId, string Name, GradeScaleKind Kind, decimal PointsMax, int Decimals, bool IsDefault, bool Archived,
    IReadOnlyList<ScaleBandDto> Bands, Guid Version);

/// <summary>A scale to add or to replace: bands for a band scale (highest first), pointsMax for a points scale.</summary>
public sealed record ScaleRequest(int SchoolId, string? Name, GradeScaleKind Kind, IReadOnlyList<ScaleBandDto>? Bands, decimal? PointsMax, int? Decimals, bool IsDefault = false);

/// <summary>
/// A school's grading scales as records: listed for anyone who sees a gradebook of the school, changed by those who
/// configure it (school.configure). Each is checked by <see cref="GradingScale.Create"/>; a scale a gradebook uses
/// cannot be deleted (archive it instead).
/// </summary>
public sealed class GradeScalesHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access)
{
    public async Task<Result<IReadOnlyList<ScaleView>>> ListAsync(Caller caller, int? schoolId, bool includeArchived, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var schools = access.Reachable(db.Schools, caller, Permissions.SchoolView).Select(s => s.Id);
        var rows = await db.GradeScales.AsNoTracking().Include(s => s.Bands)
            .Where(s => schools.Contains(s.SchoolId) && (schoolId == null || s.SchoolId == schoolId) && (includeArchived || s.ArchivedAt == null))
            .OrderBy(s => s.SchoolId).ThenBy(s => s.Name)
            .ToListAsync(cancellationToken);
        return rows.Select(ToView).ToList();
    }

    public async Task<Result<ScaleView>> GetAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var schools = access.Reachable(db.Schools, caller, Permissions.SchoolView).Select(s => s.Id);
        var row = await db.GradeScales.AsNoTracking().Include(s => s.Bands).FirstOrDefaultAsync(s => s.Id == id && schools.Contains(s.SchoolId), cancellationToken);
        return row is null ? new Error.NotFound($"There is no grading scale {id}.") : ToView(row);
    }

    public async Task<Result<ScaleView>> CreateAsync(Caller caller, ScaleRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await CheckAsync(db, caller, request, null, cancellationToken) is { } error)
        {
            return error;
        }

        var row = new GradeScale { SchoolId = request.SchoolId, Name = request.Name!.Trim() };
        Apply(row, request);
        if (row.IsDefault)
        {
            await ClearDefaultAsync(db, request.SchoolId, null, cancellationToken);
        }

        db.GradeScales.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return ToView(row);
    }

    public async Task<Result<ScaleView>> EditAsync(Caller caller, int id, Guid version, ScaleRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var schools = access.Reachable(db.Schools, caller, Permissions.SchoolConfigure, Permissions.SchoolView).Select(s => s.Id);
        var row = await db.GradeScales.Include(s => s.Bands).FirstOrDefaultAsync(s => s.Id == id && schools.Contains(s.SchoolId), cancellationToken);
        if (row is null)
        {
            return new Error.NotFound($"There is no grading scale {id} you may change.");
        }

        if (row.Version != version)
        {
            return new Error.PreconditionFailed("The scale changed since you read it: read it again and redo your change.");
        }

        if (await CheckAsync(db, caller, request with { SchoolId = row.SchoolId }, id, cancellationToken) is { } error)
        {
            return error;
        }

        row.Name = request.Name!.Trim();
        db.GradeScaleBands.RemoveRange(row.Bands);
        row.Bands = [];
        Apply(row, request);
        if (row.IsDefault)
        {
            await ClearDefaultAsync(db, row.SchoolId, row.Id, cancellationToken);
        }

        if (db.Entry(row).State == EntityState.Unchanged && db.ChangeTracker.HasChanges())
        {
            // Only its bands changed: the scale still gets a new version, so a concurrent edit of it fails.
            db.Entry(row).Property(s => s.UpdatedAt).IsModified = true;
        }

        await db.SaveChangesAsync(cancellationToken);
        return ToView(row);
    }

    /// <summary>Deletes a scale no gradebook uses; one in use is 409 (archive it: gradebooks keep it, new ones cannot choose it).</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var schools = access.Reachable(db.Schools, caller, Permissions.SchoolConfigure, Permissions.SchoolView).Select(s => s.Id);
        var row = await db.GradeScales.Include(s => s.Bands).FirstOrDefaultAsync(s => s.Id == id && schools.Contains(s.SchoolId), cancellationToken);
        if (row is null)
        {
            return new Error.NotFound($"There is no grading scale {id} you may change.");
        }

        var users = await db.SectionGradebooks.CountAsync(g => g.ScaleId == id, cancellationToken);
        if (users > 0)
        {
            return new Error.Conflict($"{users} gradebook(s) use the scale \"{row.Name}\": choose another scale for them first, or archive it.");
        }

        db.GradeScales.Remove(row);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<Result<ScaleView>> ArchiveAsync(Caller caller, int id, bool archived, DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var schools = access.Reachable(db.Schools, caller, Permissions.SchoolConfigure, Permissions.SchoolView).Select(s => s.Id);
        var row = await db.GradeScales.Include(s => s.Bands).FirstOrDefaultAsync(s => s.Id == id && schools.Contains(s.SchoolId), cancellationToken);
        if (row is null)
        {
            return new Error.NotFound($"There is no grading scale {id} you may change.");
        }

        if (archived != (row.ArchivedAt is not null))
        {
            row.ArchivedAt = archived ? now : null;
            row.IsDefault = row.IsDefault && !archived;
            await db.SaveChangesAsync(cancellationToken);
        }

        return ToView(row);
    }

    /// <summary>The scale as the grading code uses it. Stored scales were validated when saved.</summary>
    public static GradingScale ToScale(GradeScale row)
    {
        var result = GradingScale.Create(row.Name, ToKind(row.Kind),
            [.. row.Bands.OrderBy(b => b.Position).Select(b => new ScaleBand(b.Label, b.From, b.To))], row.PointsMax, row.Decimals);
        return result.IsSuccess ? result.Value! : GradingScale.Percentage();
    }

    public static ScaleView ToView(GradeScale row) => new(
        row.Id, row.SchoolId, row.Name, row.Kind, row.PointsMax, row.Decimals, row.IsDefault, row.ArchivedAt is not null,
        [.. row.Bands.OrderBy(b => b.Position).Select(b => new ScaleBandDto(b.Label, b.From, b.To))], row.Version);

    private async Task<Error?> CheckAsync(LyceumDbContext db, Caller caller, ScaleRequest request, int? id, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (!await access.Reachable(db.Schools, caller, Permissions.SchoolConfigure, Permissions.SchoolView).AnyAsync(s => s.Id == request.SchoolId, cancellationToken))
        {
            errors.Add("schoolId", "No school with this id that you may configure.");
        }

        var made = GradingScale.Create(request.Name, ToKind(request.Kind),
            [.. (request.Bands ?? []).Select(b => new ScaleBand(b.Label, b.From, b.To))], request.PointsMax ?? 20m, request.Decimals ?? 0);
        if (!made.IsSuccess && made.Error is Error.Validation invalid)
        {
            foreach (var (field, messages) in invalid.Errors)
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }
        }

        if (!errors.Any && await db.GradeScales.AnyAsync(s => s.SchoolId == request.SchoolId && s.Name == request.Name!.Trim() && s.Id != id, cancellationToken))
        {
            errors.Add("name", "The school already has a scale of this name.");
        }

        return errors.Any ? errors.ToError() : null;
    }

    private static void Apply(GradeScale row, ScaleRequest request)
    {
        row.Kind = request.Kind;
        row.PointsMax = request.Kind == GradeScaleKind.Points ? request.PointsMax ?? 20m : 0m;
        row.Decimals = request.Decimals ?? (request.Kind == GradeScaleKind.Percentage ? 1 : 0);
        row.IsDefault = request.IsDefault;
        row.Bands = request.Kind == GradeScaleKind.Bands
            ? [.. (request.Bands ?? []).OrderByDescending(b => b.From).Select((b, i) => new GradeScaleBand { Position = i, Label = b.Label.Trim(), From = b.From, To = b.To })]
            : [];
    }

    private static async Task ClearDefaultAsync(LyceumDbContext db, int schoolId, int? except, CancellationToken cancellationToken)
    {
        foreach (var other in await db.GradeScales.Where(s => s.SchoolId == schoolId && s.IsDefault && s.Id != except).ToListAsync(cancellationToken))
        {
            other.IsDefault = false;
        }
    }

    private static ScaleKind ToKind(GradeScaleKind kind) => kind switch
    {
        GradeScaleKind.Bands => ScaleKind.Bands,
        GradeScaleKind.Points => ScaleKind.Points,
        _ => ScaleKind.Percentage,
    };
}

/// <summary>
/// The scales a school starts with (letters A–F ±, the default; percentage; 0–20; 9–1; pass/fail), all the school's
/// to edit. Added to a school without scales when its first gradebook is opened and at every start.
/// </summary>
public static class GradeScaleDefaults
{
    public static IReadOnlyList<GradeScale> For(int schoolId) =>
    [
        Row(schoolId, GradingScale.Letters(), GradeScaleKind.Bands, isDefault: true),
        Row(schoolId, GradingScale.Percentage(), GradeScaleKind.Percentage),
        Row(schoolId, GradingScale.ZeroToTwenty(), GradeScaleKind.Points),
        Row(schoolId, GradingScale.NineToOne(), GradeScaleKind.Bands),
        Row(schoolId, GradingScale.PassFail(), GradeScaleKind.Bands),
    ];

    /// <summary>Adds the defaults to a school without scales (archived ones count); saves.</summary>
    public static async Task EnsureAsync(LyceumDbContext db, int schoolId, CancellationToken cancellationToken)
    {
        if (!await db.GradeScales.AnyAsync(s => s.SchoolId == schoolId, cancellationToken))
        {
            db.GradeScales.AddRange(For(schoolId));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another request gave the school its scales at the same moment (the unique names refused ours): theirs stand.
                foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is GradeScale or GradeScaleBand && e.State == EntityState.Added).ToList())
                {
                    entry.State = EntityState.Detached;
                }
            }
        }
    }

    private static GradeScale Row(int schoolId, GradingScale scale, GradeScaleKind kind, bool isDefault = false) => new()
    {
        SchoolId = schoolId,
        Name = scale.Name,
        Kind = kind,
        PointsMax = kind == GradeScaleKind.Points ? scale.PointsMax : 0m,
        Decimals = scale.Decimals,
        IsDefault = isDefault,
        Bands = [.. scale.Bands.Select((b, i) => new GradeScaleBand { Position = i, Label = b.Label, From = b.From, To = b.To })],
    };
}

/// <summary>Gives every school without grading scales the defaults, at each start (idempotent).</summary>
public sealed class EnsureGradeScales(IDbContextFactory<LyceumDbContext> contexts) : Platform.Startup.IStartupTask
{
    public string Name => "grading scales";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var schools = await db.Schools.Where(s => !db.GradeScales.Any(g => g.SchoolId == s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);
        foreach (var school in schools)
        {
            await GradeScaleDefaults.EnsureAsync(db, school, cancellationToken);
        }
    }
}
