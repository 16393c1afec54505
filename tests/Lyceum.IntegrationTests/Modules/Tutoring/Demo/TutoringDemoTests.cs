using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Tutoring;
using Lyceum.Modules.Tutoring.Demo;
using Lyceum.Modules.Tutoring.Finance;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Tutoring.Demo;

/// <summary>
/// The demo school's tutoring centre (made as if today were <see cref="DemoTermFixture.Today"/>, so its eight weeks
/// back cross the end of British Summer Time on 25 October 2026): tutors with sign-ins, sessions that never clash,
/// series that are their rules as Ical.Net expands them, statuses by date, prices by the school's rates, and invoices
/// numbered without gaps that add up.
/// </summary>
[Collection("app")]
public sealed class TutoringDemoTests(DemoTermFixture term)
{
    private static readonly DateOnly Today = DemoTermFixture.Today;

    [Theory, AllProviders]
    public async Task Six_tutors_sign_in_with_the_tutor_role_and_the_demo_tutor_has_a_full_calendar(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var school = await SchoolAsync(app);
        var tutors = await app.QueryAsync(db => db.Staff.Where(s => s.SchoolId == school && s.JobTitle == TutoringDemo.JobTitle)
            .Select(s => new
            {
                s.Id,
                s.UserId,
                Roles = db.UserRoles.Where(r => r.UserId == s.UserId).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name).ToList(),
                Sessions = db.TutoringSessions.Count(x => x.TutorId == s.Id),
            })
            .ToListAsync());
        var demoTutor = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Tutor));
        var branch = await app.QueryAsync(db => db.Branches.SingleAsync(b => b.SchoolId == school && b.Name == TutoringDemo.BranchName));

        Assert.Equal(6, tutors.Count);
        Assert.All(tutors, t => Assert.Equal([RoleNames.Tutor], t.Roles));
        Assert.All(tutors, t => Assert.True(t.Sessions > 10, $"tutor {t.Id}: {t.Sessions} sessions"));
        Assert.Contains(tutors, t => t.UserId == demoTutor);
        Assert.False(string.IsNullOrWhiteSpace(branch.Address));

        // The other tutors sign in with the demo password too.
        using var tutor2 = app.ClientWithToken(await app.TokenAsync("tutor2@demo.lyceum.local", LyceumApp.DemoPassword));
        var me = await (await tutor2.GetAsync("/api/v1/me")).JsonAsync();
        Assert.Equal([RoleNames.Tutor], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

        // Sessions at the centre have a room there; online ones a link and no branch.
        var places = await app.QueryAsync(db => db.TutoringSessions.Where(s => s.SchoolId == school)
            .Select(s => new { s.BranchId, s.Location, s.OnlineLink }).ToListAsync());
        Assert.All(places, p => Assert.True(p.BranchId == branch.Id ? p.Location is not null && p.OnlineLink is null : p.BranchId is null && p.OnlineLink is not null));
        Assert.InRange(places.Count(p => p.OnlineLink is not null), places.Count / 10, places.Count * 6 / 10);
    }

    [Theory, AllProviders]
    public async Task No_tutor_or_student_is_booked_twice_at_once(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var school = await SchoolAsync(app);
        var sessions = await SessionsAsync(app, school);
        var byStudent = sessions.SelectMany(s => s.Students.Select(p => (p.StudentId, Session: s))).ToLookup(x => x.StudentId, x => x.Session);

        Assert.True(sessions.Count > 300, $"{sessions.Count} sessions");
        Assert.Empty(Overlaps(sessions.ToLookup(s => s.TutorId)));
        Assert.Empty(Overlaps(byStudent));
        Assert.InRange(byStudent.Count, 20, 60);
        // A few small groups, never more than three.
        Assert.Contains(sessions, s => s.Students.Count > 1);
        Assert.All(sessions, s => Assert.InRange(s.Students.Count, 1, 3));

        // The demo family is tutored: the student (and so their guardian) sees sessions.
        var student = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Student));
        var studentId = await app.QueryAsync(db => db.Students.Where(s => s.UserId == student).Select(s => s.Id).SingleAsync());
        Assert.True(byStudent[studentId].Count() > 5);
    }

    [Theory, AllProviders]
    public async Task Every_series_is_its_rule_expanded_by_Ical_Net_in_the_school_zone(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var school = await SchoolAsync(app);
        var series = await app.QueryAsync(db => db.TutoringSeries.AsNoTracking().Where(s => s.SchoolId == school).ToListAsync());
        var sessions = (await SessionsAsync(app, school)).Where(s => s.SeriesId is not null).ToLookup(s => s.SeriesId!.Value);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

        Assert.True(series.Count >= 20, $"{series.Count} series");
        foreach (var row in series)
        {
            var first = TimeZoneInfo.ConvertTimeFromUtc(Utc(row.FirstStartUtc), zone);
            var expected = new CalendarEvent
            {
                DtStart = new CalDateTime(first, row.TimeZone),
                Duration = Duration.FromMinutes(row.DurationMinutes),
                RecurrenceRule = new RecurrencePattern(row.RecurrenceRule),
            }.GetOccurrences().Select(o => o.Period.StartTime.AsUtc).ToList();
            var rows = sessions[row.Id].OrderBy(s => s.RecurrenceIdUtc).ToList();

            Assert.Contains("UNTIL=", row.RecurrenceRule, StringComparison.Ordinal);
            Assert.Equal(expected, rows.Select(s => s.RecurrenceIdUtc!.Value));
            Assert.All(rows.Where(s => !s.Detached), s => Assert.Equal(s.RecurrenceIdUtc, s.StartUtc));
            Assert.All(rows, s => Assert.Equal(row.DurationMinutes, (s.EndUtc - s.StartUtc).TotalMinutes));
            Assert.All(rows, s => Assert.Equal(row.TutorId, s.TutorId));
            Assert.All(rows, s => Assert.Equal(row.Subject, s.Subject));
            // Same wall-clock time every week, summer time or not.
            Assert.Single(rows.Select(s => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(s.RecurrenceIdUtc!.Value, zone))).Distinct());
        }

        // Some run through the change of clocks (16:00 was 15:00 UTC before it, 16:00 UTC after), some twice a week or
        // fortnightly; one occurrence has been moved on its own; and there are one-offs besides.
        var all = await SessionsAsync(app, school);
        Assert.Contains(series, s => sessions[s.Id].Select(x => x.RecurrenceIdUtc!.Value.Hour).Distinct().Count() == 2);
        Assert.Contains(series, s => s.RecurrenceRule.Contains("BYDAY=", StringComparison.Ordinal) && s.RecurrenceRule.Split("BYDAY=")[1].Split(';')[0].Contains(','));
        Assert.Contains(series, s => s.RecurrenceRule.Contains("INTERVAL=2", StringComparison.Ordinal));
        Assert.Contains(all, s => s.Detached && s.StartUtc != s.RecurrenceIdUtc);
        Assert.Contains(all, s => s.SeriesId is null && s.RecurrenceIdUtc is null);
        Assert.True(all.Count(s => s.SeriesId is not null) > all.Count * 0.7);
    }

    [Theory, AllProviders]
    public async Task Past_sessions_are_mostly_completed_and_logged_and_future_ones_scheduled(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var school = await SchoolAsync(app);
        var sessions = await SessionsAsync(app, school);
        var start = Utc(Today.ToDateTime(TimeOnly.MinValue));
        var past = sessions.Where(s => s.StartUtc < start).ToList();
        var future = sessions.Where(s => s.StartUtc >= start).ToList();
        double Share(SessionStatus status) => past.Count(s => s.Status == status) / (double)past.Count;

        // The past eight weeks and the next four.
        Assert.True(sessions.Min(s => s.StartUtc) < start.AddDays(-49));
        Assert.True(sessions.Max(s => s.StartUtc) > start.AddDays(21));
        Assert.All(sessions, s => Assert.InRange(s.StartUtc, start.AddDays(-63), start.AddDays(35)));

        Assert.InRange(Share(SessionStatus.Completed), 0.75, 0.95);
        Assert.InRange(Share(SessionStatus.NoShow), 0.01, 0.1);
        Assert.InRange(Share(SessionStatus.Cancelled), 0.03, 0.15);
        Assert.DoesNotContain(past, s => s.Status == SessionStatus.Scheduled);
        Assert.All(past.Where(s => s.Status is SessionStatus.Completed or SessionStatus.NoShow), s =>
        {
            Assert.False(string.IsNullOrWhiteSpace(s.LogNote));
            Assert.NotNull(s.LoggedByUserId);
            Assert.True(s.LoggedAt >= s.EndUtc, $"session {s.Id} logged before it ended");
            Assert.DoesNotContain(s.Students, p => p.Attendance == SessionAttendance.Unmarked);
        });
        Assert.All(past.Where(s => s.Status == SessionStatus.Completed), s => Assert.Contains(s.Students, p => p.Attendance is SessionAttendance.Present or SessionAttendance.Late));
        Assert.All(past.Where(s => s.Status == SessionStatus.NoShow), s => Assert.All(s.Students, p => Assert.Equal(SessionAttendance.Absent, p.Attendance)));
        Assert.All(sessions.Where(s => s.Status == SessionStatus.Cancelled), s => Assert.False(string.IsNullOrWhiteSpace(s.CancelReason)));

        Assert.All(future, s => Assert.True(s.Status is SessionStatus.Scheduled or SessionStatus.Cancelled, $"session {s.Id}: {s.Status}"));
        Assert.All(future, s => Assert.Null(s.LoggedAt));
        Assert.InRange(future.Count(s => s.Status == SessionStatus.Cancelled), 2, future.Count / 10);
    }

    [Theory, AllProviders]
    public async Task Sessions_are_within_the_tutors_availability_and_none_is_held_while_a_tutor_is_away(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var school = await SchoolAsync(app);
        var sessions = await SessionsAsync(app, school);
        var windows = await app.QueryAsync(db => db.TutorAvailability.AsNoTracking().Where(a => a.SchoolId == school).ToListAsync());
        var exceptions = await app.QueryAsync(db => db.TutorAvailabilityExceptions.AsNoTracking().Where(a => a.SchoolId == school).ToListAsync());
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

        Assert.Contains(exceptions, e => e.Available);
        Assert.Contains(exceptions, e => !e.Available && e.StartTime is null);
        foreach (var s in sessions)
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(s.StartUtc, zone);
            var (date, from, to) = (DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(s.EndUtc, zone)));
            var on = exceptions.Where(e => e.TutorId == s.TutorId && e.Date == date).ToList();
            var within = windows.Any(w => w.TutorId == s.TutorId && w.Day == local.DayOfWeek && w.StartTime <= from && to <= w.EndTime)
                || on.Any(e => e.Available && e.StartTime <= from && to <= e.EndTime);
            var away = on.Any(e => !e.Available && (e.StartTime is null || (e.StartTime < to && from < e.EndTime)));

            Assert.True(within, $"session {s.Id} of tutor {s.TutorId} on {local:ddd yyyy-MM-dd HH:mm} is outside their availability");
            Assert.True(!away || s.Status == SessionStatus.Cancelled, $"session {s.Id} is {s.Status} while its tutor is away");
        }

        Assert.Contains(sessions, s => s.Status == SessionStatus.Cancelled
            && exceptions.Any(e => !e.Available && e.TutorId == s.TutorId && e.Date == DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(s.StartUtc, zone))));
    }

    [Theory, AllProviders]
    public async Task Completed_sessions_are_priced_per_student_by_the_schools_rates(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var school = await SchoolAsync(app);
        var sessions = await SessionsAsync(app, school);
        var rates = await app.QueryAsync(db => db.TutoringRates.AsNoTracking().Where(r => r.SchoolId == school).ToListAsync());

        Assert.Contains(rates, r => r is { StudentId: null, TutorId: null, Subject: null });
        Assert.Contains(rates, r => r is { StudentId: null, TutorId: null, Subject: not null });
        Assert.Contains(rates, r => r.TutorId is not null);
        Assert.Contains(rates, r => r.StudentId is not null);
        foreach (var s in sessions)
        {
            foreach (var p in s.Students)
            {
                if (s.Status == SessionStatus.Completed)
                {
                    var rate = TutoringPricing.RateFor(rates, s, p.StudentId);
                    Assert.NotNull(rate);
                    Assert.Equal(rate, p.Rate);
                    Assert.Equal(TutoringPricing.Amount(rate.Value, s), p.Amount);
                }
                else
                {
                    Assert.Null(p.Rate);
                    Assert.Null(p.Amount);
                    Assert.Null(p.InvoiceLineId);
                }
            }
        }

        // Different rates apply: the default, a subject's, a tutor's, a student's.
        Assert.True(sessions.SelectMany(s => s.Students).Where(p => p.Rate is not null).Select(p => p.Rate).Distinct().Count() >= 4);
    }

    [Theory, AllProviders]
    public async Task Invoices_are_numbered_without_gaps_billed_to_the_family_and_add_up(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var school = await SchoolAsync(app);
        var invoices = await app.QueryAsync(db => db.Invoices.AsNoTracking().Include(i => i.Lines).Where(i => i.SchoolId == school).OrderBy(i => i.Number).ToListAsync());
        var payments = (await app.QueryAsync(db => db.Payments.AsNoTracking().Where(p => p.SchoolId == school).ToListAsync())).ToLookup(p => p.InvoiceId);
        var counter = await app.QueryAsync(db => db.InvoiceCounters.SingleAsync(c => c.SchoolId == school));
        var sessions = await SessionsAsync(app, school);
        var billed = sessions.SelectMany(s => s.Students.Select(p => (Session: s, Student: p))).ToDictionary(x => x.Student.Id);
        var payers = await app.QueryAsync(db => db.StudentGuardians.GroupBy(g => g.StudentId)
            .Select(g => new { Student = g.Key, Guardian = g.OrderBy(x => x.ContactPriority).ThenBy(x => x.GuardianId).Select(x => x.GuardianId).First() })
            .ToDictionaryAsync(x => x.Student, x => x.Guardian));
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var live = invoices.Where(i => i.Status != InvoiceStatus.Void).ToList();
        var monthStart = new DateOnly(Today.Year, Today.Month, 1);

        Assert.True(invoices.Count >= 8, $"{invoices.Count} invoices");
        Assert.Equal(Enumerable.Range(1, invoices.Count), invoices.Select(i => i.Number!.Value));
        Assert.Equal(invoices.Count + 1, counter.NextNumber);
        foreach (var invoice in invoices)
        {
            Assert.Equal("GBP", invoice.Currency);
            Assert.NotNull(invoice.SentAt);
            Assert.Equal(invoice.Lines.Sum(l => l.Amount), invoice.Total);
            Assert.Equal(payments[invoice.Id].Sum(p => p.Amount), invoice.Paid);
            Assert.InRange(invoice.Paid, 0m, invoice.Total);
            Assert.All(payments[invoice.Id], p => Assert.InRange(p.PaidOn, invoice.IssuedOn!.Value, Today));
            Assert.Equal(invoice.Status == InvoiceStatus.Void ? InvoiceStatus.Void : invoice.Paid == invoice.Total ? InvoiceStatus.Paid : InvoiceStatus.Sent, invoice.Status);
            Assert.Equal(Enumerable.Range(1, invoice.Lines.Count), invoice.Lines.OrderBy(l => l.Position).Select(l => l.Position));
            foreach (var line in invoice.Lines)
            {
                var (session, student) = billed[line.SessionStudentId!.Value];
                Assert.Equal(SessionStatus.Completed, session.Status);
                Assert.Equal(student.StudentId, line.StudentId);
                Assert.Equal((student.Rate, student.Amount), (line.Rate, line.Amount));
                Assert.Equal(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(session.StartUtc, zone)), line.Date);
                Assert.InRange(line.Date, invoice.PeriodFrom, invoice.PeriodTo);
                Assert.True(line.Date < monthStart);
                Assert.Equal(payers[line.StudentId], invoice.GuardianId);
                // A live invoice's line is the one that bills the session; a voided one's bills nothing any more.
                Assert.Equal(invoice.Status != InvoiceStatus.Void, student.InvoiceLineId == line.Id);
            }
        }

        // One per family; each billed session once; what is not billed is this month's or not completed.
        Assert.Equal(live.Count, live.Select(i => i.GuardianId).Distinct().Count());
        var lines = live.SelectMany(i => i.Lines).ToList();
        Assert.Equal(lines.Count, lines.Select(l => l.SessionStudentId).Distinct().Count());
        Assert.All(billed.Values.Where(x => x.Student.InvoiceLineId is null && x.Session.Status == SessionStatus.Completed),
            x => Assert.True(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(x.Session.StartUtc, zone)) >= monthStart));

        // Most paid, some in part, some not yet; one voided and re-issued.
        var paid = live.Count(i => i.Status == InvoiceStatus.Paid);
        Assert.True(paid > live.Count / 2, $"{paid} of {live.Count} paid");
        Assert.Contains(live, i => i.Status == InvoiceStatus.Sent && i.Paid > 0);
        Assert.Contains(live, i => i.Status == InvoiceStatus.Sent && i.Paid == 0);
        var voided = Assert.Single(invoices, i => i.Status == InvoiceStatus.Void);
        Assert.False(string.IsNullOrWhiteSpace(voided.VoidReason));
        var reissued = Assert.Single(invoices, i => i.ReplacesId == voided.Id);
        Assert.Equal(voided.GuardianId, reissued.GuardianId);
        Assert.True(reissued.Number > voided.Number);
    }

    private static async Task<int> SchoolAsync(LyceumApp app) =>
        await app.QueryAsync(db => db.Schools.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());

    private static async Task<List<TutoringSession>> SessionsAsync(LyceumApp app, int school)
    {
        var sessions = await app.QueryAsync(db => db.TutoringSessions.AsNoTracking().Include(s => s.Students).Where(s => s.SchoolId == school).ToListAsync());
        foreach (var s in sessions)
        {
            // SQLite reads back unspecified kinds: these are UTC.
            (s.StartUtc, s.EndUtc, s.RecurrenceIdUtc) = (Utc(s.StartUtc), Utc(s.EndUtc), s.RecurrenceIdUtc is { } r ? Utc(r) : null);
            s.LoggedAt = s.LoggedAt is { } at ? Utc(at) : null;
        }

        return sessions;
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    /// <summary>Pairs of sessions of one person (tutor or student) that overlap in time.</summary>
    private static List<string> Overlaps(ILookup<int, TutoringSession> byPerson) =>
        [.. byPerson.SelectMany(g => g.OrderBy(s => s.StartUtc).Zip(g.OrderBy(s => s.StartUtc).Skip(1))
            .Where(p => p.Second.StartUtc < p.First.EndUtc)
            .Select(p => $"{g.Key}: sessions {p.First.Id} and {p.Second.Id}"))];
}
