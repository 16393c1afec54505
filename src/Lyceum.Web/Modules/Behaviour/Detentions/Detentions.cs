using System.Linq.Expressions;
using Lyceum.Modules.Behaviour.Rules;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Behaviour.Detentions;

public sealed record DetentionRequest(
    int? StudentId, DateOnly? Date, TimeOnly? StartTime, int? DurationMinutes, int? SupervisorId, string? Reason,
    int? RoomId = null, int? IncidentId = null);

/// <summary>completed, missed or cancelled (scheduled again only as a repeat of a detention still scheduled), with a note.</summary>
public sealed record DetentionStatusRequest(DetentionStatus? Status, string? Note = null);

public sealed record DetentionView(
    int Id, int SchoolId, int StudentId, string StudentNumber, string FirstName, string LastName, string? FormGroup, DateOnly Date,
    TimeOnly StartTime, TimeOnly EndTime, int DurationMinutes, int? RoomId, string? Room, int SupervisorId, string Supervisor, string Reason,
    int? IncidentId, int? RuleId, DetentionStatus Status, string? Note, Guid Version);

/// <summary>Filters of the detentions list; <see cref="Mine"/> keeps those the caller supervises (a supervisor's own list).</summary>
public sealed record DetentionFilter(
    DateOnly? Date = null, DateOnly? From = null, DateOnly? To = null, int? SupervisorId = null, int? StudentId = null, DetentionStatus? Status = null,
    int? SchoolId = null, bool Mine = false);

/// <summary>
/// Detentions: schedule one for a student (checked against the student's, the supervisor's and the room's day), list
/// and read them, and mark how each went. Reach is the student's (detentions.view / detentions.edit) plus the
/// supervisor's own list: whoever supervises a detention sees it and, with detentions.edit, marks it. Marking one
/// missed runs the school's rules in the same transaction (missed detentions can lead to another).
/// </summary>
public sealed class DetentionsHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, BehaviourRulesEngine rules, TimeProvider clock)
{
    public static readonly IReadOnlyDictionary<string, Expression<Func<Detention, object?>>> SortFields =
        new Dictionary<string, Expression<Func<Detention, object?>>>(StringComparer.Ordinal)
        {
            ["date"] = d => d.Date,
            ["startTime"] = d => d.StartTime,
            ["lastName"] = d => d.Student!.LastName,
            ["status"] = d => d.Status,
        };

    private static readonly SortField[] DefaultSort = [new("date", false), new("startTime", false), new("lastName", false)];

    public async Task<Result<DetentionView>> CreateAsync(Caller caller, DetentionRequest r, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (r.StudentId is null)
        {
            errors.Add("studentId", "This field is required.");
        }

        if (r.Date is null)
        {
            errors.Add("date", "This field is required.");
        }

        if (r.StartTime is null)
        {
            errors.Add("startTime", "This field is required.");
        }

        if (r.DurationMinutes is not { } minutes)
        {
            errors.Add("durationMinutes", "This field is required.");
        }
        else if (minutes is < BehaviourRuleKind.MinDetentionMinutes or > BehaviourRuleKind.MaxDetentionMinutes)
        {
            errors.Add("durationMinutes", $"Must be from {BehaviourRuleKind.MinDetentionMinutes} to {BehaviourRuleKind.MaxDetentionMinutes} minutes.");
        }
        else if (r.StartTime is { } begins && begins.AddMinutes(minutes) < begins)
        {
            errors.Add("durationMinutes", "The detention must end on the day it starts.");
        }

        if (r.SupervisorId is null)
        {
            errors.Add("supervisorId", "This field is required.");
        }

        errors.Required("reason", r.Reason);
        errors.MaxLength("reason", r.Reason, 500);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var studentId = r.StudentId!.Value;
        var student = await access.Reachable(db.Students.AsNoTracking(), caller, Permissions.DetentionsEdit, Permissions.DetentionsView)
            .Where(s => s.Id == studentId).Select(s => new { s.SchoolId, Archived = s.ArchivedAt != null, s.School!.TimeZone })
            .FirstOrDefaultAsync(cancellationToken);
        if (student is null || student.Archived)
        {
            return Error.Field("studentId", student is null ? $"There is no student {studentId} that you may give a detention." : $"Student {studentId} is archived.");
        }

        var school = student.SchoolId;
        var (date, start) = (r.Date!.Value, r.StartTime!.Value);
        var today = clock.Today(student.TimeZone);
        if (date < today)
        {
            errors.Add("date", $"Must not be in the past: today at the school is {today:yyyy-MM-dd}.");
        }
        else if (date == today && start < SchoolTime.Now(clock, student.TimeZone))
        {
            errors.Add("startTime", "Has already passed today at the school.");
        }

        var supervisorId = r.SupervisorId!.Value;
        if (!await db.Staff.AnyAsync(s => s.Id == supervisorId && s.SchoolId == school && s.ArchivedAt == null, cancellationToken))
        {
            errors.Add("supervisorId", $"There is no member of staff {supervisorId} at the student's school (or they have left).");
        }

        if (r.RoomId is { } roomId && !await db.Rooms.AnyAsync(x => x.Id == roomId && x.SchoolId == school && x.ArchivedAt == null, cancellationToken))
        {
            errors.Add("roomId", $"There is no room {roomId} at the student's school (or it is archived).");
        }

        if (r.IncidentId is { } incidentId && !await db.IncidentStudents.AnyAsync(l => l.IncidentId == incidentId && l.StudentId == studentId, cancellationToken))
        {
            errors.Add("incidentId", $"There is no incident {incidentId} of this student.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        await DetentionChecks.CheckAsync(db, new DetentionSlot(studentId, date, start, r.DurationMinutes!.Value, supervisorId, r.RoomId), 0, errors, cancellationToken);
        if (errors.Any)
        {
            return errors.ToError();
        }

        var detention = new Detention
        {
            SchoolId = school,
            StudentId = studentId,
            Date = date,
            StartTime = start,
            DurationMinutes = r.DurationMinutes!.Value,
            RoomId = r.RoomId,
            SupervisorId = supervisorId,
            Reason = r.Reason!.Trim(),
            IncidentId = r.IncidentId,
            Status = DetentionStatus.Scheduled,
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            db.Detentions.Add(detention);
            await db.SaveChangesAsync(cancellationToken);
            await BehaviourEvents.DetentionScheduledAsync(db, clock.GetUtcNow().UtcDateTime, detention, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return (await ReadAsync(db, caller, detention.Id, CancellationToken.None))!;
    }

    public async Task<Result<PagedResult<DetentionView>>> ListAsync(Caller caller, ListQuery query, DetentionFilter filter, CancellationToken cancellationToken)
    {
        var parsed = query.Parse(SortFields.Keys.ToList());
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
        }

        if (filter is { From: { } from, To: { } to } && to < from)
        {
            return Error.Field("to", "Must not be before from.");
        }

        var request = parsed.Value!;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = Visible(db, caller).AsNoTracking();
        if (filter.Date is { } date)
        {
            rows = rows.Where(d => d.Date == date);
        }

        if (filter.From is { } since)
        {
            rows = rows.Where(d => d.Date >= since);
        }

        if (filter.To is { } until)
        {
            rows = rows.Where(d => d.Date <= until);
        }

        if (filter.SupervisorId is { } supervisor)
        {
            rows = rows.Where(d => d.SupervisorId == supervisor);
        }

        if (filter.Mine)
        {
            var own = CallerStaff.Of(db, caller).Select(s => s.Id);
            rows = rows.Where(d => own.Contains(d.SupervisorId));
        }

        if (filter.StudentId is { } student)
        {
            rows = rows.Where(d => d.StudentId == student);
        }

        if (filter.Status is { } status)
        {
            rows = rows.Where(d => d.Status == status);
        }

        if (filter.SchoolId is { } school)
        {
            rows = rows.Where(d => d.SchoolId == school);
        }

        if (request.Q is { } q)
        {
            foreach (var term in SearchFolding.Terms(q))
            {
                var pattern = $"%{Like.Escape(term)}%";
                rows = rows.Where(d => EF.Functions.Like(d.Student!.SearchText, pattern, Like.EscapeCharacter)
                                       || EF.Functions.Like(d.Reason.ToLower(), pattern, Like.EscapeCharacter));
            }
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await Views(rows.SortBy(request.Sort, SortFields, DefaultSort, d => d.Id).Skip(request.Skip).Take(request.PageSize))
            .ToListAsync(cancellationToken);
        return new PagedResult<DetentionView>(items, request.Page, request.PageSize, total);
    }

    public async Task<Result<DetentionView>> GetAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadAsync(db, caller, id, cancellationToken) is { } view ? view : NotFound(id);
    }

    /// <summary>
    /// Marks how a scheduled detention went (completed, missed) or calls it off (cancelled). The same status again is
    /// the same answer and changes nothing; any other change of a detention no longer scheduled is 409.
    /// </summary>
    public async Task<Result<DetentionView>> SetStatusAsync(Caller caller, int id, DetentionStatusRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.Status is null)
        {
            errors.Add("status", "This field is required: completed, missed or cancelled.");
        }

        errors.MaxLength("note", request.Note, 500);
        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var detention = await Visible(db, caller).FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (detention is null)
        {
            return NotFound(id);
        }

        if (!await Editable(db, caller).AnyAsync(d => d.Id == id, cancellationToken))
        {
            return new Error.Forbidden("Your role may not mark this detention: only its supervisor or staff who may give this student detentions.");
        }

        var status = request.Status!.Value;
        if (detention.Status == status)
        {
            return (await ReadAsync(db, caller, id, cancellationToken))!;
        }

        if (detention.Status != DetentionStatus.Scheduled)
        {
            return new Error.Conflict($"This detention is already {Word(detention.Status)}; it cannot become {Word(status)}.");
        }

        var zone = await SchoolTime.ZoneAsync(db, detention.SchoolId, cancellationToken);
        if (status is DetentionStatus.Completed or DetentionStatus.Missed && detention.Date > clock.Today(zone))
        {
            return new Error.Conflict($"This detention is on {detention.Date:yyyy-MM-dd} and has not taken place yet: it can be cancelled, not marked {Word(status)}.");
        }

        detention.Status = status;
        detention.Note = TextInput.Blank(request.Note);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            if (status == DetentionStatus.Missed)
            {
                var marker = await CallerStaff.AtSchoolAsync(db, caller, detention.SchoolId, cancellationToken) ?? detention.SupervisorId;
                await rules.ApplyAsync(db, detention.SchoolId, [detention.StudentId], marker, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Marked by someone else at the same moment: the same mark is this answer; another one is a conflict.
            db.ChangeTracker.Clear();
            var now = await ReadAsync(db, caller, id, cancellationToken);
            return now is not null && now.Status == status
                ? now
                : new Error.Conflict("Someone else marked this detention at the same moment. Reload it to see how it stands.");
        }

        return (await ReadAsync(db, caller, id, cancellationToken))!;
    }

    /// <summary>The caller's own staff records (a supervisor's list is theirs at each school).</summary>
    public async Task<IReadOnlyList<int>> OwnStaffIdsAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await CallerStaff.Of(db, caller).Where(s => s.ArchivedAt == null).Select(s => s.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Today where the caller works (the school of their staff record), else in UTC: the day a supervisor's list opens on.</summary>
    public async Task<DateOnly> TodayAsync(Caller caller, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var school = await CallerStaff.Of(db, caller).Where(s => s.ArchivedAt == null).OrderBy(s => s.Id).Select(s => (int?)s.SchoolId).FirstOrDefaultAsync(cancellationToken);
        return school is { } id ? await clock.TodayAtAsync(db, id, cancellationToken) : clock.Today(null);
    }

    /// <summary>Whether the caller may mark these detentions (a page's buttons).</summary>
    public async Task<IReadOnlySet<int>> MarkableAsync(Caller caller, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        if (!caller.Can(Permissions.DetentionsEdit) || ids.Count == 0)
        {
            return new HashSet<int>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await Editable(db, caller).Where(d => ids.Contains(d.Id)).Select(d => d.Id).ToListAsync(cancellationToken)).ToHashSet();
    }

    /// <summary>Detentions of the students the caller's detentions.view reaches, and those the caller supervises.</summary>
    private IQueryable<Detention> Visible(LyceumDbContext db, Caller caller)
    {
        if (caller.CanEverywhere(Permissions.DetentionsView))
        {
            return db.Detentions;
        }

        var students = access.Reachable(db.Students, caller, Permissions.DetentionsView).Select(s => s.Id);
        var own = CallerStaff.Of(db, caller).Select(s => s.Id);
        return db.Detentions.Where(d => students.Contains(d.StudentId) || own.Contains(d.SupervisorId));
    }

    /// <summary>
    /// Those the caller may mark: of students reached by detentions.edit and .view, and, with detentions.edit in any
    /// scope, those they supervise.
    /// </summary>
    private IQueryable<Detention> Editable(LyceumDbContext db, Caller caller)
    {
        if (!caller.Can(Permissions.DetentionsEdit))
        {
            return db.Detentions.Where(_ => false);
        }

        if (caller.CanEverywhere(Permissions.DetentionsEdit) && caller.CanEverywhere(Permissions.DetentionsView))
        {
            return db.Detentions;
        }

        var students = access.Reachable(db.Students, caller, Permissions.DetentionsEdit, Permissions.DetentionsView).Select(s => s.Id);
        var own = CallerStaff.Of(db, caller).Select(s => s.Id);
        return db.Detentions.Where(d => students.Contains(d.StudentId) || own.Contains(d.SupervisorId));
    }

    private async Task<DetentionView?> ReadAsync(LyceumDbContext db, Caller caller, int id, CancellationToken cancellationToken) =>
        await Views(Visible(db, caller).AsNoTracking().Where(d => d.Id == id)).FirstOrDefaultAsync(cancellationToken);

    private static IQueryable<DetentionView> Views(IQueryable<Detention> rows) =>
        rows.Select(d => new DetentionView(
            d.Id, d.SchoolId, d.StudentId, d.Student!.StudentNumber, d.Student.FirstName, d.Student.LastName, d.Student.FormGroup, d.Date,
            d.StartTime, d.StartTime.AddMinutes(d.DurationMinutes), d.DurationMinutes, d.RoomId, d.Room == null ? null : d.Room.Name, d.SupervisorId,
            (d.Supervisor!.Title == null ? "" : d.Supervisor.Title + " ") + d.Supervisor.FirstName + " " + d.Supervisor.LastName,
            d.Reason, d.IncidentId, d.RuleId, d.Status, d.Note, d.Version));

    private static string Word(DetentionStatus status) => status.ToString().ToLowerInvariant();

    private static Error.NotFound NotFound(int id) => new($"There is no detention {id}.");
}
