using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Finance;

/// <summary>
/// What a session costs each of its students: the session's own rate if it has one, else the school's most specific
/// matching rate (student, then tutor, then subject; the default has none of them). Priced when the session is
/// completed, so a later change of rates does not change what was earned; rounded to the cent, half away from zero.
/// </summary>
public static class TutoringPricing
{
    /// <summary>The hourly rate for one student of a session, or null when the school has no rate that matches.</summary>
    public static decimal? RateFor(IEnumerable<TutoringRate> schoolRates, TutoringSession session, int studentId) =>
        session.RateOverride ?? schoolRates
            .Where(r => (r.StudentId == null || r.StudentId == studentId)
                        && (r.TutorId == null || r.TutorId == session.TutorId)
                        && (r.Subject == null || string.Equals(r.Subject, session.Subject, StringComparison.OrdinalIgnoreCase)))
            .OrderByDescending(r => (r.StudentId != null ? 4 : 0) + (r.TutorId != null ? 2 : 0) + (r.Subject != null ? 1 : 0))
            .ThenByDescending(r => r.UpdatedAt)
            .Select(r => (decimal?)r.HourlyRate)
            .FirstOrDefault();

    public static decimal Amount(decimal hourlyRate, TutoringSession session) =>
        Math.Round(hourlyRate * (decimal)(session.EndUtc - session.StartUtc).TotalMinutes / 60m, 2, MidpointRounding.AwayFromZero);

    /// <summary>Sets each student's rate and amount of a completed session (tracked); clears them for any other status.</summary>
    public static async Task ApplyAsync(LyceumDbContext db, TutoringSession session, CancellationToken cancellationToken)
    {
        if (session.Status != SessionStatus.Completed)
        {
            foreach (var student in session.Students.Where(s => s.InvoiceLineId == null))
            {
                student.Rate = null;
                student.Amount = null;
            }

            return;
        }

        var rates = await db.TutoringRates.AsNoTracking().Where(r => r.SchoolId == session.SchoolId).ToListAsync(cancellationToken);
        foreach (var student in session.Students.Where(s => s.InvoiceLineId == null))
        {
            var rate = RateFor(rates, session, student.StudentId);
            student.Rate = rate;
            student.Amount = rate is { } hourly ? Amount(hourly, session) : null;
        }
    }
}
