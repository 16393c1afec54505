using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Behaviour.Detentions;

/// <summary>A detention's place in the week: who, when, where, supervised by whom.</summary>
public sealed record DetentionSlot(int StudentId, DateOnly Date, TimeOnly Start, int Minutes, int SupervisorId, int? RoomId)
{
    public TimeOnly End => Start.AddMinutes(Minutes);

    /// <summary>Whether two stretches of the same day overlap (touching ends do not).</summary>
    public static bool Overlaps(TimeOnly start, TimeOnly end, TimeOnly otherStart, TimeOnly otherEnd) => start < otherEnd && otherStart < end;
}

/// <summary>
/// Whether a detention fits: the student has no other detention then; the supervisor supervises no other session then
/// and teaches no class then (a section meeting at an overlapping period that weekday, in a term covering the date);
/// the room is not taken by another session or a class. Several students in the same session (same supervisor, room,
/// date, start and length) are a group detention, not a clash. Times are compared here: a supervisor's day is a few rows.
/// </summary>
public static class DetentionChecks
{
    public static async Task CheckAsync(LyceumDbContext db, DetentionSlot slot, int exceptId, FieldErrors errors, CancellationToken cancellationToken)
    {
        var (date, start, end) = (slot.Date, slot.Start, slot.End);
        var sameDay = await db.Detentions.AsNoTracking()
            .Where(d => d.Id != exceptId && d.Date == date && d.Status != DetentionStatus.Cancelled
                        && (d.StudentId == slot.StudentId || d.SupervisorId == slot.SupervisorId || (slot.RoomId != null && d.RoomId == slot.RoomId)))
            .Select(d => new { d.StudentId, d.SupervisorId, d.RoomId, d.StartTime, d.DurationMinutes, Room = d.Room == null ? null : d.Room.Name })
            .ToListAsync(cancellationToken);
        foreach (var other in sameDay)
        {
            var otherEnd = other.StartTime.AddMinutes(other.DurationMinutes);
            if (!DetentionSlot.Overlaps(start, end, other.StartTime, otherEnd))
            {
                continue;
            }

            var when = $"{other.StartTime:HH\\:mm}–{otherEnd:HH\\:mm}";
            var sameSession = other.SupervisorId == slot.SupervisorId && other.RoomId == slot.RoomId
                              && other.StartTime == start && other.DurationMinutes == slot.Minutes;
            if (other.StudentId == slot.StudentId)
            {
                errors.Add("studentId", $"The student already has a detention on {date:yyyy-MM-dd} at {when}.");
            }
            else if (sameSession)
            {
                continue;
            }
            else if (other.SupervisorId == slot.SupervisorId)
            {
                errors.Add("supervisorId", $"The supervisor already supervises a detention on {date:yyyy-MM-dd} at {when}" +
                    $"{(other.Room is null ? "" : $" in {other.Room}")}. Put the student in that session (same time and room) or choose another time.");
            }
            else
            {
                errors.Add("roomId", $"The room is already booked for another detention on {date:yyyy-MM-dd} at {when}.");
            }
        }

        // Classes on that weekday, in a term that covers the date, taught by the supervisor or held in the room.
        var day = date.DayOfWeek;
        var classes = await db.Sections.AsNoTracking()
            .Where(x => x.ArchivedAt == null && x.Term!.StartDate <= date && x.Term.EndDate >= date
                        && (x.TeacherId == slot.SupervisorId || x.CoTeachers.Any(c => c.StaffMemberId == slot.SupervisorId)
                            || (slot.RoomId != null && x.RoomId == slot.RoomId)))
            .SelectMany(x => x.Meetings.Where(m => m.Day == day), (x, m) => new
            {
                Section = x.Name,
                Teaches = x.TeacherId == slot.SupervisorId || x.CoTeachers.Any(c => c.StaffMemberId == slot.SupervisorId),
                x.RoomId,
                Period = m.Period!.Name,
                m.Period.StartTime,
                m.Period.EndTime,
            })
            .ToListAsync(cancellationToken);
        foreach (var lesson in classes.Where(c => DetentionSlot.Overlaps(start, end, c.StartTime, c.EndTime)))
        {
            var when = $"{lesson.Period} ({lesson.StartTime:HH\\:mm}–{lesson.EndTime:HH\\:mm}) on {day}s";
            if (lesson.Teaches)
            {
                errors.Add("supervisorId", $"The supervisor teaches section {lesson.Section} at {when}.");
            }

            if (slot.RoomId is { } room && lesson.RoomId == room)
            {
                errors.Add("roomId", $"Section {lesson.Section} meets in this room at {when}.");
            }
        }
    }
}
