using Lyceum.Modules.Behaviour.Detentions;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Behaviour.Rules;

/// <summary>What one rule did for one student.</summary>
public sealed record RuleOutcome(int RuleId, int StudentId, BehaviourRuleAction Action, int? DetentionId, string? Why);

/// <summary>
/// The rules engine: the one place where a school's live rules are applied. Called after an incident is saved and
/// after a detention is marked missed, inside the caller's transaction, with the caller's context: each rule counts
/// the student's events (<see cref="RuleCounting"/>) and, at its threshold, records a <see cref="RuleFiring"/> (from
/// which the rule counts again) and schedules a detention or raises an alert, with its event. Saves as it goes, so a
/// second student's detention sees the first's (a group session); the caller commits, or rolls all of it back.
/// </summary>
public sealed class BehaviourRulesEngine(TimeProvider clock)
{
    /// <summary>How many school days after the first free one a rule's detention may move to when its slot is taken.</summary>
    public const int DaysToTry = 10;

    /// <summary>
    /// Applies the school's live rules to each student; <paramref name="fallbackSupervisorId"/> supervises a rule's
    /// detention when the rule names nobody (the reporter of the incident, the member of staff marking a detention).
    /// </summary>
    public async Task<IReadOnlyList<RuleOutcome>> ApplyAsync(
        LyceumDbContext db, int schoolId, IReadOnlyCollection<int> studentIds, int? fallbackSupervisorId, CancellationToken cancellationToken)
    {
        var rules = await db.BehaviourRules.AsNoTracking().Where(r => r.SchoolId == schoolId && r.ArchivedAt == null)
            .OrderBy(r => r.Id).ToListAsync(cancellationToken);
        if (rules.Count == 0 || studentIds.Count == 0)
        {
            return [];
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var zone = await SchoolTime.ZoneAsync(db, schoolId, cancellationToken);
        var events = await EventsAsync(db, studentIds, now.AddDays(-rules.Max(r => r.WindowDays) - 1), zone, cancellationToken);
        var ruleIds = rules.Select(r => r.Id).ToList();
        var lastFirings = (await db.RuleFirings.AsNoTracking()
                .Where(f => ruleIds.Contains(f.RuleId) && studentIds.Contains(f.StudentId))
                .GroupBy(f => new { f.RuleId, f.StudentId })
                .Select(g => new { g.Key.RuleId, g.Key.StudentId, Last = g.Max(f => f.FiredAt) })
                .ToListAsync(cancellationToken))
            .ToDictionary(f => (f.RuleId, f.StudentId), f => f.Last);

        var outcomes = new List<RuleOutcome>();
        foreach (var studentId in studentIds.Distinct().Order())
        {
            var history = events[studentId].ToList();
            foreach (var rule in rules)
            {
                var spec = RuleSpec.Of(rule);
                DateTime? last = lastFirings.TryGetValue((rule.Id, studentId), out var fired) ? fired : null;
                if (!RuleCounting.Fires(spec, now, last, history))
                {
                    continue;
                }

                var count = RuleCounting.Count(spec, now, last, history);
                var firing = new RuleFiring { RuleId = rule.Id, StudentId = studentId, FiredAt = RuleCounting.FiredAt(spec, now, last, history) };
                db.RuleFirings.Add(firing);
                var outcome = rule.Action == BehaviourRuleAction.Detention
                    ? await ScheduleAsync(db, rule, studentId, fallbackSupervisorId, zone, firing, cancellationToken)
                    : new RuleOutcome(rule.Id, studentId, BehaviourRuleAction.Alert, null, null);
                if (outcome.Action == BehaviourRuleAction.Alert)
                {
                    await BehaviourEvents.AlertAsync(db, now, clock, rule, studentId, count, outcome.Why, cancellationToken);
                }

                await db.SaveChangesAsync(cancellationToken);
                outcomes.Add(outcome);
            }
        }

        return outcomes;
    }

    /// <summary>
    /// The rule's detention on the next school day after today at the rule's time, with the rule's room and
    /// supervisor (or the fallback); moved on a day while that slot is taken. No supervisor, or no free day: an alert.
    /// </summary>
    private async Task<RuleOutcome> ScheduleAsync(
        LyceumDbContext db, BehaviourRule rule, int studentId, int? fallbackSupervisorId, string? zone, RuleFiring firing, CancellationToken cancellationToken)
    {
        var supervisor = await LiveStaffAsync(db, rule.SchoolId, rule.DetentionSupervisorId, cancellationToken)
                         ?? await LiveStaffAsync(db, rule.SchoolId, fallbackSupervisorId, cancellationToken);
        if (supervisor is not { } supervisorId || rule.DetentionStart is not { } start || rule.DetentionMinutes is not { } minutes)
        {
            return new RuleOutcome(rule.Id, studentId, BehaviourRuleAction.Alert, null,
                "No detention was scheduled: the rule names no supervisor and nobody on the staff reported it. Schedule one by hand.");
        }

        var roomId = rule.DetentionRoomId is { } room && await db.Rooms.AnyAsync(r => r.Id == room && r.ArchivedAt == null, cancellationToken) ? rule.DetentionRoomId : null;
        var date = SchoolTime.NextSchoolDay(clock.Today(zone));
        for (var tried = 0; tried < DaysToTry; tried++, date = SchoolTime.NextSchoolDay(date))
        {
            var errors = new FieldErrors();
            await DetentionChecks.CheckAsync(db, new DetentionSlot(studentId, date, start, minutes, supervisorId, roomId), 0, errors, cancellationToken);
            if (errors.Any)
            {
                continue;
            }

            var detention = new Detention
            {
                SchoolId = rule.SchoolId,
                StudentId = studentId,
                Date = date,
                StartTime = start,
                DurationMinutes = minutes,
                RoomId = roomId,
                SupervisorId = supervisorId,
                Reason = $"Rule: {rule.Name}",
                RuleId = rule.Id,
                Status = DetentionStatus.Scheduled,
            };
            db.Detentions.Add(detention);
            await db.SaveChangesAsync(cancellationToken);
            firing.DetentionId = detention.Id;
            await BehaviourEvents.DetentionScheduledAsync(db, clock.GetUtcNow().UtcDateTime, detention, cancellationToken);
            return new RuleOutcome(rule.Id, studentId, BehaviourRuleAction.Detention, detention.Id, null);
        }

        return new RuleOutcome(rule.Id, studentId, BehaviourRuleAction.Alert, null,
            $"No detention was scheduled: the supervisor, the room or the student was busy at {start:HH\\:mm} on each of the next {DaysToTry} school days. Schedule one by hand.");
    }

    private static async Task<int?> LiveStaffAsync(LyceumDbContext db, int schoolId, int? staffId, CancellationToken cancellationToken) =>
        staffId is { } id && await db.Staff.AnyAsync(s => s.Id == id && s.SchoolId == schoolId && s.ArchivedAt == null, cancellationToken) ? id : null;

    /// <summary>
    /// The students' incidents and missed detentions since <paramref name="since"/>, as the rules count them: an
    /// incident is recorded when it was logged, a missed detention when it was marked (a detention no longer scheduled
    /// never changes again, so its last update is that mark).
    /// </summary>
    private static async Task<ILookup<int, BehaviourEvent>> EventsAsync(
        LyceumDbContext db, IReadOnlyCollection<int> studentIds, DateTime since, string? zone, CancellationToken cancellationToken)
    {
        var incidents = await db.IncidentStudents.AsNoTracking()
            .Where(l => studentIds.Contains(l.StudentId) && l.Incident!.OccurredAt >= since)
            .Select(l => new { l.StudentId, l.Incident!.OccurredAt, l.Incident.CreatedAt, l.Incident.TypeId, l.Incident.Polarity, l.Points })
            .ToListAsync(cancellationToken);
        var sinceDate = DateOnly.FromDateTime(since).AddDays(-1);
        var missed = await db.Detentions.AsNoTracking()
            .Where(d => studentIds.Contains(d.StudentId) && d.Status == DetentionStatus.Missed && d.Date >= sinceDate)
            .Select(d => new { d.StudentId, d.Date, d.StartTime, MarkedAt = d.UpdatedAt })
            .ToListAsync(cancellationToken);
        return incidents.Select(i => (i.StudentId, Event: new BehaviourEvent(BehaviourEventKind.Incident, i.OccurredAt, i.TypeId, i.Polarity, i.Points, i.CreatedAt)))
            .Concat(missed.Select(d => (d.StudentId, Event: new BehaviourEvent(BehaviourEventKind.MissedDetention, SchoolTime.ToUtc(d.Date, d.StartTime, zone), RecordedAt: d.MarkedAt))))
            .ToLookup(x => x.StudentId, x => x.Event);
    }
}
