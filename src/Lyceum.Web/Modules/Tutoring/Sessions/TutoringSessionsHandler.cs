using Lyceum.Modules.Tutoring.Finance;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Sessions;

/// <summary>
/// Tutoring sessions: book (one-off or a series), the calendar's query, read, move or change (this one or this and
/// the following), cancel, and the tutor's log. Reach is sessions.view through <see cref="TutoringSessionScopes"/>;
/// booking needs sessions.create at the tutor's school, changing and cancelling sessions.edit, logging sessions.log
/// (a tutor: their own). Rates show only to callers with finance.view at the session's school.
/// </summary>
public sealed class TutoringSessionsHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, SessionWeekCache weeks, CalendarQueryGate gate, TimeProvider clock)
{
    public const int MinMinutes = 5;
    public const int MaxMinutes = 12 * 60;
    public const int MaxStudents = 20;
    public const int MaxRangeDays = 92;
    public const string SessionChanged = "tutoring.session-changed";

    public async Task<Result<BookingView>> BookAsync(Caller caller, SessionRequest r, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (r.TutorId is null)
        {
            errors.Add("tutorId", "This field is required.");
        }

        CheckStudents(errors, r.StudentIds, required: true);
        errors.Required("subject", r.Subject);
        if (r.Start is null)
        {
            errors.Add("start", "This field is required.");
        }

        if (r.End is null)
        {
            errors.Add("end", "This field is required.");
        }

        CheckDetails(errors, r.Subject, r.Location, r.OnlineLink, r.Notes, r.Rate, r.OverrideConflicts, r.OverrideReason);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tutorId = r.TutorId!.Value;
        var tutor = await db.Staff.AsNoTracking().Where(s => s.Id == tutorId && s.ArchivedAt == null)
            .Select(s => new { s.SchoolId, s.UserId, TimeZone = db.Schools.Where(x => x.Id == s.SchoolId).Select(x => x.TimeZone).First() }).FirstOrDefaultAsync(cancellationToken);
        if (tutor is null || !MayAct(caller, Permissions.SessionsCreate, tutor.SchoolId, tutor.UserId))
        {
            return Error.Field("tutorId", $"There is no tutor {tutorId} whose sessions you may book (or they have left).");
        }

        var school = tutor.SchoolId;
        var zoneId = string.IsNullOrWhiteSpace(r.TimeZone) ? tutor.TimeZone : r.TimeZone.Trim();
        if (SessionTimes.Zone(zoneId) is not { } zone)
        {
            return Error.Field("timeZone", $"'{zoneId}' is not a time zone: use an IANA name such as Europe/London.");
        }

        var (start, end) = (Wall(r.Start!.Value, zone), Wall(r.End!.Value, zone));
        CheckTimes(errors, start, end, zone);
        await CheckReferencesAsync(db, caller, errors, school, r.StudentIds!, r.BranchId, r.Rate, r.OverrideConflicts, cancellationToken);
        if (errors.Any)
        {
            return errors.ToError();
        }

        var length = end - start;
        IReadOnlyList<DateTime> starts = [start];
        string? rule = null;
        if (r.Recurrence is { } recurrence)
        {
            rule = Recurrence.Normalise(recurrence, start, zoneId, errors);
            if (rule is not null)
            {
                starts = Recurrence.Expand(rule, start, zoneId, errors);
            }

            if (errors.Any)
            {
                return errors.ToError();
            }
        }

        var slots = starts.Select(s => Slot(s, length, zone)).ToList();
        var students = r.StudentIds!.Distinct().ToList();
        var clashes = await SessionClashes.FindAsync(db, tutorId, students, slots, [], zone, cancellationToken);
        if (clashes.Count > 0 && !r.OverrideConflicts)
        {
            return Clash(clashes);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        TutoringSeries? series = null;
        if (rule is not null)
        {
            series = new TutoringSeries
            {
                SchoolId = school,
                TutorId = tutorId,
                Subject = r.Subject!.Trim(),
                RecurrenceRule = rule,
                TimeZone = zoneId,
                FirstStartUtc = slots[0].StartUtc,
                DurationMinutes = (int)length.TotalMinutes,
                CreatedByUserId = caller.UserId,
            };
            db.TutoringSeries.Add(series);
        }

        var sessions = slots.Select(slot => new TutoringSession
        {
            SchoolId = school,
            Series = series,
            RecurrenceIdUtc = series is null ? null : slot.StartUtc,
            TutorId = tutorId,
            Subject = r.Subject!.Trim(),
            BranchId = r.BranchId,
            Location = TextInput.Blank(r.Location),
            OnlineLink = TextInput.Blank(r.OnlineLink),
            StartUtc = slot.StartUtc,
            EndUtc = slot.EndUtc,
            TimeZone = zoneId,
            Status = SessionStatus.Scheduled,
            Notes = TextInput.Blank(r.Notes),
            RateOverride = r.Rate,
            ConflictOverrideReason = clashes.Count > 0 ? r.OverrideReason!.Trim() : null,
            CreatedByUserId = caller.UserId,
            Students = [.. students.Select(id => new TutoringSessionStudent { StudentId = id })],
        }).ToList();
        db.TutoringSessions.AddRange(sessions);
        await db.SaveChangesAsync(cancellationToken);

        var ids = sessions.Select(s => s.Id).ToList();
        var views = await ReadManyAsync(db, caller, ids, cancellationToken);
        return new BookingView(series?.Id, rule, sessions.Count, views);
    }

    public async Task<Result<IReadOnlyList<SessionView>>> ListAsync(Caller caller, SessionFilter filter, CancellationToken cancellationToken)
    {
        var result = await QueryAsync(caller, filter, cancellationToken);
        return result.IsSuccess ? result.Value!.Sessions.ToList() : result.Error!;
    }

    /// <summary>
    /// The calendar query, with the school-wide answer kept per school and filter (see <see cref="SessionWeekCache"/>):
    /// a coordinator's or administrator's centre week is read once per change of the school's calendar, not per request.
    /// </summary>
    public async Task<Result<SessionWeek>> QueryAsync(Caller caller, SessionFilter filter, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (filter.From is null)
        {
            errors.Add("from", "This field is required: the first day, such as 2026-12-07.");
        }

        if (filter.To is null)
        {
            errors.Add("to", "This field is required: the last day, such as 2026-12-13.");
        }

        if (filter is { From: { } first, To: { } last })
        {
            if (last < first)
            {
                errors.Add("to", "Must not be before from.");
            }
            else if (last.DayNumber - first.DayNumber >= MaxRangeDays)
            {
                errors.Add("to", $"The calendar shows at most {MaxRangeDays} days at once.");
            }
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        using var turn = await gate.EnterAsync(cancellationToken);
        if (!turn.IsAcquired)
        {
            return new Error.Unavailable("Too many calendars are being read at this moment. Try again in a moment.", TimeSpan.FromSeconds(1));
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var grants = caller.GrantsOf(Permissions.SessionsView);
        // Only one's own sessions (a tutor's, or a student's): the same rows as the scopes ("taught by my staff record",
        // and for "self" also "attended by my student record"), named by the caller's staff and student ids read
        // first, so that the query uses the (tutor, start) or student index instead of joining every session of the
        // week to its tutor and students to test them.
        var own = !filter.Mine && caller.UserId is not null && grants.Any()
                  && grants.All(g => !g.IsUnlimited && g.Scope is Platform.Identity.AccessScope.Self or Platform.Identity.AccessScope.OwnSections);
        List<int> staff = [], students = [];

        // A week that is the same for everyone who asks it (but for finance) is kept per school and filter while the
        // school's calendar stamp stays the same: a school the caller sees whole (schoolId, or the school of the
        // tutorId asked for: a tutor's sessions are all at their school), or a tutor's own week (their school's week
        // for them, the answer a coordinator gets for that tutor).
        (int School, SessionFilter Filter)? kept = null;
        if (filter is { SchoolId: { } school, Mine: false } && MayAct(caller, Permissions.SessionsView, school, null))
        {
            kept = (school, filter);
        }
        else if (filter is { SchoolId: null, TutorId: { } tutor, Mine: false } && !own)
        {
            var at = await db.Staff.Where(s => s.Id == tutor).Select(s => (int?)s.SchoolId).FirstOrDefaultAsync(cancellationToken);
            if (at is { } tutorSchool && MayAct(caller, Permissions.SessionsView, tutorSchool, null))
            {
                kept = (tutorSchool, filter with { SchoolId = tutorSchool });
            }
        }
        else if (own)
        {
            var user = caller.UserId;
            var mine = await db.Staff.Where(s => s.UserId == user).Select(s => new { s.Id, s.SchoolId }).ToListAsync(cancellationToken);
            staff = [.. mine.Select(m => m.Id)];
            students = grants.Any(g => g.Scope == Platform.Identity.AccessScope.Self)
                ? await db.Students.Where(s => s.UserId == user).Select(s => s.Id).ToListAsync(cancellationToken)
                : [];
            if (mine is [var me] && students.Count == 0 && (filter.TutorId ?? me.Id) == me.Id && (filter.SchoolId ?? me.SchoolId) == me.SchoolId)
            {
                kept = (me.SchoolId, filter with { SchoolId = me.SchoolId, TutorId = me.Id });
            }
        }

        if (kept is (var keptSchool, var keptFilter))
        {
            var finance = MayAct(caller, Permissions.FinanceView, keptSchool, null);
            var key = $"tutoring-week|{keptSchool}|{keptFilter.From:yyyy-MM-dd}|{keptFilter.To:yyyy-MM-dd}|{keptFilter.TutorId}|{keptFilter.StudentId}|" +
                      $"{keptFilter.BranchId}|{keptFilter.Subject?.Trim()}|{keptFilter.Status}|{(finance ? "finance" : "")}";
            var stamp = await db.CalendarStamps.Where(s => s.SchoolId == keptSchool).Select(s => s.Stamp).FirstOrDefaultAsync(cancellationToken);
            return await weeks.GetAsync(key, stamp, async token =>
            {
                await using var read = await contexts.CreateDbContextAsync(token);
                return await WeekAsync(read.TutoringSessions.Where(s => s.SchoolId == keptSchool), keptFilter, _ => finance, token);
            }, cancellationToken);
        }

        var rows = Visible(db, caller);
        if (filter.Mine)
        {
            var user = caller.UserId;
            rows = rows.Where(s => s.Tutor!.UserId == user);
        }
        else if (own)
        {
            rows = (staff.Count, students.Count) switch
            {
                (_, 0) => db.TutoringSessions.Where(s => staff.Contains(s.TutorId)),
                (0, _) => db.TutoringSessions.Where(s => s.Students.Any(x => students.Contains(x.StudentId))),
                _ => db.TutoringSessions.Where(s => staff.Contains(s.TutorId) || s.Students.Any(x => students.Contains(x.StudentId))),
            };
        }

        return new SessionWeek(await WeekAsync(rows, filter, FinanceOf(caller), cancellationToken));
    }

    /// <summary>The sessions of <paramref name="rows"/> on the filter's local days, as the calendar shows them.</summary>
    private static async Task<IReadOnlyList<SessionView>> WeekAsync(
        IQueryable<TutoringSession> rows, SessionFilter filter, Func<int, bool> finance, CancellationToken cancellationToken)
    {
        // Days are local to each session's zone: read a margin of 14 hours either side in UTC, then keep the local days.
        var (from, to) = (filter.From!.Value, filter.To!.Value);
        var since = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddHours(-14);
        var until = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddHours(14);
        rows = rows.AsNoTracking().Where(s => s.StartUtc >= since && s.StartUtc < until);
        if (filter.TutorId is { } tutor)
        {
            rows = rows.Where(s => s.TutorId == tutor);
        }

        if (filter.StudentId is { } student)
        {
            rows = rows.Where(s => s.Students.Any(x => x.StudentId == student));
        }

        if (filter.BranchId is { } branch)
        {
            rows = rows.Where(s => s.BranchId == branch);
        }

        if (!string.IsNullOrWhiteSpace(filter.Subject))
        {
            var subject = filter.Subject.Trim();
            rows = rows.Where(s => s.Subject == subject);
        }

        if (filter.Status is { } status)
        {
            rows = rows.Where(s => s.Status == status);
        }

        if (filter.SchoolId is { } school)
        {
            rows = rows.Where(s => s.SchoolId == school);
        }

        var views = await ViewsAsync(rows.OrderBy(s => s.StartUtc).ThenBy(s => s.Id), finance, cancellationToken);
        return views.Where(v => DateOnly.FromDateTime(v.Start) >= from && DateOnly.FromDateTime(v.Start) <= to).ToList();
    }

    public async Task<Result<SessionView>> GetAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadAsync(db, caller, id, cancellationToken) is { } view ? view : NotFound(id);
    }

    /// <summary>Moves, resizes or changes a session, or it and the rest of its series; see <see cref="SessionChangeRequest"/>.</summary>
    public async Task<Result<SessionView>> ChangeAsync(Caller caller, int id, SessionChangeRequest r, Guid? ifMatch, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        CheckStudents(errors, r.StudentIds, required: false);
        if (r.Subject is not null)
        {
            errors.Required("subject", r.Subject);
        }

        CheckDetails(errors, r.Subject, r.Location, r.OnlineLink, r.Notes, r.Rate, r.OverrideConflicts, r.OverrideReason);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var session = await Visible(db, caller).Include(s => s.Students).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (session is null)
        {
            return NotFound(id);
        }

        if (!MayAct(caller, Permissions.SessionsEdit, session.SchoolId, null))
        {
            return new Error.Forbidden("Your role may not change sessions: a coordinator moves and changes them; a tutor logs them.");
        }

        if (ifMatch is { } version && version != session.Version)
        {
            return new Error.PreconditionFailed("This session was changed by someone else since you read it. Reload it and try again.");
        }

        if (session.Status != SessionStatus.Scheduled)
        {
            return new Error.Conflict($"This session is already {Word(session.Status)}: only a scheduled session can be moved or changed.");
        }

        if (r.Scope == SeriesScope.Following && session.SeriesId is null)
        {
            return Error.Field("scope", "This session is not part of a series: use scope 'this'.");
        }

        var zone = SessionTimes.Zone(session.TimeZone)!;
        var oldStart = SessionTimes.ToLocal(session.StartUtc, zone);
        var oldEnd = SessionTimes.ToLocal(session.EndUtc, zone);
        var start = r.Start is { } s ? Wall(s, zone) : oldStart;
        var end = r.End is { } e ? Wall(e, zone) : r.Start is not null ? start + (oldEnd - oldStart) : oldEnd;
        CheckTimes(errors, start, end, zone);
        var tutorId = r.TutorId ?? session.TutorId;
        if (r.TutorId is { } newTutor && newTutor != session.TutorId
            && !await db.Staff.AnyAsync(x => x.Id == newTutor && x.SchoolId == session.SchoolId && x.ArchivedAt == null, cancellationToken))
        {
            errors.Add("tutorId", $"There is no member of staff {newTutor} at this session's school (or they have left).");
        }

        var students = (r.StudentIds ?? session.Students.Select(x => x.StudentId).ToList()).Distinct().ToList();
        await CheckReferencesAsync(db, caller, errors, session.SchoolId, r.StudentIds ?? [], r.BranchId, r.Rate, r.OverrideConflicts, cancellationToken);
        if (errors.Any)
        {
            return errors.ToError();
        }

        // The sessions this change applies to, each with its new local start.
        var targets = new List<(TutoringSession Session, DateTime Start)> { (session, start) };
        TutoringSeries? split = null;
        if (r.Scope == SeriesScope.Following)
        {
            var series = await db.TutoringSeries.FirstAsync(x => x.Id == session.SeriesId, cancellationToken);
            var pivot = session.RecurrenceIdUtc ?? session.StartUtc;
            var rest = await db.TutoringSessions.Include(x => x.Students)
                .Where(x => x.SeriesId == series.Id && x.Id != session.Id && (x.RecurrenceIdUtc ?? x.StartUtc) > pivot)
                .OrderBy(x => x.StartUtc)
                .ToListAsync(cancellationToken);
            var dayShift = start.Date - SessionTimes.ToLocal(pivot, zone).Date;
            foreach (var other in rest.Where(x => x.Status == SessionStatus.Scheduled && !x.Detached))
            {
                var original = SessionTimes.ToLocal(other.RecurrenceIdUtc ?? other.StartUtc, zone);
                targets.Add((other, original.Date + dayShift + start.TimeOfDay));
            }

            split = Split(series, session, rest, start, end - start, dayShift, zone);
        }

        var length = end - start;
        var slots = targets.Select(t => Slot(t.Start, length, zone)).ToList();
        var clashes = await SessionClashes.FindAsync(db, tutorId, students, slots, targets.Select(t => t.Session.Id).ToList(), zone, cancellationToken);
        if (clashes.Count > 0 && !r.OverrideConflicts)
        {
            return Clash(clashes);
        }

        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i].Session;
            target.StartUtc = slots[i].StartUtc;
            target.EndUtc = slots[i].EndUtc;
            target.TutorId = tutorId;
            target.Subject = r.Subject?.Trim() ?? target.Subject;
            target.BranchId = r.BranchId ?? target.BranchId;
            target.Location = r.Location is null ? target.Location : TextInput.Blank(r.Location);
            target.OnlineLink = r.OnlineLink is null ? target.OnlineLink : TextInput.Blank(r.OnlineLink);
            target.Notes = r.Notes is null ? target.Notes : TextInput.Blank(r.Notes);
            target.RateOverride = r.Rate ?? target.RateOverride;
            target.ConflictOverrideReason = clashes.Count > 0 ? r.OverrideReason!.Trim() : target.ConflictOverrideReason;
            if (r.StudentIds is not null)
            {
                target.Students.RemoveAll(x => !students.Contains(x.StudentId));
                target.Students.AddRange(students.Where(x => target.Students.All(y => y.StudentId != x)).Select(x => new TutoringSessionStudent { StudentId = x }));
            }
        }

        if (r.Scope == SeriesScope.This && session.SeriesId is not null)
        {
            session.Detached = true;
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (split is not null)
            {
                db.TutoringSeries.Add(split);
                await db.SaveChangesAsync(cancellationToken);
            }

            await ChangedAsync(db, session, "moved", cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Error.Conflict("Someone else changed this session (or its series) at the same moment. Reload it to see how it stands.");
        }

        return (await ReadAsync(db, caller, id, CancellationToken.None))!;
    }

    /// <summary>Cancels a session, or it and every later scheduled session of its series. Cancelling again changes nothing.</summary>
    public async Task<Result<SessionView>> CancelAsync(Caller caller, int id, CancelSessionRequest r, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.MaxLength("reason", r.Reason, 500);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var session = await Visible(db, caller).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (session is null)
        {
            return NotFound(id);
        }

        if (!MayAct(caller, Permissions.SessionsEdit, session.SchoolId, null))
        {
            return new Error.Forbidden("Your role may not cancel sessions for others: a tutor logs their own session as cancelled.");
        }

        if (r.Scope == SeriesScope.Following && session.SeriesId is null)
        {
            return Error.Field("scope", "This session is not part of a series: use scope 'this'.");
        }

        if (session.Status is SessionStatus.Completed or SessionStatus.NoShow)
        {
            return new Error.Conflict($"This session is already {Word(session.Status)}: it cannot be cancelled.");
        }

        var targets = new List<TutoringSession>();
        if (session.Status == SessionStatus.Scheduled)
        {
            targets.Add(session);
        }

        if (r.Scope == SeriesScope.Following)
        {
            targets.AddRange(await db.TutoringSessions
                .Where(x => x.SeriesId == session.SeriesId && x.Id != session.Id && x.StartUtc > session.StartUtc && x.Status == SessionStatus.Scheduled)
                .ToListAsync(cancellationToken));
        }

        if (targets.Count == 0)
        {
            return (await ReadAsync(db, caller, id, cancellationToken))!;
        }

        foreach (var target in targets)
        {
            target.Status = SessionStatus.Cancelled;
            target.CancelReason = TextInput.Blank(r.Reason);
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await ChangedAsync(db, targets[0], targets.Count == 1 ? "cancelled" : $"cancelled with {targets.Count - 1} later lesson(s)", cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var now = await ReadAsync(db, caller, id, CancellationToken.None);
            return now is { Status: SessionStatus.Cancelled }
                ? now
                : new Error.Conflict("Someone else changed this session at the same moment. Reload it to see how it stands.");
        }

        return (await ReadAsync(db, caller, id, CancellationToken.None))!;
    }

    /// <summary>
    /// The tutor's log. Any log id seen before (<see cref="TutoringSessionLog"/>) answers the session as it is: a retry
    /// or an offline replay, even of a log that a later one corrected, changes nothing. A new log of the same session
    /// corrects the last one until the session is invoiced.
    /// </summary>
    public async Task<Result<SessionView>> LogAsync(Caller caller, int id, LogSessionRequest r, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (r.LogId is null || r.LogId == Guid.Empty)
        {
            errors.Add("logId", "This field is required: a new id (a UUID) made by the app for this log, sent again unchanged on a retry.");
        }

        if (r.Status is not { } status || status == SessionStatus.Scheduled)
        {
            errors.Add("status", "Must be completed, noShow or cancelled.");
        }

        errors.MaxLength("note", r.Note, 2000);
        TextInput.Check(errors, "note", r.Note);
        var attendance = r.Attendance ?? [];
        for (var i = 0; i < attendance.Count; i++)
        {
            if (attendance[i] is null || attendance[i].Status == SessionAttendance.Unmarked || !Enum.IsDefined(attendance[i].Status))
            {
                errors.Add($"attendance[{i}].status", "Must be present, late or absent.");
            }
        }

        if (attendance.Where(a => a is not null).GroupBy(a => a.StudentId).Any(g => g.Count() > 1))
        {
            errors.Add("attendance", "Each student may appear once.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var logId = r.LogId!.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var logged = await db.TutoringSessionLogs.AsNoTracking().Where(l => l.LogId == logId).Select(l => (int?)l.SessionId).FirstOrDefaultAsync(cancellationToken);
        if (logged is { } other && other != id)
        {
            return Error.Field("logId", "This log id was already used for another session: make a new one for each log.");
        }

        var session = await access.Reachable(db.TutoringSessions, caller, Permissions.SessionsLog, Permissions.SessionsView)
            .Include(s => s.Students).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (session is null)
        {
            return await Visible(db, caller).AnyAsync(s => s.Id == id, cancellationToken)
                ? new Error.Forbidden("Your role may not log this session: a tutor logs their own sessions.")
                : NotFound(id);
        }

        if (logged == id)
        {
            return (await ReadAsync(db, caller, id, cancellationToken))!;
        }

        if (session.Students.Any(s => s.InvoiceLineId != null))
        {
            return new Error.Conflict("This session is already on an invoice: its log can no longer change. Ask the administrator to void the invoice first.");
        }

        var newStatus = r.Status!.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        if (newStatus is SessionStatus.Completed or SessionStatus.NoShow && session.StartUtc > now.AddMinutes(15))
        {
            return new Error.Conflict("This session has not started yet: it can be cancelled, not logged as completed or a no-show.");
        }

        for (var i = 0; i < attendance.Count; i++)
        {
            if (session.Students.All(s => s.StudentId != attendance[i].StudentId))
            {
                errors.Add($"attendance[{i}].studentId", $"Student {attendance[i].StudentId} is not in this session.");
            }
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        session.Status = newStatus;
        session.LogId = logId;
        session.LogNote = TextInput.Blank(r.Note);
        session.LoggedAt = now;
        session.LoggedByUserId = caller.UserId;
        if (newStatus == SessionStatus.Cancelled)
        {
            session.CancelReason = TextInput.Blank(r.Note) ?? session.CancelReason;
        }

        foreach (var student in session.Students)
        {
            student.Attendance = attendance.FirstOrDefault(a => a.StudentId == student.StudentId)?.Status ?? newStatus switch
            {
                SessionStatus.Completed => SessionAttendance.Present,
                SessionStatus.NoShow => SessionAttendance.Absent,
                _ => SessionAttendance.Unmarked,
            };
        }

        db.TutoringSessionLogs.Add(new TutoringSessionLog
        {
            LogId = logId,
            SessionId = id,
            Status = newStatus,
            Note = TextInput.Blank(r.Note),
            At = now,
            ByUserId = caller.UserId,
        });
        await TutoringPricing.ApplyAsync(db, session, cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (newStatus == SessionStatus.Cancelled)
            {
                await ChangedAsync(db, session, "cancelled", cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same log sent twice at once (the unique log id), or another log at the same moment.
            db.ChangeTracker.Clear();
            var current = await db.TutoringSessionLogs.AsNoTracking().Where(l => l.LogId == logId).Select(l => (int?)l.SessionId).FirstOrDefaultAsync(CancellationToken.None);
            if (current != id)
            {
                return new Error.Conflict("This session was logged by someone else at the same moment. Reload it to see how it stands.");
            }
        }

        return (await ReadAsync(db, caller, id, CancellationToken.None))!;
    }

    /// <summary>What the booking form offers at a school (the caller's first when none is named).</summary>
    public async Task<Result<TutoringOptions>> OptionsAsync(Caller caller, int? schoolId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var schools = access.Reachable(db.Schools.AsNoTracking(), caller, Permissions.SchoolView);
        var own = db.Staff.Where(s => s.UserId == caller.UserId && s.UserId != null).Select(s => s.SchoolId);
        var school = await db.Schools.AsNoTracking()
            .Where(s => schoolId == null ? (schools.Any(x => x.Id == s.Id) || own.Contains(s.Id)) && s.ArchivedAt == null : s.Id == schoolId)
            .OrderBy(s => s.Id).Select(s => new { s.Id, s.TimeZone, s.Currency }).FirstOrDefaultAsync(cancellationToken);
        if (school is null || !(await schools.AnyAsync(s => s.Id == school.Id, cancellationToken) || await own.ContainsAsync(school.Id, cancellationToken)))
        {
            return new Error.NotFound(schoolId is null ? "There is no school you may book at." : $"There is no school {schoolId}.");
        }

        var tutors = await db.Staff.AsNoTracking().Where(s => s.SchoolId == school.Id && s.ArchivedAt == null)
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName)
            .Select(s => new OptionItem(s.Id, (s.Title == null ? "" : s.Title + " ") + s.FirstName + " " + s.LastName + (s.JobTitle == null ? "" : " · " + s.JobTitle)))
            .ToListAsync(cancellationToken);
        var branches = await db.Branches.AsNoTracking().Where(b => b.SchoolId == school.Id && b.ArchivedAt == null)
            .OrderBy(b => b.Name).Select(b => new OptionItem(b.Id, b.Name)).ToListAsync(cancellationToken);
        var subjects = await db.TutoringSessions.AsNoTracking().Where(s => s.SchoolId == school.Id)
            .Select(s => s.Subject).Distinct().OrderBy(s => s).Take(200).ToListAsync(cancellationToken);
        return new TutoringOptions(
            school.Id, school.TimeZone, school.Currency, tutors, branches, subjects,
            MayAct(caller, Permissions.SessionsCreate, school.Id, null), MayAct(caller, Permissions.SessionsEdit, school.Id, null),
            MayAct(caller, Permissions.FinanceView, school.Id, null));
    }

    /// <summary>
    /// Whether a grant of <paramref name="permission"/> covers a school's sessions: school scope (unlimited or that
    /// school), or a narrower one for the tutor's own (<paramref name="tutorUserId"/> is the caller).
    /// </summary>
    public static bool MayAct(Caller caller, string permission, int schoolId, Guid? tutorUserId) =>
        caller.GrantsOf(permission).Any(g =>
            g.IsUnlimited || (g.Scope == Platform.Identity.AccessScope.School && g.SchoolId == schoolId)
            || (g.Scope is Platform.Identity.AccessScope.Self or Platform.Identity.AccessScope.OwnSections && tutorUserId is not null && tutorUserId == caller.UserId));

    private IQueryable<TutoringSession> Visible(LyceumDbContext db, Caller caller) => access.Reachable(db.TutoringSessions, caller, Permissions.SessionsView);

    private async Task<SessionView?> ReadAsync(LyceumDbContext db, Caller caller, int id, CancellationToken cancellationToken) =>
        (await ViewsAsync(Visible(db, caller).AsNoTracking().Where(s => s.Id == id), FinanceOf(caller), cancellationToken)).FirstOrDefault();

    private async Task<IReadOnlyList<SessionView>> ReadManyAsync(LyceumDbContext db, Caller caller, IReadOnlyCollection<int> ids, CancellationToken cancellationToken) =>
        await ViewsAsync(Visible(db, caller).AsNoTracking().Where(s => ids.Contains(s.Id)).OrderBy(s => s.StartUtc), FinanceOf(caller), cancellationToken);

    /// <summary>Whether the caller sees a school's rates and amounts, asked once per school.</summary>
    private static Func<int, bool> FinanceOf(Caller caller)
    {
        var schools = new Dictionary<int, bool>();
        return school => schools.TryGetValue(school, out var may) ? may : schools[school] = MayAct(caller, Permissions.FinanceView, school, null);
    }

    private static async Task<IReadOnlyList<SessionView>> ViewsAsync(IQueryable<TutoringSession> rows, Func<int, bool> mayFinance, CancellationToken cancellationToken)
    {
        var list = await rows.Select(s => new
        {
            s.Id,
            s.SchoolId,
            s.SeriesId,
            Rule = s.Series == null ? null : s.Series.RecurrenceRule,
            s.Detached,
            s.TutorId,
            Tutor = (s.Tutor!.Title == null ? "" : s.Tutor.Title + " ") + s.Tutor.FirstName + " " + s.Tutor.LastName,
            s.Subject,
            s.BranchId,
            Branch = s.Branch == null ? null : s.Branch.Name,
            s.Location,
            s.OnlineLink,
            s.StartUtc,
            s.EndUtc,
            s.TimeZone,
            s.Status,
            s.Notes,
            s.CancelReason,
            s.LogNote,
            s.LoggedAt,
            s.ConflictOverrideReason,
            s.RateOverride,
            s.Version,
            Students = s.Students.OrderBy(x => x.Student!.LastName).ThenBy(x => x.Student!.FirstName)
                .Select(x => new { x.StudentId, x.Student!.FirstName, x.Student.LastName, x.Attendance, x.Amount }).ToList(),
        }).ToListAsync(cancellationToken);
        var zones = new Dictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
        return list.Select(s =>
        {
            if (!zones.TryGetValue(s.TimeZone, out var zone))
            {
                zones[s.TimeZone] = zone = SessionTimes.Zone(s.TimeZone) ?? TimeZoneInfo.Utc;
            }

            var finance = mayFinance(s.SchoolId);
            return new SessionView(
                s.Id, s.SchoolId, s.SeriesId, s.Rule, s.Detached, s.TutorId, s.Tutor, s.Subject, s.BranchId, s.Branch, s.Location, s.OnlineLink,
                SessionTimes.ToLocal(s.StartUtc, zone), SessionTimes.ToLocal(s.EndUtc, zone), s.StartUtc, s.EndUtc, s.TimeZone, s.Status, s.Notes,
                s.CancelReason, s.LogNote, s.LoggedAt, s.ConflictOverrideReason, finance ? s.RateOverride : null,
                [.. s.Students.Select(x => new SessionStudentView(x.StudentId, x.FirstName, x.LastName, x.Attendance, finance ? x.Amount : null))],
                s.Version);
        }).ToList();
    }

    private async Task CheckReferencesAsync(
        LyceumDbContext db, Caller caller, FieldErrors errors, int school, IReadOnlyList<int> studentIds, int? branchId, decimal? rate, bool overriding,
        CancellationToken cancellationToken)
    {
        if (studentIds.Count > 0)
        {
            var ids = studentIds.Distinct().ToList();
            var found = await db.Students.AsNoTracking().Where(s => ids.Contains(s.Id) && s.SchoolId == school && s.ArchivedAt == null)
                .Select(s => s.Id).ToListAsync(cancellationToken);
            for (var i = 0; i < studentIds.Count; i++)
            {
                if (!found.Contains(studentIds[i]))
                {
                    errors.Add($"studentIds[{i}]", $"There is no student {studentIds[i]} at the tutor's school (or they are archived).");
                }
            }
        }

        if (branchId is { } branch && !await db.Branches.AnyAsync(b => b.Id == branch && b.SchoolId == school && b.ArchivedAt == null, cancellationToken))
        {
            errors.Add("branchId", $"There is no branch {branch} at the tutor's school (or it is archived).");
        }

        if (rate is not null && !MayAct(caller, Permissions.FinanceEdit, school, null))
        {
            errors.Add("rate", "Your role may not set rates: leave it out and the school's rates apply.");
        }

        if (overriding && !MayAct(caller, Permissions.SessionsEdit, school, null))
        {
            errors.Add("overrideConflicts", "Only a coordinator (who may change sessions) may book over a clash.");
        }
    }

    private static void CheckStudents(FieldErrors errors, IReadOnlyList<int>? studentIds, bool required)
    {
        if (studentIds is null)
        {
            if (required)
            {
                errors.Add("studentIds", "This field is required: at least one student.");
            }

            return;
        }

        if (studentIds.Count == 0)
        {
            errors.Add("studentIds", "A session needs at least one student.");
        }
        else if (studentIds.Count > MaxStudents)
        {
            errors.Add("studentIds", $"A session has at most {MaxStudents} students.");
        }
    }

    private static void CheckDetails(
        FieldErrors errors, string? subject, string? location, string? onlineLink, string? notes, decimal? rate, bool overriding, string? overrideReason)
    {
        errors.MaxLength("subject", subject, 100);
        TextInput.Check(errors, "subject", subject);
        errors.MaxLength("location", location, 200);
        errors.MaxLength("onlineLink", onlineLink, 500);
        if (!string.IsNullOrWhiteSpace(onlineLink)
            && !(Uri.TryCreate(onlineLink.Trim(), UriKind.Absolute, out var link) && (link.Scheme == Uri.UriSchemeHttps || link.Scheme == Uri.UriSchemeHttp)))
        {
            errors.Add("onlineLink", "Must be a web address such as https://meet.example.org/abc.");
        }

        errors.MaxLength("notes", notes, 2000);
        TextInput.Check(errors, "notes", notes);
        if (rate is { } value && (value < 0 || value > 100_000 || decimal.Round(value, 2) != value))
        {
            errors.Add("rate", "Must be an amount per hour from 0 to 100000 with at most two decimals.");
        }

        if (overriding)
        {
            errors.Required("overrideReason", overrideReason);
            errors.MaxLength("overrideReason", overrideReason, 500);
        }
    }

    private static void CheckTimes(FieldErrors errors, DateTime start, DateTime end, TimeZoneInfo zone)
    {
        if (!SessionTimes.Exists(start, zone))
        {
            errors.Add("start", $"{start:yyyy-MM-dd HH:mm} does not exist in {zone.Id}: the clocks go forward then.");
        }

        if (!SessionTimes.Exists(end, zone))
        {
            errors.Add("end", $"{end:yyyy-MM-dd HH:mm} does not exist in {zone.Id}: the clocks go forward then.");
        }

        if (end <= start)
        {
            errors.Add("end", "Must be after the start.");
        }
        else if ((end - start).TotalMinutes < MinMinutes)
        {
            errors.Add("end", $"A session lasts at least {MinMinutes} minutes.");
        }
        else if ((end - start).TotalMinutes > MaxMinutes)
        {
            errors.Add("end", $"A session lasts at most {MaxMinutes / 60} hours.");
        }
    }

    /// <summary>A local start and length as UTC; a start the clocks skip (a later lesson of a series) is read after the change.</summary>
    private static Slot Slot(DateTime localStart, TimeSpan length, TimeZoneInfo zone)
    {
        var start = SessionTimes.Exists(localStart, zone) ? localStart : localStart.AddHours(1);
        var end = start + length;
        end = SessionTimes.Exists(end, zone) ? end : end.AddHours(1);
        return new Slot(SessionTimes.ToUtc(start, zone), SessionTimes.ToUtc(end, zone));
    }

    /// <summary>
    /// Splits a series at <paramref name="session"/> for a change of "this and following": the old series' rule ends
    /// before it; a new series, whose rule starts at the new time, takes it and every later lesson (their recurrence
    /// ids move with the rule, so an iCal client reads the same lessons back).
    /// </summary>
    private static TutoringSeries Split(
        TutoringSeries series, TutoringSession session, IReadOnlyList<TutoringSession> rest, DateTime newStart, TimeSpan length, TimeSpan dayShift, TimeZoneInfo zone)
    {
        var pivot = session.RecurrenceIdUtc ?? session.StartUtc;
        var rule = Recurrence.Shift(Recurrence.WithCount(series.RecurrenceRule, rest.Count + 1), (int)dayShift.TotalDays);
        var next = new TutoringSeries
        {
            SchoolId = series.SchoolId,
            TutorId = session.TutorId,
            Subject = session.Subject,
            RecurrenceRule = rule,
            TimeZone = series.TimeZone,
            FirstStartUtc = SessionTimes.ToUtc(newStart, zone),
            DurationMinutes = (int)length.TotalMinutes,
            CreatedByUserId = series.CreatedByUserId,
        };
        series.RecurrenceRule = Recurrence.EndBefore(series.RecurrenceRule, pivot);
        foreach (var moved in rest.Prepend(session))
        {
            var original = SessionTimes.ToLocal(moved.RecurrenceIdUtc ?? moved.StartUtc, zone);
            moved.Series = next;
            moved.RecurrenceIdUtc = SessionTimes.ToUtc(original.Date + dayShift + newStart.TimeOfDay, zone);
        }

        session.Detached = false;
        return next;
    }

    private async Task ChangedAsync(LyceumDbContext db, TutoringSession session, string what, CancellationToken cancellationToken)
    {
        var students = session.Students.Count > 0
            ? session.Students.Select(s => s.StudentId).ToList()
            : await db.TutoringSessionStudents.Where(s => s.SessionId == session.Id).Select(s => s.StudentId).ToListAsync(cancellationToken);
        var guardians = await Outbox.GuardianAccountsAsync(db, students, cancellationToken);
        var tutorUser = await db.Staff.Where(s => s.Id == session.TutorId).Select(s => s.UserId).FirstOrDefaultAsync(cancellationToken);
        var zone = SessionTimes.Zone(session.TimeZone) ?? TimeZoneInfo.Utc;
        var when = SessionClashes.When(SessionTimes.ToLocal(session.StartUtc, zone), SessionTimes.ToLocal(session.EndUtc, zone));
        var title = $"{session.Subject} on {when}: {what}";
        var recipients = students.SelectMany(s => guardians[s]).Append(tutorUser ?? Guid.Empty).Where(u => u != Guid.Empty)
            .Select(u => new NotificationDraft(u, title, session.Status == SessionStatus.Cancelled ? session.CancelReason : null, "/tutoring"));
        Outbox.Add(db, clock.GetUtcNow().UtcDateTime, SessionChanged, new { sessionId = session.Id, session.SeriesId, session.Status, session.StartUtc, session.EndUtc, what },
            session.SchoolId, recipients);
    }

    private static Error.Conflict Clash(IReadOnlyList<SessionClash> clashes) =>
        new($"{clashes[0].Description}{(clashes.Count > 1 ? $" ({clashes.Count} clashes in all.)" : "")}",
            new Dictionary<string, object?> { ["conflicts"] = clashes });

    /// <summary>A time as the session's wall clock: one sent without an offset is read as such; one with an offset (or Z) is converted.</summary>
    private static DateTime Wall(DateTime value, TimeZoneInfo zone) => value.Kind switch
    {
        DateTimeKind.Utc => SessionTimes.ToLocal(value, zone),
        DateTimeKind.Local => SessionTimes.ToLocal(value.ToUniversalTime(), zone),
        _ => value,
    };

    private static string Word(SessionStatus status) => status switch
    {
        SessionStatus.NoShow => "a no-show",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static Error.NotFound NotFound(int id) => new($"There is no session {id}.");
}
