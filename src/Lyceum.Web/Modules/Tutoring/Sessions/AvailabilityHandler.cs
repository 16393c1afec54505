using Lyceum.Modules.Schools;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Sessions;

public sealed record AvailabilityWindow(DayOfWeek Day, TimeOnly Start, TimeOnly End);

public sealed record AvailabilityException(DateOnly Date, TimeOnly? Start = null, TimeOnly? End = null, bool Available = false, string? Reason = null);

/// <summary>A tutor's weekly windows and the days that differ. No windows means "any time" (only days away count).</summary>
public sealed record AvailabilityView(int TutorId, string Tutor, IReadOnlyList<AvailabilityWindow> Windows, IReadOnlyList<AvailabilityException> Exceptions);

public sealed record AvailabilityRequest(IReadOnlyList<AvailabilityWindow>? Windows, IReadOnlyList<AvailabilityException>? Exceptions);

/// <summary>
/// Tutor availability: read by whoever sees the tutor's calendar (sessions.view at the school, or the tutor), replaced
/// whole by a coordinator (sessions.edit) or by the tutor themself. Bookings outside it are clashes
/// (<see cref="SessionClashes"/>).
/// </summary>
public sealed class AvailabilityHandler(IDbContextFactory<LyceumDbContext> contexts, TimeProvider clock)
{
    public const int MaxWindows = 50;
    public const int MaxExceptions = 200;

    public async Task<Result<AvailabilityView>> GetAsync(Caller caller, int tutorId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tutor = await TutorAsync(db, tutorId, cancellationToken);
        if (tutor is null || !TutoringSessionsHandler.MayAct(caller, Permissions.SessionsView, tutor.SchoolId, tutor.UserId))
        {
            return NotFound(tutorId);
        }

        return await ReadAsync(db, tutorId, tutor.Name, cancellationToken);
    }

    public async Task<Result<AvailabilityView>> SetAsync(Caller caller, int tutorId, AvailabilityRequest r, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tutor = await TutorAsync(db, tutorId, cancellationToken);
        if (tutor is null || !TutoringSessionsHandler.MayAct(caller, Permissions.SessionsView, tutor.SchoolId, tutor.UserId))
        {
            return NotFound(tutorId);
        }

        var own = tutor.UserId is not null && tutor.UserId == caller.UserId;
        if (!own && !TutoringSessionsHandler.MayAct(caller, Permissions.SessionsEdit, tutor.SchoolId, null))
        {
            return new Error.Forbidden("Your role may not change this tutor's availability: the tutor or a coordinator does.");
        }

        var errors = new FieldErrors();
        var windows = r.Windows ?? [];
        var exceptions = r.Exceptions ?? [];
        if (windows.Count > MaxWindows)
        {
            errors.Add("windows", $"At most {MaxWindows} windows.");
        }

        if (exceptions.Count > MaxExceptions)
        {
            errors.Add("exceptions", $"At most {MaxExceptions} exceptions.");
        }

        for (var i = 0; i < windows.Count; i++)
        {
            var w = windows[i];
            if (w is null || !Enum.IsDefined(w.Day))
            {
                errors.Add($"windows[{i}].day", "Must be a day of the week, such as Tuesday.");
            }
            else if (w.End <= w.Start)
            {
                errors.Add($"windows[{i}].end", "Must be after the start.");
            }
            else if (windows.Take(i).Any(o => o is not null && o.Day == w.Day && o.Start < w.End && o.End > w.Start))
            {
                errors.Add($"windows[{i}]", $"Overlaps another window on {w.Day}.");
            }
        }

        var today = await clock.TodayAtAsync(db, tutor.SchoolId, cancellationToken);
        for (var i = 0; i < exceptions.Count; i++)
        {
            var e = exceptions[i];
            if (e is null)
            {
                errors.Add($"exceptions[{i}]", "This field is required.");
                continue;
            }

            if (e.Start is null != e.End is null)
            {
                errors.Add($"exceptions[{i}].end", "Give both a start and an end, or neither (the whole day).");
            }
            else if (e.Start is { } from && e.End is { } to && to <= from)
            {
                errors.Add($"exceptions[{i}].end", "Must be after the start.");
            }
            else if (e.Available && e.Start is null)
            {
                errors.Add($"exceptions[{i}].start", "An extra available time needs a start and an end.");
            }

            if (e.Date < today.AddYears(-1) || e.Date > today.AddYears(10))
            {
                errors.Add($"exceptions[{i}].date", "Must be within a year before and ten years after today.");
            }

            errors.MaxLength($"exceptions[{i}].reason", e.Reason, 200);
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.TutorAvailability.Where(a => a.TutorId == tutorId).ExecuteDeleteAsync(cancellationToken);
        await db.TutorAvailabilityExceptions.Where(a => a.TutorId == tutorId).ExecuteDeleteAsync(cancellationToken);
        db.TutorAvailability.AddRange(windows.Select(w => new TutorAvailability { SchoolId = tutor.SchoolId, TutorId = tutorId, Day = w.Day, StartTime = w.Start, EndTime = w.End }));
        db.TutorAvailabilityExceptions.AddRange(exceptions.Select(e => new TutorAvailabilityException
        {
            SchoolId = tutor.SchoolId,
            TutorId = tutorId,
            Date = e.Date,
            StartTime = e.Start,
            EndTime = e.End,
            Available = e.Available,
            Reason = TextInput.Blank(e.Reason),
        }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await ReadAsync(db, tutorId, tutor.Name, cancellationToken);
    }

    private static async Task<AvailabilityView> ReadAsync(LyceumDbContext db, int tutorId, string name, CancellationToken cancellationToken)
    {
        var windows = await db.TutorAvailability.AsNoTracking().Where(a => a.TutorId == tutorId)
            .Select(a => new AvailabilityWindow(a.Day, a.StartTime, a.EndTime)).ToListAsync(cancellationToken);
        var exceptions = await db.TutorAvailabilityExceptions.AsNoTracking().Where(a => a.TutorId == tutorId).OrderBy(a => a.Date)
            .Select(a => new AvailabilityException(a.Date, a.StartTime, a.EndTime, a.Available, a.Reason)).ToListAsync(cancellationToken);
        return new AvailabilityView(tutorId, name, [.. windows.OrderBy(w => ((int)w.Day + 6) % 7).ThenBy(w => w.Start)], exceptions);
    }

    private static Task<TutorRow?> TutorAsync(LyceumDbContext db, int tutorId, CancellationToken cancellationToken) =>
        db.Staff.AsNoTracking().Where(s => s.Id == tutorId)
            .Select(s => new TutorRow(s.SchoolId, s.UserId, (s.Title == null ? "" : s.Title + " ") + s.FirstName + " " + s.LastName))
            .FirstOrDefaultAsync(cancellationToken);

    private sealed record TutorRow(int SchoolId, Guid? UserId, string Name);

    private static Error.NotFound NotFound(int id) => new($"There is no tutor {id} whose availability you may see.");
}
