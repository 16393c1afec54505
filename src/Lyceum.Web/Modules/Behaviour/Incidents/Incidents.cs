using System.Linq.Expressions;
using Lyceum.Modules.Behaviour.Rules;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Behaviour.Incidents;

/// <summary>
/// An incident as logged or changed. Severity and points default to the type's; <see cref="OccurredAt"/> to now. On an
/// edit, <see cref="StudentIds"/> left out (null) keeps the students the incident has.
/// </summary>
public sealed record IncidentRequest(
    IReadOnlyList<int>? StudentIds, int? TypeId, int? Severity = null, int? Points = null, DateTime? OccurredAt = null,
    string? Location = null, string? Description = null, int? SectionId = null);

/// <summary>A student of an incident with the signed points it gave them.</summary>
public sealed record IncidentStudentView(int StudentId, string FirstName, string LastName, int Points);

/// <summary>
/// An incident as the caller sees it: <see cref="Students"/> lists only the students the caller's behaviour.view
/// reaches (a parent sees their own child, never who else was involved).
/// </summary>
public sealed record IncidentView(
    int Id, int SchoolId, int TypeId, string Type, BehaviourPolarity Polarity, int Severity, int Points, DateTime OccurredAt,
    string? Location, string? Description, int? SectionId, string? Section, int? ReporterId, string? Reporter,
    IReadOnlyList<IncidentStudentView> Students, Guid Version);

/// <summary>Filters of the incidents list besides paging, search and sort.</summary>
public sealed record IncidentFilter(int? StudentId = null, int? SchoolId = null, int? TypeId = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>
/// Incidents: log one for several students at once, list, read, change and delete them. Reach goes through the
/// students: logging needs behaviour.create over every student named; a viewer sees an incident when they reach one
/// of its students, and only those students in it; changing or deleting needs the permission over all of them.
/// Logging (and a change that adds students or points) runs the school's rules in the same transaction.
/// </summary>
public sealed class IncidentsHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access, BehaviourRulesEngine rules, TimeProvider clock)
{
    public const int MaxStudents = 100;

    /// <summary>How far ahead of the server's clock an incident's time may be (a phone whose clock runs fast).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static readonly IReadOnlyDictionary<string, Expression<Func<Incident, object?>>> SortFields =
        new Dictionary<string, Expression<Func<Incident, object?>>>(StringComparer.Ordinal)
        {
            ["occurredAt"] = i => i.OccurredAt,
            ["severity"] = i => i.Severity,
            ["points"] = i => i.Points,
            ["type"] = i => i.Type!.Name,
        };

    private static readonly SortField[] DefaultSort = [new("occurredAt", true)];

    public async Task<Result<IncidentView>> CreateAsync(Caller caller, IncidentRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var now = clock.GetUtcNow().UtcDateTime;
        CheckFields(request, now, errors);
        var ids = (request.StudentIds ?? []).Distinct().ToList();
        if (ids.Count == 0)
        {
            errors.Add("studentIds", "Name at least one student.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var school = await StudentsSchoolAsync(db, caller, ids, Permissions.BehaviourCreate, errors, cancellationToken);
        var type = school is { } schoolId ? await TypeAsync(db, schoolId, request.TypeId!.Value, errors, cancellationToken) : null;
        if (school is { } inSchool)
        {
            await CheckSectionAsync(db, caller, inSchool, request.SectionId, errors, cancellationToken);
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var reporter = await CallerStaff.AtSchoolAsync(db, caller, school!.Value, cancellationToken);
        var points = request.Points ?? type!.DefaultPoints;
        var incident = new Incident
        {
            SchoolId = school.Value,
            TypeId = type!.Id,
            Polarity = type.Polarity,
            Severity = request.Severity ?? type.DefaultSeverity,
            Points = points,
            OccurredAt = Utc(request.OccurredAt) ?? now,
            Location = TextInput.Blank(request.Location),
            Description = TextInput.Blank(request.Description),
            SectionId = request.SectionId,
            ReporterId = reporter,
            ReportedByUserId = caller.UserId,
            Students = [.. ids.Select(id => new IncidentStudent { StudentId = id, Points = Signed(type.Polarity, points) })],
        };

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            db.Incidents.Add(incident);
            await db.SaveChangesAsync(cancellationToken);
            await BehaviourEvents.IncidentAsync(db, now, incident, type.Name, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await rules.ApplyAsync(db, incident.SchoolId, ids, reporter, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Saved: answer it even if the client has gone, so that a retry with an Idempotency-Key finds the answer kept.
        return (await ReadAsync(db, caller, incident.Id, CancellationToken.None))!;
    }

    public async Task<Result<PagedResult<IncidentView>>> ListAsync(Caller caller, ListQuery query, IncidentFilter filter, CancellationToken cancellationToken)
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
        var seen = SeenStudents(db, caller);
        var rows = Visible(db, caller);
        if (filter.StudentId is { } studentId)
        {
            rows = rows.Where(i => i.Students.Any(s => s.StudentId == studentId && seen.Contains(s.StudentId)));
        }

        if (filter.SchoolId is { } schoolId)
        {
            rows = rows.Where(i => i.SchoolId == schoolId);
        }

        if (filter.TypeId is { } typeId)
        {
            rows = rows.Where(i => i.TypeId == typeId);
        }

        if (filter.From is { } start)
        {
            var since = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            rows = rows.Where(i => i.OccurredAt >= since);
        }

        if (filter.To is { } end)
        {
            var until = end.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            rows = rows.Where(i => i.OccurredAt < until);
        }

        if (request.Q is { } q)
        {
            // The type, the place and the names of the students the caller sees: never a hidden student's name.
            foreach (var term in SearchFolding.Terms(q))
            {
                var pattern = $"%{Like.Escape(term)}%";
                rows = rows.Where(i => EF.Functions.Like(i.Type!.Name.ToLower(), pattern, Like.EscapeCharacter)
                                       || EF.Functions.Like((i.Location ?? "").ToLower(), pattern, Like.EscapeCharacter)
                                       || i.Students.Any(s => seen.Contains(s.StudentId) && EF.Functions.Like(s.Student!.SearchText, pattern, Like.EscapeCharacter)));
            }
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await Views(rows.SortBy(request.Sort, SortFields, DefaultSort, i => i.Id).Skip(request.Skip).Take(request.PageSize), seen)
            .ToListAsync(cancellationToken);
        return new PagedResult<IncidentView>(items, request.Page, request.PageSize, total);
    }

    public async Task<Result<IncidentView>> GetAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ReadAsync(db, caller, id, cancellationToken) is { } view ? view : NotFound(id);
    }

    public async Task<Result<IncidentView>> EditAsync(Caller caller, int id, Guid expectedVersion, IncidentRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var incident = await Visible(db, caller).Include(i => i.Students).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (incident is null)
        {
            return NotFound(id);
        }

        if (!await ReachesAllAsync(db, caller, incident, Permissions.BehaviourEdit, cancellationToken))
        {
            return new Error.Forbidden("This incident involves students your role may not change. Ask someone who may change them all.");
        }

        if (incident.Version != expectedVersion)
        {
            return Stale;
        }

        CheckFields(request, now, errors);
        var ids = request.StudentIds?.Distinct().ToList() ?? [.. incident.Students.Select(s => s.StudentId)];
        if (ids.Count == 0)
        {
            errors.Add("studentIds", "Name at least one student, or delete the incident.");
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var added = ids.Except(incident.Students.Select(s => s.StudentId)).ToList();
        var school = await StudentsSchoolAsync(db, caller, ids, Permissions.BehaviourEdit, errors, cancellationToken);
        if (school is { } inSchool && inSchool != incident.SchoolId)
        {
            errors.Add("studentIds", "An incident stays at its school: name students of that school.");
        }

        var type = await TypeAsync(db, incident.SchoolId, request.TypeId!.Value, errors, cancellationToken);
        await CheckSectionAsync(db, caller, incident.SchoolId, request.SectionId, errors, cancellationToken);
        if (errors.Any)
        {
            return errors.ToError();
        }

        var points = request.Points ?? type!.DefaultPoints;
        incident.TypeId = type!.Id;
        incident.Polarity = type.Polarity;
        incident.Severity = request.Severity ?? type.DefaultSeverity;
        incident.Points = points;
        incident.OccurredAt = Utc(request.OccurredAt) ?? incident.OccurredAt;
        incident.Location = TextInput.Blank(request.Location);
        incident.Description = TextInput.Blank(request.Description);
        incident.SectionId = request.SectionId;
        incident.Students.RemoveAll(s => !ids.Contains(s.StudentId));
        foreach (var student in added)
        {
            incident.Students.Add(new IncidentStudent { StudentId = student });
        }

        foreach (var line in incident.Students)
        {
            line.Points = Signed(incident.Polarity, points);
        }

        if (db.Entry(incident).State == EntityState.Unchanged && db.ChangeTracker.HasChanges())
        {
            // Only its students changed: the incident still gets a new version, so a concurrent edit of it fails.
            db.Entry(incident).Property(i => i.UpdatedAt).IsModified = true;
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            if (added.Count > 0)
            {
                // The guardians of a student added to the incident hear of it as of any new incident.
                await BehaviourEvents.IncidentAsync(db, now, incident, type.Name, cancellationToken, only: added);
                await db.SaveChangesAsync(cancellationToken);
            }

            await rules.ApplyAsync(db, incident.SchoolId, ids, await CallerStaff.AtSchoolAsync(db, caller, incident.SchoolId, cancellationToken) ?? incident.ReporterId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale;
        }

        return await ReadAsync(db, caller, id, cancellationToken) is { } view ? view : NotFound(id);
    }

    /// <summary>Deletes an incident logged by mistake; its ledger lines go with it. 409 while a detention names it.</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Its students are loaded, so that their lines are in the audit trail as they go.
        var incident = await Visible(db, caller).Include(i => i.Students).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (incident is null)
        {
            return NotFound(id);
        }

        if (!await ReachesAllAsync(db, caller, incident, Permissions.BehaviourDelete, cancellationToken))
        {
            return new Error.Forbidden("This incident involves students your role may not delete incidents of.");
        }

        if (await db.Detentions.CountAsync(d => d.IncidentId == id, cancellationToken) is var detentions and > 0)
        {
            return new Error.Conflict($"This incident cannot be deleted: {detentions} detention{(detentions == 1 ? "" : "s")} refer to it. Cancel or change them first.");
        }

        db.Incidents.Remove(incident);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await db.Incidents.AnyAsync(i => i.Id == id, cancellationToken) ? Stale : true;
        }
        catch (DbUpdateException)
        {
            return new Error.Conflict("This incident cannot be deleted: a detention came to refer to it meanwhile.");
        }

        return true;
    }

    /// <summary>Whether the caller may log incidents at all, and for which of these students (a form's choices).</summary>
    public async Task<IReadOnlySet<int>> LoggableAsync(Caller caller, IReadOnlyCollection<int> studentIds, CancellationToken cancellationToken)
    {
        if (!caller.Can(Permissions.BehaviourCreate) || studentIds.Count == 0)
        {
            return new HashSet<int>();
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await access.Reachable(db.Students.AsNoTracking(), caller, Permissions.BehaviourCreate, Permissions.BehaviourView)
            .Where(s => studentIds.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken)).ToHashSet();
    }

    /// <summary>The students the caller may log an incident for, found by name or number (the log form's search), or by id.</summary>
    public async Task<IReadOnlyList<IncidentStudentChoice>> FindStudentsAsync(Caller caller, string? q, int take, CancellationToken cancellationToken, int? id = null)
    {
        if (!caller.Can(Permissions.BehaviourCreate))
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = access.Reachable(db.Students.AsNoTracking(), caller, Permissions.BehaviourCreate, Permissions.BehaviourView).Where(s => s.ArchivedAt == null);
        if (id is { } one)
        {
            rows = rows.Where(s => s.Id == one);
        }

        foreach (var term in SearchFolding.Terms(q ?? ""))
        {
            var pattern = $"%{Like.Escape(term)}%";
            rows = rows.Where(s => EF.Functions.Like(s.SearchText, pattern, Like.EscapeCharacter));
        }

        return await rows.OrderBy(s => s.LastName).ThenBy(s => s.FirstName).ThenBy(s => s.Id).Take(take)
            .Select(s => new IncidentStudentChoice(s.Id, s.SchoolId, s.FirstName, s.LastName, s.StudentNumber, s.FormGroup))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The live types of a school, for a log form.</summary>
    public async Task<IReadOnlyList<BehaviourTypeView>> TypesAsync(int schoolId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.BehaviourTypes.AsNoTracking().Where(t => t.SchoolId == schoolId && t.ArchivedAt == null)
            .OrderByDescending(t => t.Polarity).ThenBy(t => t.Name)
            .Select(t => new BehaviourTypeView(t.Id, t.SchoolId, t.Name, t.Polarity, t.DefaultSeverity, t.DefaultPoints, false, t.Version))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Each school's time zone, for a page that shows incidents' times where they happened.</summary>
    public async Task<IReadOnlyDictionary<int, string>> TimeZonesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.TimeZone, cancellationToken);
    }

    private static void CheckFields(IncidentRequest r, DateTime now, FieldErrors errors)
    {
        if (r.StudentIds is { Count: > MaxStudents })
        {
            errors.Add("studentIds", $"At most {MaxStudents} students in one incident.");
        }

        if (r.TypeId is null)
        {
            errors.Add("typeId", "This field is required.");
        }

        BehaviourChecks.Severity(errors, "severity", r.Severity);
        BehaviourChecks.Points(errors, "points", r.Points);
        errors.MaxLength("location", r.Location, 120);
        errors.MaxLength("description", r.Description, 2000);
        if (Utc(r.OccurredAt) is { } at)
        {
            if (at > now + ClockSkew)
            {
                errors.Add("occurredAt", "Must not be in the future.");
            }
            else if (at.Year < 2000)
            {
                errors.Add("occurredAt", "Must be a time since 2000.");
            }
        }
    }

    /// <summary>
    /// The one school of the students, each reached by <paramref name="permission"/> and behaviour.view and not archived;
    /// otherwise field errors on <c>studentIds</c> (an unreachable student reads as one that does not exist).
    /// </summary>
    private async Task<int?> StudentsSchoolAsync(LyceumDbContext db, Caller caller, IReadOnlyList<int> ids, string permission, FieldErrors errors, CancellationToken cancellationToken)
    {
        var found = await access.Reachable(db.Students.AsNoTracking(), caller, permission, Permissions.BehaviourView)
            .Where(s => ids.Contains(s.Id))
            .Select(s => new { s.Id, s.SchoolId, Archived = s.ArchivedAt != null })
            .ToListAsync(cancellationToken);
        foreach (var missing in ids.Except(found.Select(s => s.Id)))
        {
            errors.Add("studentIds", $"There is no student {missing} that you may log behaviour for.");
        }

        foreach (var archived in found.Where(s => s.Archived))
        {
            errors.Add("studentIds", $"Student {archived.Id} is archived.");
        }

        var schools = found.Select(s => s.SchoolId).Distinct().ToList();
        if (schools.Count > 1)
        {
            errors.Add("studentIds", "The students of one incident must be at one school.");
        }

        return schools.Count == 1 && !errors.Any ? schools[0] : null;
    }

    private static async Task<BehaviourType?> TypeAsync(LyceumDbContext db, int schoolId, int typeId, FieldErrors errors, CancellationToken cancellationToken)
    {
        var type = await db.BehaviourTypes.AsNoTracking().FirstOrDefaultAsync(t => t.Id == typeId && t.SchoolId == schoolId && t.ArchivedAt == null, cancellationToken);
        if (type is null)
        {
            errors.Add("typeId", $"There is no behaviour type {typeId} at the students' school (or it is archived).");
        }

        return type;
    }

    private async Task CheckSectionAsync(LyceumDbContext db, Caller caller, int schoolId, int? sectionId, FieldErrors errors, CancellationToken cancellationToken)
    {
        if (sectionId is { } id && !await access.Reachable(db.Sections.AsNoTracking(), caller, Permissions.SectionsView)
                .AnyAsync(s => s.Id == id && s.Course!.SchoolId == schoolId && s.ArchivedAt == null, cancellationToken))
        {
            errors.Add("sectionId", $"There is no section {id} at the students' school that you can see.");
        }
    }

    private async Task<bool> ReachesAllAsync(LyceumDbContext db, Caller caller, Incident incident, string permission, CancellationToken cancellationToken)
    {
        var ids = incident.Students.Select(s => s.StudentId).ToList();
        var reached = await access.Reachable(db.Students.AsNoTracking(), caller, permission, Permissions.BehaviourView)
            .CountAsync(s => ids.Contains(s.Id), cancellationToken);
        return reached == ids.Count;
    }

    /// <summary>The ids of the students whose behaviour the caller sees.</summary>
    private IQueryable<int> SeenStudents(LyceumDbContext db, Caller caller) =>
        access.Reachable(db.Students, caller, Permissions.BehaviourView).Select(s => s.Id);

    /// <summary>The incidents the caller sees: those with at least one student they see.</summary>
    private IQueryable<Incident> Visible(LyceumDbContext db, Caller caller)
    {
        if (caller.CanEverywhere(Permissions.BehaviourView))
        {
            return db.Incidents;
        }

        var seen = SeenStudents(db, caller);
        return db.Incidents.Where(i => i.Students.Any(s => seen.Contains(s.StudentId)));
    }

    private async Task<IncidentView?> ReadAsync(LyceumDbContext db, Caller caller, int id, CancellationToken cancellationToken) =>
        await Views(Visible(db, caller).AsNoTracking().Where(i => i.Id == id), SeenStudents(db, caller)).FirstOrDefaultAsync(cancellationToken);

    private static IQueryable<IncidentView> Views(IQueryable<Incident> rows, IQueryable<int> seen) =>
        rows.Select(i => new IncidentView(
            i.Id, i.SchoolId, i.TypeId, i.Type!.Name, i.Polarity, i.Severity, i.Points, i.OccurredAt, i.Location, i.Description,
            i.SectionId, i.Section == null ? null : i.Section.Name, i.ReporterId,
            i.Reporter == null ? null : (i.Reporter.Title == null ? "" : i.Reporter.Title + " ") + i.Reporter.FirstName + " " + i.Reporter.LastName,
            i.Students.Where(s => seen.Contains(s.StudentId))
                .OrderBy(s => s.Student!.LastName).ThenBy(s => s.Student!.FirstName)
                .Select(s => new IncidentStudentView(s.StudentId, s.Student!.FirstName, s.Student.LastName, s.Points))
                .ToList(),
            i.Version));

    private static int Signed(BehaviourPolarity polarity, int points) => polarity == BehaviourPolarity.Negative ? -points : points;

    private static DateTime? Utc(DateTime? at) => at switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
        { } other => DateTime.SpecifyKind(other, DateTimeKind.Utc),
    };

    private static Error.NotFound NotFound(int id) => new($"There is no incident {id}.");

    private static Error.PreconditionFailed Stale =>
        new("This incident was changed by someone else since you read it. Reload it and apply your change again.");
}

/// <summary>A student a log form offers.</summary>
public sealed record IncidentStudentChoice(int Id, int SchoolId, string FirstName, string LastName, string StudentNumber, string? FormGroup);
