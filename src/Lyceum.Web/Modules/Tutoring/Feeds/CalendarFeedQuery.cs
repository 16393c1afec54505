using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Feeds;

/// <summary>A student of a session as the feed's reader sees them: <see cref="Mine"/> when it is the reader or their child.</summary>
public sealed record FeedStudent(string Name, bool Self, bool Mine);

/// <summary>One session row, with what the feed writes of it (no finance).</summary>
public sealed record FeedSession(
    int Id, int? SeriesId, DateTime? RecurrenceIdUtc, bool Detached, DateTime StartUtc, DateTime EndUtc, string TimeZone, SessionStatus Status,
    string Subject, string? Branch, string? Location, string? OnlineLink, string? Notes, string Tutor, bool ReaderIsTutor, DateTime UpdatedAt,
    IReadOnlyList<FeedStudent> Students);

/// <summary>A series the feed writes as one VEVENT with its rule.</summary>
public sealed record FeedSeries(int Id, string Subject, string RecurrenceRule, string TimeZone, DateTime FirstStartUtc, int DurationMinutes, DateTime UpdatedAt);

public sealed record FeedData(IReadOnlyList<FeedSeries> Series, IReadOnlyList<FeedSession> Sessions);

/// <summary>
/// The sessions a feed holds: those the reader's <c>sessions.view</c> reaches that touch the window, and every reachable
/// row of each series that does (a series is written whole, as its rule and its exceptions; series are capped, so that
/// stays small).
/// </summary>
public static class CalendarFeedQuery
{
    public static async Task<FeedData> LoadAsync(LyceumDbContext db, AccessService access, Caller reader, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var visible = access.Reachable(db.TutoringSessions.AsNoTracking(), reader, Permissions.SessionsView);
        var seriesIds = await visible
            .Where(s => s.SeriesId != null && s.StartUtc < to && s.EndUtc > from)
            .Select(s => s.SeriesId!.Value)
            .Distinct()
            .ToListAsync(cancellationToken);

        var userId = reader.UserId;
        var rows = await visible
            .Where(s => s.SeriesId == null ? s.StartUtc < to && s.EndUtc > from : seriesIds.Contains(s.SeriesId.Value))
            .OrderBy(s => s.StartUtc).ThenBy(s => s.Id)
            .Select(s => new
            {
                s.Id,
                s.SeriesId,
                s.RecurrenceIdUtc,
                s.Detached,
                s.StartUtc,
                s.EndUtc,
                s.TimeZone,
                s.Status,
                s.Subject,
                Branch = s.Branch == null ? null : s.Branch.Name,
                s.Location,
                s.OnlineLink,
                s.Notes,
                s.Tutor!.Title,
                s.Tutor.FirstName,
                s.Tutor.LastName,
                ReaderIsTutor = s.Tutor.UserId == userId,
                s.UpdatedAt,
                Students = s.Students
                    .OrderBy(l => l.Student!.LastName).ThenBy(l => l.Student!.FirstName)
                    .Select(l => new
                    {
                        l.Student!.FirstName,
                        l.Student.PreferredName,
                        l.Student.LastName,
                        Self = l.Student.UserId == userId,
                        Child = l.Student.Guardians.Any(g => g.Guardian!.UserId == userId),
                    })
                    .ToList(),
            })
            .AsSplitQuery()
            .ToListAsync(cancellationToken);

        var series = await db.TutoringSeries.AsNoTracking()
            .Where(x => seriesIds.Contains(x.Id))
            .Select(x => new FeedSeries(x.Id, x.Subject, x.RecurrenceRule, x.TimeZone, x.FirstStartUtc, x.DurationMinutes, x.UpdatedAt))
            .ToListAsync(cancellationToken);

        var sessions = rows.Select(r => new FeedSession(
                r.Id, r.SeriesId, r.RecurrenceIdUtc, r.Detached, r.StartUtc, r.EndUtc, r.TimeZone, r.Status, r.Subject, r.Branch, r.Location,
                r.OnlineLink, r.Notes, string.Join(' ', new[] { r.Title, r.FirstName, r.LastName }.Where(p => !string.IsNullOrWhiteSpace(p))),
                r.ReaderIsTutor, r.UpdatedAt,
                [.. r.Students.Select(s => new FeedStudent($"{s.PreferredName ?? s.FirstName} {s.LastName}", s.Self, s.Self || s.Child))]))
            .ToList();
        return new FeedData(series, sessions);
    }
}
