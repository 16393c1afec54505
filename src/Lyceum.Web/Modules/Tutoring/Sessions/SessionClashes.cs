using System.Globalization;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Sessions;

/// <summary>A time a booking asks for, in UTC.</summary>
public readonly record struct Slot(DateTime StartUtc, DateTime EndUtc);

/// <summary>
/// What a booking clashes with: another live session (scheduled, completed or no-show; not cancelled) of the tutor or of
/// any of the students that overlaps one of its slots, and a slot outside the tutor's availability (when the tutor has
/// weekly windows; a day marked away counts always).
/// </summary>
public static class SessionClashes
{
    public const int MaxReported = 20;

    public static async Task<IReadOnlyList<SessionClash>> FindAsync(
        LyceumDbContext db, int tutorId, IReadOnlyCollection<int> studentIds, IReadOnlyList<Slot> slots, IReadOnlyCollection<int> except,
        TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        if (slots.Count == 0)
        {
            return [];
        }

        var from = slots.Min(s => s.StartUtc);
        var to = slots.Max(s => s.EndUtc);
        var others = await db.TutoringSessions.AsNoTracking()
            .Where(s => s.Status != SessionStatus.Cancelled && s.StartUtc < to && s.EndUtc > from && !except.Contains(s.Id)
                        && (s.TutorId == tutorId || s.Students.Any(x => studentIds.Contains(x.StudentId))))
            .OrderBy(s => s.StartUtc)
            .Select(s => new
            {
                s.Id,
                s.Subject,
                s.StartUtc,
                s.EndUtc,
                s.TutorId,
                Tutor = (s.Tutor!.Title == null ? "" : s.Tutor.Title + " ") + s.Tutor.FirstName + " " + s.Tutor.LastName,
                Students = s.Students.Where(x => studentIds.Contains(x.StudentId)).Select(x => x.Student!.FirstName + " " + x.Student.LastName).ToList(),
            })
            .ToListAsync(cancellationToken);

        var clashes = new List<SessionClash>();
        foreach (var slot in slots)
        {
            foreach (var other in others.Where(o => o.StartUtc < slot.EndUtc && o.EndUtc > slot.StartUtc))
            {
                var (start, end) = (SessionTimes.ToLocal(other.StartUtc, zone), SessionTimes.ToLocal(other.EndUtc, zone));
                var when = When(start, end);
                var description = other.TutorId == tutorId
                    ? $"{other.Tutor} already teaches {other.Subject} on {when}."
                    : $"{string.Join(", ", other.Students)} already {(other.Students.Count == 1 ? "has" : "have")} {other.Subject} with {other.Tutor} on {when}.";
                clashes.Add(new SessionClash(other.TutorId == tutorId ? "tutor" : "student", other.Id, other.Subject, other.Tutor, start, end, description));
                if (clashes.Count == MaxReported)
                {
                    return clashes;
                }
            }
        }

        await AvailabilityAsync(db, tutorId, slots, zone, clashes, cancellationToken);
        return clashes.Take(MaxReported).ToList();
    }

    private static async Task AvailabilityAsync(
        LyceumDbContext db, int tutorId, IReadOnlyList<Slot> slots, TimeZoneInfo zone, List<SessionClash> clashes, CancellationToken cancellationToken)
    {
        var windows = await db.TutorAvailability.AsNoTracking().Where(a => a.TutorId == tutorId).ToListAsync(cancellationToken);
        var firstDay = DateOnly.FromDateTime(SessionTimes.ToLocal(slots.Min(s => s.StartUtc), zone));
        var lastDay = DateOnly.FromDateTime(SessionTimes.ToLocal(slots.Max(s => s.EndUtc), zone));
        var exceptions = await db.TutorAvailabilityExceptions.AsNoTracking()
            .Where(e => e.TutorId == tutorId && e.Date >= firstDay && e.Date <= lastDay)
            .ToListAsync(cancellationToken);
        if (windows.Count == 0 && exceptions.Count == 0)
        {
            return;
        }

        var tutor = await db.Staff.AsNoTracking().Where(s => s.Id == tutorId)
            .Select(s => (s.Title == null ? "" : s.Title + " ") + s.FirstName + " " + s.LastName).FirstAsync(cancellationToken);
        foreach (var slot in slots)
        {
            var (start, end) = (SessionTimes.ToLocal(slot.StartUtc, zone), SessionTimes.ToLocal(slot.EndUtc, zone));
            var day = DateOnly.FromDateTime(start);
            var (from, to) = (TimeOnly.FromDateTime(start), end.Date > start.Date ? TimeOnly.MaxValue : TimeOnly.FromDateTime(end));
            var today = exceptions.Where(e => e.Date == day).ToList();
            var away = today.FirstOrDefault(e => !e.Available && (e.StartTime is null || (e.StartTime < to && e.EndTime > from)));
            var extra = today.Any(e => e.Available && e.StartTime <= from && e.EndTime >= to);
            var inWindow = windows.Count == 0 || windows.Any(w => w.Day == start.DayOfWeek && w.StartTime <= from && w.EndTime >= to);
            if (away is not null || !(inWindow || extra))
            {
                var why = away is not null
                    ? $"{tutor} is away on {day.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)}{(away.Reason is null ? "" : $" ({away.Reason})")}."
                    : $"{tutor} is not available on {When(start, end)}.";
                clashes.Add(new SessionClash("availability", null, null, tutor, start, end, why));
                if (clashes.Count >= MaxReported)
                {
                    return;
                }
            }
        }
    }

    public static string When(DateTime start, DateTime end) =>
        $"{start.ToString("ddd d MMM yyyy HH:mm", CultureInfo.InvariantCulture)}–{end.ToString("HH:mm", CultureInfo.InvariantCulture)}";
}
