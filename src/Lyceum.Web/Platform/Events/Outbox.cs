using System.Text.Json;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Events;

/// <summary>The event types modules write; the messaging module maps each to its default channels.</summary>
public static class EventTypes
{
    public const string UnexplainedAbsence = "attendance.unexplained-absence";
    public const string Late = "attendance.late";
    public const string Incident = "behaviour.incident";
    public const string BehaviourAlert = "behaviour.alert";
    public const string DetentionScheduled = "behaviour.detention-scheduled";
    public const string GradePublished = "gradebook.grade-published";
    public const string TermGradePublished = "gradebook.term-grade-published";
}

/// <summary>One in-app notification to create with an event.</summary>
public sealed record NotificationDraft(Guid UserId, string Title, string? Body, string? Link);

/// <summary>
/// Writes domain events to the outbox, and the in-app notification of each recipient beside them, into the caller's
/// context: they are saved by the caller's own SaveChanges, in its transaction, so an event exists exactly when the
/// change it reports does (a failed save leaves neither). Modules only ever write events; delivery by e-mail or SMS
/// is the messaging module's dispatcher, reading <see cref="OutboxMessage"/>s not yet dispatched.
/// </summary>
public static class Outbox
{
    public static Guid Add(
        LyceumDbContext db, DateTime now, string type, object payload, int? schoolId, IEnumerable<NotificationDraft> recipients, Guid? id = null, string? channels = null)
    {
        // channels: the sender's choice for everyone (a broadcast), over each recipient's preferences.
        // A caller that must not raise the same event twice (one absence or late event per student and day) derives the id.
        var eventId = id ?? Guid.NewGuid();
        db.OutboxMessages.Add(new OutboxMessage
        {
            EventId = eventId,
            Type = type,
            Payload = JsonSerializer.Serialize(payload, JsonSerializerOptions.Web),
            SchoolId = schoolId,
            OccurredAt = now,
            Channels = channels,
        });
        foreach (var draft in recipients.DistinctBy(r => r.UserId))
        {
            db.Notifications.Add(new Notification
            {
                UserId = draft.UserId,
                EventId = eventId,
                Type = type,
                Title = Clip(draft.Title, 200)!,
                Body = Clip(draft.Body, 1000),
                Link = draft.Link,
                CreatedAt = now,
            });
        }

        return eventId;
    }

    /// <summary>
    /// The accounts of the guardians who hear about each student: linked guardians with a sign-in who have parental
    /// responsibility or receive mail.
    /// </summary>
    public static async Task<ILookup<int, Guid>> GuardianAccountsAsync(LyceumDbContext db, IReadOnlyCollection<int> studentIds, CancellationToken cancellationToken)
    {
        if (studentIds.Count == 0)
        {
            return Array.Empty<(int, Guid)>().ToLookup(x => x.Item1, x => x.Item2);
        }

        var links = await GuardianLinks(db)
            .Where(l => studentIds.Contains(l.StudentId))
            .Select(l => new { l.StudentId, UserId = l.Guardian!.UserId!.Value })
            .ToListAsync(cancellationToken);
        return links.ToLookup(l => l.StudentId, l => l.UserId);
    }

    /// <summary>
    /// The guardian links that are told about a student: a guardian with a sign-in, not archived, with parental
    /// responsibility or asking for mail. One rule for notifications and broadcasts alike.
    /// </summary>
    public static IQueryable<Lyceum.Modules.Students.StudentGuardian> GuardianLinks(LyceumDbContext db) =>
        db.StudentGuardians.Where(l => l.Guardian!.UserId != null && l.Guardian.ArchivedAt == null && (l.HasParentalResponsibility || l.ReceivesMail));

    /// <summary>The text cut to <paramref name="max"/> characters, an ellipsis marking the cut.</summary>
    public static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";
}
