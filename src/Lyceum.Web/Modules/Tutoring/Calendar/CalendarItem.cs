using System.Globalization;
using Lyceum.Modules.Tutoring.Sessions;

namespace Lyceum.Modules.Tutoring.Calendar;

/// <summary>One session as the scheduler draws it: its local start and end and the line it shows.</summary>
public sealed class CalendarItem(SessionView session, bool showTutor)
{
    public SessionView Session { get; } = session;

    public DateTime Start { get; } = session.Start;

    public DateTime End { get; } = session.End;

    /// <summary>Time, subject and students (and the tutor, for those who see more than their own).</summary>
    public string Text { get; } = Title(session, showTutor);

    public static string Title(SessionView s, bool showTutor)
    {
        var students = string.Join(", ", s.Students.Select(x => $"{x.FirstName} {x.LastName}"));
        var text = $"{s.Start.ToString("HH:mm", CultureInfo.InvariantCulture)} {s.Subject} · {students}";
        return showTutor ? $"{text} ({s.Tutor})" : text;
    }

    /// <summary>The CSS modifier of a status: scheduled, completed, cancelled, no-show.</summary>
    public static string StatusClass(SessionStatus status) => status switch
    {
        SessionStatus.NoShow => "no-show",
        _ => status.ToString().ToLowerInvariant(),
    };
}
