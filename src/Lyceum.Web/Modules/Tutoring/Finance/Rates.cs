using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Finance;

/// <summary>A rate to set: any of student, tutor and subject (none of them: the school's default) and the price per hour.</summary>
public sealed record RateRequest(int? SchoolId, int? StudentId, int? TutorId, string? Subject, decimal? HourlyRate);

public sealed record RateOption(int Id, string Name);

public sealed record RateOptions(IReadOnlyList<RateOption> Students, IReadOnlyList<RateOption> Tutors);

public sealed record RateView(
    int Id, int SchoolId, int? StudentId, string? Student, int? TutorId, string? Tutor, string? Subject, decimal HourlyRate, string Currency, Guid Version);

/// <summary>
/// Tutoring rates (finance.view to read, finance.edit to change): a price per student per hour for a student, a tutor,
/// a subject, any combination of them, or none (the school's default). One rate per combination; the most specific
/// one that matches a session prices it when it is completed (<see cref="TutoringPricing"/>).
/// </summary>
public sealed class RatesHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access)
{
    public const decimal MaxHourlyRate = 100_000m;

    public async Task<Result<IReadOnlyList<RateView>>> ListAsync(Caller caller, int? schoolId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = access.Reachable(db.TutoringRates.AsNoTracking(), caller, Permissions.FinanceView);
        if (schoolId is { } school)
        {
            rows = rows.Where(r => r.SchoolId == school);
        }

        var items = await Views(db, rows).ToListAsync(cancellationToken);
        return items.OrderBy(r => r.SchoolId).ThenBy(r => Specificity(r)).ThenBy(r => r.Student).ThenBy(r => r.Tutor).ThenBy(r => r.Subject).ToList();
    }

    public async Task<Result<RateView>> GetAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadAsync(db, caller, id, cancellationToken) is { } view ? view : NotFound(id);
    }

    public async Task<Result<RateView>> CreateAsync(Caller caller, RateRequest request, CancellationToken cancellationToken)
    {
        var errors = Check(request);
        if (request.SchoolId is null)
        {
            errors.Add("schoolId", "This field is required.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var school = await FinanceAccess.SchoolAsync(access, db, caller, request.SchoolId!.Value, "schoolId", cancellationToken, Permissions.FinanceEdit, Permissions.FinanceView);
        if (!school.IsSuccess)
        {
            return school.Error!;
        }

        var rate = new TutoringRate { SchoolId = school.Value!.Id };
        if (await ApplyAsync(db, rate, request, cancellationToken) is { } error)
        {
            return error;
        }

        db.TutoringRates.Add(rate);
        await db.SaveChangesAsync(cancellationToken);
        return (await ReadAsync(db, caller, rate.Id, CancellationToken.None))!;
    }

    /// <summary>Replaces a rate's combination and price; <paramref name="ifMatch"/>, when given, must be its version.</summary>
    public async Task<Result<RateView>> UpdateAsync(Caller caller, int id, Guid? ifMatch, RateRequest request, CancellationToken cancellationToken)
    {
        var errors = Check(request);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rate = await Editable(db, caller).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rate is null)
        {
            return NotFound(id);
        }

        if (request.SchoolId is { } school && school != rate.SchoolId)
        {
            return Error.Field("schoolId", "A rate stays in its school: delete it and add one in the other school.");
        }

        if (ifMatch is { } version && version != rate.Version)
        {
            return new Error.PreconditionFailed("This rate has changed since you read it. Reload it and apply your change again.");
        }

        if (await ApplyAsync(db, rate, request, cancellationToken) is { } error)
        {
            return error;
        }

        await db.SaveChangesAsync(cancellationToken);
        return (await ReadAsync(db, caller, id, CancellationToken.None))!;
    }

    /// <summary>Deletes a rate: sessions already completed keep the price they were given.</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rate = await Editable(db, caller).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rate is null)
        {
            return NotFound(id);
        }

        db.TutoringRates.Remove(rate);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The school's current students and staff by name: what a rate may name.</summary>
    public async Task<RateOptions> OptionsAsync(Caller caller, int schoolId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!(await FinanceAccess.SchoolAsync(access, db, caller, schoolId, "schoolId", cancellationToken, Permissions.FinanceView)).IsSuccess)
        {
            return new RateOptions([], []);
        }

        var students = await db.Students.AsNoTracking().Where(s => s.SchoolId == schoolId && s.ArchivedAt == null)
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName)
            .Select(s => new RateOption(s.Id, s.LastName + ", " + s.FirstName)).ToListAsync(cancellationToken);
        var tutors = await db.Staff.AsNoTracking().Where(s => s.SchoolId == schoolId && s.ArchivedAt == null)
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName)
            .Select(s => new RateOption(s.Id, s.LastName + ", " + s.FirstName)).ToListAsync(cancellationToken);
        return new RateOptions(students, tutors);
    }

    private IQueryable<TutoringRate> Editable(LyceumDbContext db, Caller caller) =>
        access.Reachable(db.TutoringRates, caller, Permissions.FinanceEdit, Permissions.FinanceView);

    private static FieldErrors Check(RateRequest request)
    {
        var errors = new FieldErrors();
        FinanceAccess.CheckMoney(errors, "hourlyRate", request.HourlyRate, MaxHourlyRate, allowZero: true);
        errors.MaxLength("subject", request.Subject?.Trim(), 100);
        return errors;
    }

    /// <summary>Checks the student, tutor and uniqueness of the combination in the rate's school, then sets the fields.</summary>
    private static async Task<Error?> ApplyAsync(LyceumDbContext db, TutoringRate rate, RateRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var school = rate.SchoolId;
        if (request.StudentId is { } student && !await db.Students.AnyAsync(s => s.Id == student && s.SchoolId == school, cancellationToken))
        {
            errors.Add("studentId", $"There is no student {student} at this school.");
        }

        if (request.TutorId is { } tutor && !await db.Staff.AnyAsync(s => s.Id == tutor && s.SchoolId == school, cancellationToken))
        {
            errors.Add("tutorId", $"There is no member of staff {tutor} at this school.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var subject = TextInput.Blank(request.Subject);
        var lowered = subject?.ToLowerInvariant();
        var id = rate.Id;
        var duplicate = await db.TutoringRates.AsNoTracking()
            .Where(r => r.SchoolId == school && r.Id != id && r.StudentId == request.StudentId && r.TutorId == request.TutorId)
            .Where(r => lowered == null ? r.Subject == null : r.Subject != null && r.Subject.ToLower() == lowered)
            .Select(r => (int?)r.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (duplicate is { } other)
        {
            return new Error.Conflict(
                $"Rate {other} already prices this combination of student, tutor and subject: change that one instead.",
                new Dictionary<string, object?> { ["existingId"] = other });
        }

        rate.StudentId = request.StudentId;
        rate.TutorId = request.TutorId;
        rate.Subject = subject;
        rate.HourlyRate = request.HourlyRate!.Value;
        return null;
    }

    private async Task<RateView?> ReadAsync(LyceumDbContext db, Caller caller, int id, CancellationToken cancellationToken) =>
        await Views(db, access.Reachable(db.TutoringRates.AsNoTracking(), caller, Permissions.FinanceView).Where(r => r.Id == id)).FirstOrDefaultAsync(cancellationToken);

    private static IQueryable<RateView> Views(LyceumDbContext db, IQueryable<TutoringRate> rows) =>
        rows.Select(r => new RateView(
            r.Id, r.SchoolId, r.StudentId, r.Student == null ? null : r.Student.FirstName + " " + r.Student.LastName,
            r.TutorId, r.Tutor == null ? null : r.Tutor.FirstName + " " + r.Tutor.LastName, r.Subject, r.HourlyRate,
            db.Schools.Where(s => s.Id == r.SchoolId).Select(s => s.Currency).First(), r.Version));

    /// <summary>The default first, then the least specific: the order in which a reader builds up the price list.</summary>
    private static int Specificity(RateView r) => (r.StudentId != null ? 4 : 0) + (r.TutorId != null ? 2 : 0) + (r.Subject != null ? 1 : 0);

    private static Error.NotFound NotFound(int id) => new($"There is no rate {id}.");
}
