using System.Linq.Expressions;
using Lyceum.Modules.Staff;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Records;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Behaviour;

public sealed record BehaviourTypeRequest(int? SchoolId, string? Name, BehaviourPolarity? Polarity, int? DefaultSeverity, int? DefaultPoints);

public sealed record BehaviourTypeView(
    int Id, int SchoolId, string Name, BehaviourPolarity Polarity, int DefaultSeverity, int DefaultPoints, bool Archived, Guid Version) : IRecordView;

/// <summary>
/// A school's kind of incident, positive or negative, with the severity (1–4) and points an incident of it gets unless
/// the person logging it says otherwise. Incidents copy its polarity, so editing a type never rewrites the ledger.
/// </summary>
public sealed class BehaviourTypeKind : SchoolOwnedKind<BehaviourType, BehaviourTypeRequest, BehaviourTypeView>
{
    public const int MaxPoints = 100;

    public override string Route => "behaviour-types";

    public override string Noun => "behaviour type";

    public override string Tag => "Behaviour";

    public override string ViewPermission => Permissions.BehaviourView;

    public override Expression<Func<BehaviourType, BehaviourTypeView>> View =>
        t => new BehaviourTypeView(t.Id, t.SchoolId, t.Name, t.Polarity, t.DefaultSeverity, t.DefaultPoints, t.ArchivedAt != null, t.Version);

    public override IReadOnlyDictionary<string, Expression<Func<BehaviourType, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<BehaviourType, object?>>>(StringComparer.Ordinal)
        {
            ["name"] = t => t.Name,
            ["polarity"] = t => t.Polarity,
            ["defaultSeverity"] = t => t.DefaultSeverity,
            ["defaultPoints"] = t => t.DefaultPoints,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("polarity", true), new("name", false)];

    public override Expression<Func<BehaviourType, bool>> Matches(string pattern) =>
        t => EF.Functions.Like(t.Name.ToLower(), pattern, Like.EscapeCharacter);

    protected override int? SchoolOf(BehaviourTypeRequest r) => r.SchoolId;

    protected override Task ValidateFieldsAsync(
        RecordContext context, BehaviourTypeRequest r, BehaviourType? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 80);
        if (r.Polarity is null)
        {
            errors.Add("polarity", "This field is required: positive or negative.");
        }

        BehaviourChecks.Severity(errors, "defaultSeverity", r.DefaultSeverity);
        BehaviourChecks.Points(errors, "defaultPoints", r.DefaultPoints);
        return Task.CompletedTask;
    }

    public override BehaviourType Create(BehaviourTypeRequest r)
    {
        var type = new BehaviourType { SchoolId = r.SchoolId!.Value, Name = r.Name!.Trim() };
        Apply(r, type);
        return type;
    }

    public override void Apply(BehaviourTypeRequest r, BehaviourType t)
    {
        t.Name = r.Name!.Trim();
        t.Polarity = r.Polarity!.Value;
        t.DefaultSeverity = r.DefaultSeverity ?? 1;
        t.DefaultPoints = r.DefaultPoints ?? 1;
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, BehaviourType t, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken,
            ("incidents", () => db.Incidents.CountAsync(i => i.TypeId == t.Id, cancellationToken)),
            ("rules", () => db.BehaviourRules.CountAsync(r => r.TypeId == t.Id, cancellationToken)));

    protected override (string Field, Expression<Func<BehaviourType, string>> Column, Func<BehaviourTypeRequest, string?> Value, string Message)? UniqueInSchool =>
        ("name", t => t.Name, r => r.Name, "This school already has a behaviour type named '{0}'.");
}

public sealed record BehaviourRuleRequest(
    int? SchoolId, string? Name, BehaviourRuleMeasure? Measure, int? TypeId, int? Threshold, int? WindowDays, BehaviourRuleAction? Action,
    TimeOnly? DetentionStart = null, int? DetentionMinutes = null, int? DetentionRoomId = null, int? DetentionSupervisorId = null);

public sealed record BehaviourRuleView(
    int Id, int SchoolId, string Name, BehaviourRuleMeasure Measure, int? TypeId, string? Type, int Threshold, int WindowDays,
    BehaviourRuleAction Action, TimeOnly? DetentionStart, int? DetentionMinutes, int? DetentionRoomId, int? DetentionSupervisorId,
    bool Archived, Guid Version) : IRecordView;

/// <summary>
/// "N negative points / incidents (of a type) / missed detentions within M days → a detention or an alert". The rules
/// engine (<see cref="Rules.BehaviourRulesEngine"/>) applies a school's live rules; a detention rule says when, how
/// long, where and (optionally) who supervises.
/// </summary>
public sealed class BehaviourRuleKind : SchoolOwnedKind<BehaviourRule, BehaviourRuleRequest, BehaviourRuleView>
{
    public const int MinDetentionMinutes = 5;

    public const int MaxDetentionMinutes = 240;

    public override string Route => "behaviour-rules";

    public override string Noun => "behaviour rule";

    public override string Tag => "Behaviour";

    public override string ViewPermission => Permissions.BehaviourView;

    public override Expression<Func<BehaviourRule, BehaviourRuleView>> View =>
        r => new BehaviourRuleView(
            r.Id, r.SchoolId, r.Name, r.Measure, r.TypeId, r.Type == null ? null : r.Type.Name, r.Threshold, r.WindowDays, r.Action,
            r.DetentionStart, r.DetentionMinutes, r.DetentionRoomId, r.DetentionSupervisorId, r.ArchivedAt != null, r.Version);

    public override IReadOnlyDictionary<string, Expression<Func<BehaviourRule, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<BehaviourRule, object?>>>(StringComparer.Ordinal)
        {
            ["name"] = r => r.Name,
            ["measure"] = r => r.Measure,
            ["threshold"] = r => r.Threshold,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("name", false)];

    public override Expression<Func<BehaviourRule, bool>> Matches(string pattern) =>
        r => EF.Functions.Like(r.Name.ToLower(), pattern, Like.EscapeCharacter);

    protected override int? SchoolOf(BehaviourRuleRequest r) => r.SchoolId;

    protected override async Task ValidateFieldsAsync(
        RecordContext context, BehaviourRuleRequest r, BehaviourRule? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        var db = context.Db;
        errors.Required("name", r.Name);
        errors.MaxLength("name", r.Name, 120);
        if (r.Measure is null)
        {
            errors.Add("measure", "This field is required: negativePoints, incidents or missedDetentions.");
        }

        if (r.Action is null)
        {
            errors.Add("action", "This field is required: detention or alert.");
        }

        if (r.Threshold is not { } threshold)
        {
            errors.Add("threshold", "This field is required.");
        }
        else if (threshold is < 1 or > 1000)
        {
            errors.Add("threshold", "Must be from 1 to 1000.");
        }

        if (r.WindowDays is not { } window)
        {
            errors.Add("windowDays", "This field is required.");
        }
        else if (window is < 1 or > 365)
        {
            errors.Add("windowDays", "Must be from 1 to 365 days.");
        }

        if (r.TypeId is { } typeId)
        {
            if (r.Measure == BehaviourRuleMeasure.MissedDetentions)
            {
                errors.Add("typeId", "A missed-detentions rule counts detentions, not incidents: leave the type out.");
            }
            else if (schoolId is { } school
                     && !await db.BehaviourTypes.AnyAsync(t => t.Id == typeId && t.SchoolId == school && t.ArchivedAt == null, cancellationToken))
            {
                errors.Add("typeId", $"There is no behaviour type {typeId} at the rule's school (or it is archived).");
            }
        }

        if (r.Action != BehaviourRuleAction.Detention)
        {
            return;
        }

        if (r.DetentionStart is null)
        {
            errors.Add("detentionStart", "A detention rule needs the time its detentions start.");
        }

        if (r.DetentionMinutes is not { } minutes)
        {
            errors.Add("detentionMinutes", "A detention rule needs the length of its detentions.");
        }
        else if (minutes is < MinDetentionMinutes or > MaxDetentionMinutes)
        {
            errors.Add("detentionMinutes", $"Must be from {MinDetentionMinutes} to {MaxDetentionMinutes} minutes.");
        }
        else if (r.DetentionStart is { } start && start.AddMinutes(minutes) < start)
        {
            errors.Add("detentionMinutes", "The detention must end on the day it starts.");
        }

        if (schoolId is not { } schoolOf)
        {
            return;
        }

        if (r.DetentionRoomId is { } room && !await db.Rooms.AnyAsync(x => x.Id == room && x.SchoolId == schoolOf && x.ArchivedAt == null, cancellationToken))
        {
            errors.Add("detentionRoomId", $"There is no room {room} at the rule's school (or it is archived).");
        }

        if (r.DetentionSupervisorId is { } supervisor
            && !await db.Staff.AnyAsync(s => s.Id == supervisor && s.SchoolId == schoolOf && s.ArchivedAt == null, cancellationToken))
        {
            errors.Add("detentionSupervisorId", $"There is no member of staff {supervisor} at the rule's school (or they have left).");
        }
    }

    public override BehaviourRule Create(BehaviourRuleRequest r)
    {
        var rule = new BehaviourRule { SchoolId = r.SchoolId!.Value, Name = r.Name!.Trim() };
        Apply(r, rule);
        return rule;
    }

    public override void Apply(BehaviourRuleRequest r, BehaviourRule rule)
    {
        var detention = r.Action == BehaviourRuleAction.Detention;
        rule.Name = r.Name!.Trim();
        rule.Measure = r.Measure!.Value;
        rule.TypeId = r.TypeId;
        rule.Threshold = r.Threshold!.Value;
        rule.WindowDays = r.WindowDays!.Value;
        rule.Action = r.Action!.Value;
        // An alert rule keeps no detention settings: a form that switched action leaves none behind.
        rule.DetentionStart = detention ? r.DetentionStart : null;
        rule.DetentionMinutes = detention ? r.DetentionMinutes : null;
        rule.DetentionRoomId = detention ? r.DetentionRoomId : null;
        rule.DetentionSupervisorId = detention ? r.DetentionSupervisorId : null;
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, BehaviourRule rule, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken,
            ("firings", () => db.RuleFirings.CountAsync(f => f.RuleId == rule.Id, cancellationToken)),
            ("detentions", () => db.Detentions.CountAsync(d => d.RuleId == rule.Id, cancellationToken)));

    protected override (string Field, Expression<Func<BehaviourRule, string>> Column, Func<BehaviourRuleRequest, string?> Value, string Message)? UniqueInSchool =>
        ("name", r => r.Name, r => r.Name, "This school already has a behaviour rule named '{0}'.");
}

/// <summary>Checks that incidents, types and rules share.</summary>
public static class BehaviourChecks
{
    public static void Severity(FieldErrors errors, string field, int? severity)
    {
        if (severity is < 1 or > 4)
        {
            errors.Add(field, "Must be from 1 (minor) to 4 (serious).");
        }
    }

    public static void Points(FieldErrors errors, string field, int? points)
    {
        if (points is < 0 or > BehaviourTypeKind.MaxPoints)
        {
            errors.Add(field, $"Must be from 0 to {BehaviourTypeKind.MaxPoints} (a negative type subtracts them).");
        }
    }
}

/// <summary>
/// Who reads a school's behaviour types and rules: a school grant its school's; a narrow grant (own sections, children,
/// self) every school's. They are the schools' published behaviour policy, not anyone's record, and a teacher needs
/// them to log an incident and a parent to read one; the records they describe keep their own reach.
/// </summary>
public sealed class BehaviourPolicyScopes<T> : ScopeRules<T>
    where T : ISchoolOwned
{
    protected override Expression<Func<T, bool>> InSchool(int schoolId) => x => x.SchoolId == schoolId;

    protected override Expression<Func<T, bool>>? InDepartment(int departmentId) => _ => true;

    protected override Expression<Func<T, bool>>? InSectionsOf(Guid userId) => _ => true;

    protected override Expression<Func<T, bool>>? ChildrenOf(Guid userId) => _ => true;

    protected override Expression<Func<T, bool>>? Self(Guid userId) => _ => true;
}

/// <summary>The caller's own staff record at a school (the reporter of an incident, the supervisor of their own list).</summary>
public static class CallerStaff
{
    public static async Task<int?> AtSchoolAsync(LyceumDbContext db, Caller caller, int schoolId, CancellationToken cancellationToken) =>
        caller.UserId is not { } user
            ? null
            : await db.Staff.AsNoTracking().Where(s => s.UserId == user && s.SchoolId == schoolId && s.ArchivedAt == null)
                .Select(s => (int?)s.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Every staff record linked to the caller's account (one per school they work at).</summary>
    public static IQueryable<StaffMember> Of(LyceumDbContext db, Caller caller) =>
        caller.UserId is { } user ? db.Staff.Where(s => s.UserId == user) : db.Staff.Where(_ => false);

    public static string Name(StaffMember s) => string.IsNullOrEmpty(s.Title) ? $"{s.FirstName} {s.LastName}" : $"{s.Title} {s.FirstName} {s.LastName}";
}

/// <summary>A school's local time, for detentions (a date and a wall-clock time where the school is).</summary>
public static class SchoolTime
{
    /// <summary>The UTC moment of <paramref name="date"/> at <paramref name="time"/> in the school's zone.</summary>
    public static DateTime ToUtc(DateOnly date, TimeOnly time, string? timeZone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone)
            ? TimeZoneInfo.ConvertTimeToUtc(local, zone)
            : DateTime.SpecifyKind(local, DateTimeKind.Utc);
    }

    /// <summary>The time of day now where the school is.</summary>
    public static TimeOnly Now(TimeProvider clock, string? timeZone)
    {
        var now = clock.GetUtcNow();
        var local = timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? TimeZoneInfo.ConvertTime(now, zone) : now;
        return TimeOnly.FromDateTime(local.DateTime);
    }

    /// <summary>The first weekday (Monday to Friday) after <paramref name="today"/>.</summary>
    public static DateOnly NextSchoolDay(DateOnly today)
    {
        var day = today.AddDays(1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }

        return day;
    }

    public static async Task<string?> ZoneAsync(LyceumDbContext db, int schoolId, CancellationToken cancellationToken) =>
        await db.Schools.AsNoTracking().Where(s => s.Id == schoolId).Select(s => s.TimeZone).FirstOrDefaultAsync(cancellationToken);
}
