using System.Globalization;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Behaviour;

/// <summary>A student as events name them.</summary>
public sealed record EventStudent(int Id, string FirstName, string LastName)
{
    public string Name => $"{FirstName} {LastName}";

    public string Link => $"/students/{Id}?tab=behaviour";
}

/// <summary>
/// The behaviour module's domain events, written into the caller's context with <see cref="Outbox"/>: saved by the
/// caller's SaveChanges, in its transaction, so an event exists exactly when its change does. One event per student
/// (an incident of three students is three events), so a guardian's notification and an e-mail built from the payload
/// name their own child only, never the others involved.
/// </summary>
public static class BehaviourEvents
{
    public static async Task<Dictionary<int, EventStudent>> StudentsAsync(LyceumDbContext db, IReadOnlyCollection<int> ids, CancellationToken cancellationToken) =>
        await db.Students.AsNoTracking().Where(s => ids.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => new EventStudent(s.Id, s.PreferredName ?? s.FirstName, s.LastName), cancellationToken);

    /// <summary>
    /// An incident was logged (or <paramref name="only"/> these students were added to it): their guardians hear of it,
    /// each about their own child.
    /// </summary>
    public static async Task IncidentAsync(
        LyceumDbContext db, DateTime now, Incident incident, string typeName, CancellationToken cancellationToken, IReadOnlyCollection<int>? only = null)
    {
        var lines = incident.Students.Where(s => only is null || only.Contains(s.StudentId)).ToList();
        var ids = lines.Select(s => s.StudentId).ToList();
        var students = await StudentsAsync(db, ids, cancellationToken);
        var guardians = await Outbox.GuardianAccountsAsync(db, ids, cancellationToken);
        foreach (var line in lines)
        {
            var student = students[line.StudentId];
            var praise = incident.Polarity == BehaviourPolarity.Positive;
            var title = praise ? $"Praise for {student.FirstName}: {typeName}" : $"Behaviour incident for {student.FirstName}: {typeName}";
            var body = string.Create(CultureInfo.InvariantCulture, $"{student.Name}, {incident.OccurredAt:yyyy-MM-dd HH:mm} UTC: {typeName} ({Signed(line.Points)} points).")
                       + (incident.Location is null ? "" : $" Where: {incident.Location}.");
            Outbox.Add(db, now, EventTypes.Incident,
                new { incidentId = incident.Id, incident.SchoolId, studentId = line.StudentId, incident.TypeId, type = typeName, incident.Polarity, incident.Severity, points = line.Points, incident.OccurredAt, incident.Location },
                incident.SchoolId,
                guardians[line.StudentId].Select(user => new NotificationDraft(user, title, body, student.Link)));
        }
    }

    /// <summary>A detention was scheduled: the student's guardians and the supervisor hear of it.</summary>
    public static async Task DetentionScheduledAsync(LyceumDbContext db, DateTime now, Detention detention, CancellationToken cancellationToken)
    {
        var student = (await StudentsAsync(db, [detention.StudentId], cancellationToken))[detention.StudentId];
        var guardians = await Outbox.GuardianAccountsAsync(db, [detention.StudentId], cancellationToken);
        var supervisor = await db.Staff.AsNoTracking().Where(s => s.Id == detention.SupervisorId)
            .Select(s => new { s.UserId, s.Title, s.FirstName, s.LastName }).FirstAsync(cancellationToken);
        var room = detention.RoomId is { } roomId
            ? await db.Rooms.AsNoTracking().Where(r => r.Id == roomId).Select(r => r.Name).FirstOrDefaultAsync(cancellationToken)
            : null;
        var when = string.Create(CultureInfo.InvariantCulture, $"{detention.Date:dddd d MMMM yyyy} at {detention.StartTime:HH\\:mm} for {detention.DurationMinutes} minutes")
                   + (room is null ? "" : $" in {room}");
        var supervisorName = string.IsNullOrEmpty(supervisor.Title) ? $"{supervisor.FirstName} {supervisor.LastName}" : $"{supervisor.Title} {supervisor.LastName}";
        var recipients = guardians[detention.StudentId]
            .Select(user => new NotificationDraft(user, $"Detention for {student.FirstName}", $"{student.Name} has a detention on {when}, with {supervisorName}. Reason: {detention.Reason}", student.Link))
            .ToList();
        if (supervisor.UserId is { } supervising)
        {
            recipients.Add(new NotificationDraft(supervising, $"You supervise a detention on {detention.Date:yyyy-MM-dd}",
                $"{student.Name}, {when}. Reason: {detention.Reason}", $"/detentions?date={detention.Date:yyyy-MM-dd}"));
        }

        Outbox.Add(db, now, EventTypes.DetentionScheduled,
            new { detentionId = detention.Id, detention.SchoolId, detention.StudentId, detention.Date, detention.StartTime, detention.DurationMinutes, detention.RoomId, detention.SupervisorId, detention.Reason, detention.IncidentId, detention.RuleId },
            detention.SchoolId, recipients);
    }

    /// <summary>A rule raised an alert about a student: the lead teachers of the student's current classes hear of it.</summary>
    public static async Task AlertAsync(
        LyceumDbContext db, DateTime now, TimeProvider clock, BehaviourRule rule, int studentId, int count, string? why, CancellationToken cancellationToken)
    {
        var student = (await StudentsAsync(db, [studentId], cancellationToken))[studentId];
        var teachers = await TeacherAccountsAsync(db, clock, rule.SchoolId, studentId, cancellationToken);
        var title = $"Behaviour alert: {student.Name}";
        var body = $"The rule \"{rule.Name}\" was reached ({count} of {rule.Threshold} {Measure(rule.Measure)} within {rule.WindowDays} days)." + (why is null ? "" : " " + why);
        Outbox.Add(db, now, EventTypes.BehaviourAlert,
            new { ruleId = rule.Id, rule.SchoolId, studentId, rule = rule.Name, rule.Measure, count, rule.Threshold, rule.WindowDays, reason = why },
            rule.SchoolId,
            teachers.Select(user => new NotificationDraft(user, title, body, student.Link)));
    }

    /// <summary>The accounts of the lead teachers of the student's live classes in a term covering today (else of any live class).</summary>
    public static async Task<IReadOnlyList<Guid>> TeacherAccountsAsync(LyceumDbContext db, TimeProvider clock, int schoolId, int studentId, CancellationToken cancellationToken)
    {
        var today = await clock.TodayAtAsync(db, schoolId, cancellationToken);
        var classes = db.Enrollments.AsNoTracking().Where(e => e.StudentId == studentId && e.WithdrawnOn == null && e.Section!.ArchivedAt == null
                                                             && e.Section.Teacher!.UserId != null);
        var current = await classes.Where(e => e.Section!.Term!.StartDate <= today && e.Section.Term.EndDate >= today)
            .Select(e => e.Section!.Teacher!.UserId!.Value).Distinct().ToListAsync(cancellationToken);
        return current.Count > 0 ? current : await classes.Select(e => e.Section!.Teacher!.UserId!.Value).Distinct().ToListAsync(cancellationToken);
    }

    private static string Signed(int points) => points > 0 ? $"+{points}" : points.ToString(CultureInfo.InvariantCulture);

    private static string Measure(BehaviourRuleMeasure measure) => measure switch
    {
        BehaviourRuleMeasure.NegativePoints => "negative points",
        BehaviourRuleMeasure.Incidents => "incidents",
        _ => "missed detentions",
    };
}
