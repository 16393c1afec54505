using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using ICalendar = Ical.Net.Calendar;

namespace Lyceum.Modules.Tutoring.Feeds;

/// <summary>
/// Writes a feed as RFC 5545 with Ical.Net. A series is one VEVENT (<c>series-{id}@lyceum</c>) with DTSTART;TZID in its
/// zone and its stored RRULE, so calendar apps keep 16:00 at 16:00 across daylight-saving changes as the booking did.
/// Each of its rows is compared with what the rule gives: a row that differs (moved, resized, another room, other
/// students, other notes) is a VEVENT with the same UID and RECURRENCE-ID; an occurrence of the rule with no row the
/// reader may see, or whose row is cancelled, is an EXDATE. A row the rule does not give at all stands alone, as does
/// every session outside a series (<c>session-{id}@lyceum</c>). Each zone used gets its VTIMEZONE.
/// </summary>
/// <remarks>
/// Cancelled sessions are left out (EXDATE in a series) rather than written with STATUS:CANCELLED: every client
/// honours EXDATE, while Google Calendar's and Outlook's subscriptions show a STATUS:CANCELLED occurrence as if it
/// were still on (Outlook at best prefixes its title); a subscribed feed is where one has to be, and the app keeps the
/// record of what was cancelled. Completed and no-show are outcomes, not RFC 5545 statuses: those stay CONFIRMED.
/// DTSTAMP and LAST-MODIFIED are the row's last change, not the time of the request, so an unchanged feed is
/// byte-for-byte the same and its ETag holds.
/// </remarks>
public static class CalendarFeedWriter
{
    public const string ProductId = "-//Lyceum//Tutoring sessions//EN";

    /// <summary>How far a rule is expanded to match its rows; rules are capped far below this when booked.</summary>
    private const int MaxOccurrences = 2000;

    public static string Write(FeedData data)
    {
        var calendar = new ICalendar { ProductId = ProductId };
        calendar.AddProperty("CALSCALE", "GREGORIAN");
        calendar.AddProperty("X-WR-CALNAME", "Lyceum tutoring");
        // How often to fetch it again: RFC 7986, and Outlook's older name for it.
        var refresh = new CalendarProperty("REFRESH-INTERVAL", "PT1H");
        refresh.AddParameter("VALUE", "DURATION");
        calendar.AddProperty(refresh);
        calendar.AddProperty("X-PUBLISHED-TTL", "PT1H");

        var zones = new Zones();
        var bySeries = data.Sessions.Where(s => s.SeriesId is not null).ToLookup(s => s.SeriesId!.Value);
        foreach (var series in data.Series.OrderBy(s => s.FirstStartUtc).ThenBy(s => s.Id))
        {
            WriteSeries(calendar, zones, series, [.. bySeries[series.Id]]);
        }

        foreach (var session in data.Sessions.Where(s => s.SeriesId is null && s.Status != SessionStatus.Cancelled))
        {
            calendar.Events.Add(Single(zones, session));
        }

        foreach (var (zone, earliest) in zones.Used.OrderBy(z => z.Key, StringComparer.Ordinal))
        {
            // From the year before the first time written: a client needs the offsets in force then, and after.
            calendar.AddTimeZone(VTimeZone.FromDateTimeZone(zone, new DateTime(earliest.Year - 1, 1, 1), false));
        }

        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    private static void WriteSeries(ICalendar calendar, Zones zones, FeedSeries series, List<FeedSession> rows)
    {
        var uid = $"series-{series.Id}@lyceum";
        var duration = TimeSpan.FromMinutes(series.DurationMinutes);
        var zone = zones.Use(series.TimeZone, series.FirstStartUtc);
        var rule = new RecurrenceRule(series.RecurrenceRule);
        if (rule.Count is null && rule.Until is null && rows.Count > 0)
        {
            // Booking refuses endless rules; should one exist, it ends with its last row rather than run on for ever.
            rule.Until = new CalDateTime(rows.Max(r => r.RecurrenceIdUtc ?? r.StartUtc), CalDateTime.UtcTzId);
        }

        var given = Occurrences(zones.Local(series.FirstStartUtc, zone), duration, rule);

        // The row of each occurrence (by the start the rule gave it); any other row stands on its own.
        var byOccurrence = new Dictionary<DateTime, FeedSession>();
        var alone = new List<FeedSession>();
        foreach (var row in rows)
        {
            var key = row.RecurrenceIdUtc ?? row.StartUtc;
            if (given.Contains(key) && byOccurrence.TryAdd(key, row))
            {
                continue;
            }

            alone.Add(row);
        }

        // What the master says: that of the first row that is just what the rule gives.
        var template = byOccurrence.Values
            .Where(r => r.Status != SessionStatus.Cancelled && AsGiven(r, duration))
            .OrderBy(r => r.RecurrenceIdUtc).FirstOrDefault()
            ?? byOccurrence.Values.Where(r => r.Status != SessionStatus.Cancelled).OrderBy(r => r.RecurrenceIdUtc).FirstOrDefault();
        var text = template is null ? new EventText(series.Subject, null, null) : TextOf(template);

        var master = new CalendarEvent
        {
            Uid = uid,
            DtStart = zones.Local(series.FirstStartUtc, zone),
            DtEnd = zones.Local(series.FirstStartUtc + duration, zone),
            RecurrenceRule = rule,
            Status = "CONFIRMED",
        };
        Describe(master, text, series.UpdatedAt);
        var exceptions = new List<CalendarEvent>();
        foreach (var occurrence in given.Order())
        {
            if (!byOccurrence.TryGetValue(occurrence, out var row) || row.Status == SessionStatus.Cancelled)
            {
                master.ExceptionDates.Add(zones.Local(occurrence, zone));
                continue;
            }

            if (AsGiven(row, duration) && TextOf(row) == text)
            {
                continue;
            }

            var exception = Event(zones, row, uid);
            exception.RecurrenceIdentifier = new RecurrenceIdentifier(zones.Local(occurrence, zone), null);
            exceptions.Add(exception);
        }

        calendar.Events.Add(master);
        foreach (var exception in exceptions)
        {
            calendar.Events.Add(exception);
        }

        foreach (var row in alone.Where(r => r.Status != SessionStatus.Cancelled))
        {
            calendar.Events.Add(Single(zones, row));
        }
    }

    /// <summary>The UTC starts the rule gives, expanded by Ical.Net from DTSTART in the series' zone (as booking did).</summary>
    private static HashSet<DateTime> Occurrences(CalDateTime start, TimeSpan duration, RecurrenceRule rule)
    {
        var probe = new CalendarEvent { DtStart = start, Duration = Duration.FromTimeSpanExact(duration), RecurrenceRule = rule };
        return [.. probe.GetOccurrences(start, null).Take(MaxOccurrences).Select(o => o.Period.StartTime.AsUtc)];
    }

    private static bool AsGiven(FeedSession row, TimeSpan duration) =>
        row.RecurrenceIdUtc is { } given && row.StartUtc == given && row.EndUtc - row.StartUtc == duration;

    private static CalendarEvent Single(Zones zones, FeedSession session) => Event(zones, session, $"session-{session.Id}@lyceum");

    private static CalendarEvent Event(Zones zones, FeedSession session, string uid)
    {
        var zone = zones.Use(session.TimeZone, session.StartUtc);
        var e = new CalendarEvent
        {
            Uid = uid,
            DtStart = zones.Local(session.StartUtc, zone),
            DtEnd = zones.Local(session.EndUtc, zone),
            Status = "CONFIRMED",
        };
        Describe(e, TextOf(session), session.UpdatedAt);
        return e;
    }

    private static void Describe(CalendarEvent e, EventText text, DateTime changed)
    {
        e.Summary = text.Summary;
        e.Location = text.Location;
        e.Description = text.Description;
        var stamp = new CalDateTime(DateTime.SpecifyKind(changed, DateTimeKind.Utc), CalDateTime.UtcTzId);
        e.DtStamp = stamp;
        e.LastModified = stamp;
    }

    /// <summary>
    /// SUMMARY, LOCATION and DESCRIPTION as the reader sees them: a tutor reads their students; a student or guardian
    /// their tutor (a guardian also which of their children); anyone else, such as the office, both.
    /// </summary>
    private static EventText TextOf(FeedSession s)
    {
        var students = string.Join(", ", s.Students.Select(x => x.Name));
        var children = s.Students.Where(x => x.Mine && !x.Self).Select(x => x.Name).ToList();
        var summary = s.ReaderIsTutor ? (students.Length == 0 ? s.Subject : $"{s.Subject}: {students}")
            : s.Students.Any(x => x.Self) ? $"{s.Subject} with {s.Tutor}"
            : children.Count > 0 ? $"{s.Subject} with {s.Tutor} ({string.Join(", ", children)})"
            : students.Length == 0 ? $"{s.Subject}: {s.Tutor}" : $"{s.Subject}: {s.Tutor}, {students}";
        string?[] where = [s.Branch, s.Location, s.OnlineLink];
        var location = string.Join(", ", where.Where(p => !string.IsNullOrWhiteSpace(p)));
        return new EventText(summary, location.Length == 0 ? null : location, string.IsNullOrWhiteSpace(s.Notes) ? null : s.Notes);
    }

    private sealed record EventText(string Summary, string? Location, string? Description);

    /// <summary>The zones written so far, each with the earliest time written in it; a zone Ical.Net does not know is written as UTC.</summary>
    private sealed class Zones
    {
        private readonly Dictionary<string, bool> _known = new(StringComparer.Ordinal);

        public Dictionary<string, DateTime> Used { get; } = new(StringComparer.Ordinal);

        /// <summary>The zone to write a time of <paramref name="zone"/> in: itself, or UTC when it is not a zone.</summary>
        public string Use(string zone, DateTime utc)
        {
            if (!_known.TryGetValue(zone, out var known))
            {
                try
                {
                    _ = new CalDateTime(DateTime.UnixEpoch, CalDateTime.UtcTzId).ToTimeZone(zone);
                    _known[zone] = known = zone != CalDateTime.UtcTzId;
                }
                catch (ArgumentException)
                {
                    _known[zone] = known = false;
                }
            }

            if (!known)
            {
                return CalDateTime.UtcTzId;
            }

            Used[zone] = Used.TryGetValue(zone, out var earliest) && earliest < utc ? earliest : utc;
            return zone;
        }

        public CalDateTime Local(DateTime utc, string zone)
        {
            var instant = new CalDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc), CalDateTime.UtcTzId);
            return zone == CalDateTime.UtcTzId ? instant : instant.ToTimeZone(zone);
        }
    }
}
