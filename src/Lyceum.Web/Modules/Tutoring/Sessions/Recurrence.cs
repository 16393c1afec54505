using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Lyceum.Platform.Api;

namespace Lyceum.Modules.Tutoring.Sessions;

/// <summary>
/// How a booking repeats: an RFC 5545 rule (<see cref="Rule"/>, e.g. "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630T225959Z"),
/// or the common case spelt out: <see cref="Days"/> of the week, every <see cref="Interval"/> weeks, until a date or
/// for a count of lessons.
/// </summary>
public sealed record RecurrenceRequest(string? Rule = null, IReadOnlyList<DayOfWeek>? Days = null, int? Interval = null, DateOnly? Until = null, int? Count = null);

/// <summary>
/// Recurrence through Ical.Net: validates and normalises a rule, and expands it in the booking's time zone so that a
/// 16:00 lesson stays at 16:00 local time on both sides of a daylight-saving change. A rule must end (UNTIL or COUNT)
/// and is capped at <see cref="MaxOccurrences"/> lessons within <see cref="MaxSpanDays"/> days of the first.
/// </summary>
public static class Recurrence
{
    public const int MaxOccurrences = 400;

    public const int MaxSpanDays = 731;

    private static readonly HashSet<FrequencyType> Allowed = [FrequencyType.Daily, FrequencyType.Weekly, FrequencyType.Monthly];

    /// <summary>The rule as RRULE text (no "RRULE:" prefix), checked; or the errors, under "recurrence.*".</summary>
    public static string? Normalise(RecurrenceRequest request, DateTime firstLocalStart, string timeZone, FieldErrors errors)
    {
        if (!string.IsNullOrWhiteSpace(request.Rule))
        {
            if (request.Days is { Count: > 0 } || request.Interval is not null || request.Until is not null || request.Count is not null)
            {
                errors.Add("recurrence.rule", "Give either a rule or days, interval, until and count, not both.");
                return null;
            }

            var text = request.Rule.Trim();
            if (text.StartsWith("RRULE:", StringComparison.OrdinalIgnoreCase))
            {
                text = text[6..];
            }

            if (text.Length > 300)
            {
                errors.Add("recurrence.rule", "Must be at most 300 characters.");
                return null;
            }

            RecurrenceRule pattern;
            try
            {
                pattern = new RecurrenceRule(text);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or NotSupportedException)
            {
                errors.Add("recurrence.rule", "Is not an RFC 5545 recurrence rule (such as FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10).");
                return null;
            }

            if (!Allowed.Contains(pattern.Frequency))
            {
                errors.Add("recurrence.rule", "FREQ must be DAILY, WEEKLY or MONTHLY.");
                return null;
            }

            if (pattern.Until is null && pattern.Count is null)
            {
                errors.Add("recurrence.rule", $"A rule must end: give UNTIL or COUNT (at most {MaxOccurrences} lessons within two years).");
                return null;
            }

            if (pattern.Count is { } count && count is < 1 or > MaxOccurrences)
            {
                errors.Add("recurrence.rule", $"COUNT must be from 1 to {MaxOccurrences}.");
                return null;
            }

            if (pattern.Until is { } until)
            {
                // RFC 5545: with a zoned DTSTART, UNTIL is in UTC. A date or floating time is read as the end of that local day.
                var utc = until.IsUtc ? until.Value : EndOfLocalDay(DateOnly.FromDateTime(until.Value), timeZone);
                pattern.Until = new CalDateTime(utc, CalDateTime.UtcTzId);
            }

            return Text(pattern);
        }

        if (request.Days is not { Count: > 0 } days)
        {
            errors.Add("recurrence.days", "Give the days of the week it repeats on, or a rule.");
            return null;
        }

        var interval = request.Interval ?? 1;
        if (interval is < 1 or > 8)
        {
            errors.Add("recurrence.interval", "Must be from 1 to 8 weeks.");
        }

        if (request.Until is null == request.Count is null)
        {
            errors.Add("recurrence.until", "Give an end date (until) or a number of lessons (count), one of them.");
        }

        if (request.Count is { } n && n is < 1 or > MaxOccurrences)
        {
            errors.Add("recurrence.count", $"Must be from 1 to {MaxOccurrences}.");
        }

        if (request.Until is { } last && last < DateOnly.FromDateTime(firstLocalStart))
        {
            errors.Add("recurrence.until", "Must not be before the first lesson.");
        }

        if (errors.Any)
        {
            return null;
        }

        var weekly = new RecurrenceRule(FrequencyType.Weekly, interval)
        {
            ByDay = [.. days.Distinct().Order().Select(d => new WeekDay(d))],
        };
        if (request.Count is { } total)
        {
            weekly.Count = total;
        }
        else
        {
            weekly.Until = new CalDateTime(EndOfLocalDay(request.Until!.Value, timeZone), CalDateTime.UtcTzId);
        }

        return Text(weekly);
    }

    /// <summary>
    /// The local start of each occurrence, in order (RFC 5545: the first start counts even when the rule's days do
    /// not include it). Errors when the rule gives none, too many, or runs past the cap.
    /// </summary>
    public static IReadOnlyList<DateTime> Expand(string rule, DateTime firstLocalStart, string timeZone, FieldErrors errors)
    {
        var evt = new CalendarEvent { DtStart = new CalDateTime(firstLocalStart, timeZone) };
        evt.RecurrenceRule = new RecurrenceRule(rule);
        var limit = firstLocalStart.AddDays(MaxSpanDays);
        var starts = new List<DateTime>();
        foreach (var occurrence in evt.GetOccurrences())
        {
            var local = occurrence.Period.StartTime.Value;
            if (local > limit || starts.Count == MaxOccurrences)
            {
                errors.Add("recurrence", $"A series is capped at {MaxOccurrences} lessons within two years of the first: end it sooner.");
                return [];
            }

            starts.Add(local);
        }

        if (starts.Count == 0)
        {
            errors.Add("recurrence", "The rule gives no lesson at all.");
        }

        return starts;
    }

    /// <summary>The rule cut so that its last occurrence starts before <paramref name="beforeUtc"/> (the series split at a lesson).</summary>
    public static string EndBefore(string rule, DateTime beforeUtc)
    {
        var pattern = new RecurrenceRule(rule) { Count = null };
        pattern.Until = new CalDateTime(beforeUtc.AddSeconds(-1), CalDateTime.UtcTzId);
        return Text(pattern);
    }

    /// <summary>The rule with its COUNT (if it has one) set to <paramref name="count"/>: the remainder of a series split at a lesson.</summary>
    public static string WithCount(string rule, int count)
    {
        var pattern = new RecurrenceRule(rule);
        if (pattern.Count is not null)
        {
            pattern.Count = count;
        }

        return Text(pattern);
    }

    /// <summary>
    /// The rule as Ical.Net writes it. Its rule serializer writes nothing outside a calendar, so the rule is written as
    /// part of a one-event calendar and its RRULE line (unfolded) is read back.
    /// </summary>
    private static string Text(RecurrenceRule rule)
    {
        var calendar = new Ical.Net.Calendar();
        calendar.Events.Add(new CalendarEvent { DtStart = new CalDateTime(2000, 1, 1, 0, 0, 0, CalDateTime.UtcTzId), RecurrenceRule = rule });
        var text = new CalendarSerializer(new SerializationContext()).SerializeToString(calendar) ?? string.Empty;
        var line = text.Replace("\r\n ", string.Empty, StringComparison.Ordinal).Split("\r\n").FirstOrDefault(l => l.StartsWith("RRULE:", StringComparison.Ordinal));
        return line?[6..] ?? throw new InvalidOperationException("Ical.Net wrote no rule.");
    }

    /// <summary>The rule with its days of the week moved by <paramref name="days"/> (a series moved to another day).</summary>
    public static string Shift(string rule, int days)
    {
        if (days % 7 == 0)
        {
            return rule;
        }

        var pattern = new RecurrenceRule(rule);
        pattern.ByDay = [.. pattern.ByDay.Select(d => new WeekDay((DayOfWeek)(((((int)d.DayOfWeek + days) % 7) + 7) % 7)))];
        return Text(pattern);
    }

    private static DateTime EndOfLocalDay(DateOnly date, string timeZone) =>
        SessionTimes.ToUtc(date.ToDateTime(new TimeOnly(23, 59, 59)), TimeZoneInfo.FindSystemTimeZoneById(timeZone));
}
