using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Attendance.TakeRegister;

public sealed record MarkInput(int? StudentId, string? Code, int? LateMinutes, TimeOnly? TimeIn, TimeOnly? TimeOut, string? Note);

/// <summary>A register's marks, one per student on it; <see cref="Reason"/> is required to change a register already taken.</summary>
public sealed record SubmitRegisterRequest(IReadOnlyList<MarkInput>? Marks, string? Reason);

public sealed record CodeView(int Id, string Code, string Name, AttendanceCategory Category, bool Authorised, bool CountsAsPossible);

public sealed record MarkView(string Code, AttendanceCategory Category, bool Authorised, int? LateMinutes, TimeOnly? TimeIn, TimeOnly? TimeOut, string? Note);

public sealed record SheetStudent(int StudentId, string StudentNumber, string FirstName, string LastName, string? PreferredName, MarkView? Mark);

/// <summary>What a submission did: <c>created</c> (first taken), <c>unchanged</c> (a retry: same marks), <c>amended</c>.</summary>
public static class SubmitOutcome
{
    public const string Created = "created";
    public const string Unchanged = "unchanged";
    public const string Amended = "amended";
}

/// <summary>
/// A register as a teacher sees it: the occasion, the codes to choose from, everyone on it with their mark (none
/// yet when not taken: the page marks everyone present by default), and who took it when.
/// </summary>
public sealed record RegisterSheet(
    string Slot, int SchoolId, DateOnly Date, int? SectionId, string? Section, int? PeriodId, string? Period, TimeOnly? StartTime,
    TimeOnly? EndTime, string? FormGroup, DaySession? Session, bool Taken, DateTime? TakenAt, string? TakenBy, DateTime? AmendedAt,
    Guid? Version, IReadOnlyList<CodeView> Codes, IReadOnlyList<SheetStudent> Students, string? Outcome = null);

/// <summary>
/// Reads and submits registers (docs/adr/0010-attendance-registers.md). The first submission creates the register
/// and its marks in one transaction; the unique slot and the unique (register, student) make a second copy
/// impossible whatever races. The same marks again (a retry) change nothing. Different marks for a taken register
/// are an amendment and need a reason; without one they get 409 with who took it — so of two teachers submitting the
/// same register at once, the first wins and the second is told, never silently merged. Each amendment is recorded
/// (<see cref="RegisterAmendment"/>, in the audit trail) with its reason and every changed mark before and after.
/// </summary>
public sealed class TakeRegisterHandler(IDbContextFactory<LyceumDbContext> contexts, RegisterOccasions occasions, SubmissionGate gate, TimeProvider clock)
{
    public const int MaxNoteLength = 500;
    public const int MaxLateMinutes = 300;

    public async Task<Result<RegisterSheet>> GetAsync(Caller caller, RegisterKey key, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var resolved = await occasions.ResolveAsync(db, caller, key, cancellationToken);
        if (resolved.Error is { } error)
        {
            return error;
        }

        var occasion = resolved.Value!;
        var codes = await CodesAsync(db, occasion.SchoolId, cancellationToken);
        var register = occasion.Taken == false
            ? null
            : await db.Registers.AsNoTracking().Include(r => r.Marks).FirstOrDefaultAsync(r => r.Slot == occasion.Slot, cancellationToken);
        return Sheet(occasion, codes, register, null);
    }

    public async Task<Result<RegisterSheet>> SubmitAsync(Caller caller, RegisterKey key, SubmitRegisterRequest request, Guid? ifMatch, CancellationToken cancellationToken)
    {
        using var turn = await gate.EnterAsync(cancellationToken);
        if (!turn.IsAcquired)
        {
            return new Error.Unavailable("Too many registers are being submitted at this moment; nothing was saved. Send it again in a moment.", TimeSpan.FromSeconds(2));
        }

        // Two attempts: a first submission that loses the race for the slot (another request inserted it a moment
        // earlier) is read again and treated as a submission to a taken register.
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            // The audit trail's transaction is already open when EF Core saves, so EF Core would wrap each save in a
            // savepoint: two more round trips per save for nothing, since a failed save here is never continued (the
            // transaction is rolled back and the attempt starts again on a new context).
            db.Database.AutoSavepointsEnabled = false;
            var resolved = await occasions.ResolveAsync(db, caller, key, cancellationToken);
            if (resolved.Error is { } error)
            {
                return error;
            }

            var occasion = resolved.Value!;
            var codes = await CodesAsync(db, occasion.SchoolId, cancellationToken);
            var errors = Validate(request, occasion, codes, out var marks);
            if (errors.Any)
            {
                return errors.ToError();
            }

            // Not read when the occasion's query found none (a first submission: one round trip fewer). On the second
            // attempt the occasion is read again, so a register inserted meanwhile is found.
            var register = occasion.Taken == false
                ? null
                : await db.Registers.Include(r => r.Marks).FirstOrDefaultAsync(r => r.Slot == occasion.Slot, cancellationToken);
            try
            {
                return register is null
                    ? await CreateAsync(db, caller, occasion, codes, marks, cancellationToken)
                    : await ChangeAsync(db, caller, occasion, codes, register, marks, request.Reason, ifMatch, cancellationToken);
            }
            catch (DbUpdateException ex) when (attempt == 1 && ex is not DbUpdateConcurrencyException)
            {
                // Lost the insert race (unique slot or mark): the next attempt finds the winner's register.
            }
            catch (DbUpdateConcurrencyException)
            {
                return new Error.Conflict("Someone else changed this register at the same moment. Reload it to see their marks, then amend again.");
            }
        }
    }

    private async Task<Result<RegisterSheet>> CreateAsync(
        LyceumDbContext db, Caller caller, RegisterOccasion occasion, IReadOnlyList<CodeView> codes, IReadOnlyList<AttendanceMark> marks, CancellationToken cancellationToken)
    {
        // Everything this save writes is new: EF Core takes an added entity's values as they are when it writes it,
        // so there is nothing to detect. Left on, the stamping and audit interceptors (ChangeTracker.Entries) and both
        // saves (the register's, then the trail's) scanned the register and its 30-odd marks for changes seven times,
        // a third of what a first submission allocated. (An amendment changes tracked marks, so it keeps detection.)
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = clock.GetUtcNow().UtcDateTime;
        var register = new Register
        {
            SchoolId = occasion.SchoolId,
            Slot = occasion.Slot,
            Date = occasion.Date,
            SectionId = occasion.SectionId,
            PeriodId = occasion.PeriodId,
            FormGroup = occasion.FormGroup,
            Session = occasion.Session,
            TakenAt = now,
            TakenByUserId = caller.UserId,
            TakenBy = caller.DisplayName,
            Marks = [.. marks],
        };
        db.Registers.Add(register);
        await RaiseDailyEventsAsync(db, occasion, codes, marks, now, cancellationToken);
        await db.SaveChangesAsync(CancellationToken.None);
        return Sheet(occasion, codes, register, SubmitOutcome.Created);
    }

    private async Task<Result<RegisterSheet>> ChangeAsync(
        LyceumDbContext db, Caller caller, RegisterOccasion occasion, IReadOnlyList<CodeView> codes, Register register,
        IReadOnlyList<AttendanceMark> marks, string? reason, Guid? ifMatch, CancellationToken cancellationToken)
    {
        var byStudent = register.Marks.ToDictionary(m => m.StudentId);
        var changes = new List<object>();
        var changed = new List<AttendanceMark>();
        foreach (var mark in marks)
        {
            if (!byStudent.TryGetValue(mark.StudentId, out var stored))
            {
                changes.Add(new { studentId = mark.StudentId, before = (object?)null, after = Describe(mark, codes) });
                changed.Add(mark);
                continue;
            }

            if (!Same(stored, mark))
            {
                changes.Add(new { studentId = mark.StudentId, before = Describe(stored, codes), after = Describe(mark, codes) });
                changed.Add(mark);
            }
        }

        if (changes.Count == 0)
        {
            return Sheet(occasion, codes, register, SubmitOutcome.Unchanged);
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return new Error.Conflict(
                $"This register was already taken by {register.TakenBy} at {register.TakenAt:HH:mm} UTC with other marks. " +
                "To change them, amend it and give a reason.");
        }

        if (ifMatch is { } expected && expected != register.Version)
        {
            return new Error.PreconditionFailed("This register has changed since you read it. Reload it, then amend again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // Marks amended into an unexplained absence or a late arrival (not those that already were one).
        var newlyNoticed = new List<AttendanceMark>();
        foreach (var mark in changed)
        {
            if (byStudent.TryGetValue(mark.StudentId, out var stored))
            {
                if (EventOf(mark.CodeId, codes) is { } type && type != EventOf(stored.CodeId, codes))
                {
                    newlyNoticed.Add(mark);
                }

                stored.CodeId = mark.CodeId;
                stored.LateMinutes = mark.LateMinutes;
                stored.TimeIn = mark.TimeIn;
                stored.TimeOut = mark.TimeOut;
                stored.Note = mark.Note;
            }
            else
            {
                register.Marks.Add(mark);
                newlyNoticed.Add(mark);
            }
        }

        // Touching the register renews its version (the concurrency token): of two amendments at once, one fails.
        register.AmendedAt = now;
        db.RegisterAmendments.Add(new RegisterAmendment
        {
            RegisterId = register.Id,
            ByUserId = caller.UserId,
            By = caller.DisplayName,
            Reason = reason.Trim(),
            Changes = JsonSerializer.Serialize(changes, JsonSerializerOptions.Web),
        });
        await RaiseDailyEventsAsync(db, occasion, codes, newlyNoticed, now, cancellationToken);
        await db.SaveChangesAsync(CancellationToken.None);
        return Sheet(occasion, codes, register, SubmitOutcome.Amended);
    }

    /// <summary>
    /// One event per student and day for an unexplained absence, and one for a late arrival (however many lessons
    /// they miss or are late to), each with an in-app notification to every guardian who hears about them. The event
    /// id is derived from the type, the student and the date, so a second register the same day finds it and adds
    /// nothing.
    /// </summary>
    private static async Task RaiseDailyEventsAsync(
        LyceumDbContext db, RegisterOccasion occasion, IReadOnlyList<CodeView> codes, IReadOnlyList<AttendanceMark> marks, DateTime now, CancellationToken cancellationToken)
    {
        var raised = marks
            .Select(m => (Mark: m, Type: EventOf(m.CodeId, codes)))
            .Where(x => x.Type is not null)
            .DistinctBy(x => (x.Mark.StudentId, x.Type))
            .Select(x => (x.Mark, Type: x.Type!, Id: DailyEventId(x.Type!, x.Mark.StudentId, occasion.Date)))
            .ToList();
        if (raised.Count == 0)
        {
            return;
        }

        var eventIds = raised.Select(x => x.Id).ToList();
        var known = await db.OutboxMessages.Where(o => eventIds.Contains(o.EventId)).Select(o => o.EventId).ToListAsync(cancellationToken);
        var guardians = await Outbox.GuardianAccountsAsync(db, raised.Select(x => x.Mark.StudentId).Distinct().ToList(), cancellationToken);
        var names = occasion.Roster.ToDictionary(r => r.StudentId, r => $"{r.PreferredName ?? r.FirstName} {r.LastName}");
        var what = occasion.Section is { } section ? $"{section}, {occasion.Period}" : $"{occasion.FormGroup} {occasion.Session} registration";
        foreach (var (mark, type, id) in raised.Where(x => !known.Contains(x.Id)))
        {
            var student = mark.StudentId;
            var name = names[student];
            var late = type == EventTypes.Late;
            object payload = late
                ? new { studentId = student, date = occasion.Date, slot = occasion.Slot, sectionId = occasion.SectionId, formGroup = occasion.FormGroup, lateMinutes = mark.LateMinutes }
                : new { studentId = student, date = occasion.Date, slot = occasion.Slot, sectionId = occasion.SectionId, formGroup = occasion.FormGroup };
            var title = late ? $"{name} arrived late" : $"{name} was marked absent";
            var body = !late
                ? $"{name} was marked absent without an explanation on {occasion.Date:dddd d MMMM} ({what}). Please contact the school."
                : mark.LateMinutes is { } minutes and > 0
                    ? $"{name} arrived {minutes} {(minutes == 1 ? "minute" : "minutes")} late on {occasion.Date:dddd d MMMM} ({what})."
                    : $"{name} arrived late on {occasion.Date:dddd d MMMM} ({what}).";
            Outbox.Add(
                db, now, type, payload, occasion.SchoolId,
                guardians[student].Select(user => new NotificationDraft(user, title, body, $"/students/{student}?tab=attendance")),
                id);
        }
    }

    /// <summary>The id of a student's one event of a type on a day (an unexplained absence, a late arrival).</summary>
    public static Guid DailyEventId(string type, int studentId, DateOnly date) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{type}:{studentId}:{date:yyyy-MM-dd}")).AsSpan(0, 16));

    /// <summary>The event a mark with this code raises for the guardians, if any.</summary>
    private static string? EventOf(int codeId, IReadOnlyList<CodeView> codes) => codes.FirstOrDefault(c => c.Id == codeId) switch
    {
        { Category: AttendanceCategory.Absent, Authorised: false } => EventTypes.UnexplainedAbsence,
        { Category: AttendanceCategory.Late } => EventTypes.Late,
        _ => null,
    };

    private static bool Same(AttendanceMark a, AttendanceMark b) =>
        a.CodeId == b.CodeId && a.LateMinutes == b.LateMinutes && a.TimeIn == b.TimeIn && a.TimeOut == b.TimeOut && a.Note == b.Note;

    private static object Describe(AttendanceMark m, IReadOnlyList<CodeView> codes) =>
        new { code = codes.FirstOrDefault(c => c.Id == m.CodeId)?.Code, lateMinutes = m.LateMinutes, timeIn = m.TimeIn, timeOut = m.TimeOut, note = m.Note };

    /// <summary>Checks every mark against the register's roster and the school's codes; on success gives the marks to store.</summary>
    private static FieldErrors Validate(SubmitRegisterRequest request, RegisterOccasion occasion, IReadOnlyList<CodeView> codes, out List<AttendanceMark> marks)
    {
        var errors = new FieldErrors();
        marks = [];
        var input = request.Marks ?? [];
        if (input.Count == 0)
        {
            errors.Add("marks", occasion.Roster.Count == 0 ? "Nobody is on this register that day." : "Give a mark for every student on the register.");
            return errors;
        }

        errors.MaxLength("reason", request.Reason, 500);
        var roster = occasion.Roster.ToDictionary(r => r.StudentId);
        var seen = new HashSet<int>();
        for (var i = 0; i < input.Count; i++)
        {
            var m = input[i];
            var at = $"marks[{i}]";
            if (m is null)
            {
                errors.Add(at, "A mark is required.");
                continue;
            }

            if (m.StudentId is not { } student)
            {
                errors.Add($"{at}.studentId", "This field is required.");
                continue;
            }

            if (!roster.ContainsKey(student))
            {
                errors.Add($"{at}.studentId", $"Student {student} is not on this register (not enrolled in it that day).");
                continue;
            }

            if (!seen.Add(student))
            {
                errors.Add($"{at}.studentId", $"Student {student} is marked twice.");
                continue;
            }

            var code = codes.FirstOrDefault(c => string.Equals(c.Code, m.Code?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (code is null)
            {
                errors.Add($"{at}.code", string.IsNullOrWhiteSpace(m.Code)
                    ? "This field is required."
                    : $"'{m.Code}' is not one of this school's attendance codes ({string.Join(", ", codes.Select(c => c.Code))}).");
                continue;
            }

            if (m.LateMinutes is { } late && (late < 0 || late > MaxLateMinutes))
            {
                errors.Add($"{at}.lateMinutes", $"Must be from 0 to {MaxLateMinutes} minutes.");
            }
            else if (m.LateMinutes is not null && code.Category != AttendanceCategory.Late)
            {
                errors.Add($"{at}.lateMinutes", $"Minutes late go with a late code, not '{code.Code}' ({code.Name}).");
            }

            if (m.TimeIn is { } timeIn && m.TimeOut is { } timeOut && timeOut < timeIn)
            {
                errors.Add($"{at}.timeOut", "Must not be before the time in.");
            }

            errors.MaxLength($"{at}.note", m.Note, MaxNoteLength);
            marks.Add(new AttendanceMark
            {
                StudentId = student,
                CodeId = code.Id,
                Date = occasion.Date,
                LateMinutes = m.LateMinutes,
                TimeIn = m.TimeIn,
                TimeOut = m.TimeOut,
                Note = TextInput.Blank(m.Note),
            });
        }

        var missing = occasion.Roster.Where(r => !seen.Contains(r.StudentId)).ToList();
        if (!errors.Any && missing.Count > 0)
        {
            errors.Add("marks", $"Mark every student on the register; missing: {string.Join(", ", missing.Take(5).Select(r => $"{r.FirstName} {r.LastName} ({r.StudentId})"))}" +
                (missing.Count > 5 ? $" and {missing.Count - 5} more." : "."));
        }

        return errors;
    }

    /// <summary>
    /// The school's codes in use. One query as a rule: only a school without any (created since the app started) is
    /// given the defaults first, then read again.
    /// </summary>
    public static async Task<IReadOnlyList<CodeView>> CodesAsync(LyceumDbContext db, int schoolId, CancellationToken cancellationToken)
    {
        var codes = await ReadCodesAsync(db, schoolId, cancellationToken);
        if (codes.Count > 0)
        {
            return codes;
        }

        await AttendanceDefaults.EnsureAsync(db, schoolId, cancellationToken);
        return await ReadCodesAsync(db, schoolId, cancellationToken);
    }

    private static Task<List<CodeView>> ReadCodesAsync(LyceumDbContext db, int schoolId, CancellationToken cancellationToken) =>
        db.AttendanceCodes.AsNoTracking()
            .Where(c => c.SchoolId == schoolId && c.ArchivedAt == null)
            .OrderBy(c => c.SortOrder).ThenBy(c => c.Code)
            .Select(c => new CodeView(c.Id, c.Code, c.Name, c.Category, c.Authorised, c.CountsAsPossible))
            .ToListAsync(cancellationToken);

    private static RegisterSheet Sheet(RegisterOccasion o, IReadOnlyList<CodeView> codes, Register? register, string? outcome)
    {
        var marks = register?.Marks.ToDictionary(m => m.StudentId) ?? [];
        // Everyone on the roster that day (a student withdrawn later keeps their row: the roster is the day's).
        var students = o.Roster
            .Select(r => new SheetStudent(r.StudentId, r.StudentNumber, r.FirstName, r.LastName, r.PreferredName, View(marks.GetValueOrDefault(r.StudentId), codes)))
            .ToList();
        return new RegisterSheet(
            o.Slot, o.SchoolId, o.Date, o.SectionId, o.Section, o.PeriodId, o.Period, o.StartTime, o.EndTime, o.FormGroup, o.Session,
            register is not null, register?.TakenAt, register?.TakenBy, register?.AmendedAt, register?.Version, codes, students, outcome);
    }

    private static MarkView? View(AttendanceMark? m, IReadOnlyList<CodeView> codes) =>
        m is null || codes.FirstOrDefault(c => c.Id == m.CodeId) is not { } code
            ? null
            : new MarkView(code.Code, code.Category, code.Authorised, m.LateMinutes, m.TimeIn, m.TimeOut, m.Note);
}
