using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Tutoring;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Tutoring;

/// <summary>
/// The tutoring calendar in the browser: a coordinator books a weekly series and sees it in the week, a clash is refused
/// naming the other session; an occurrence moves on its own and the rest of a series is cancelled; a tutor on a phone
/// logs a session in a few taps and a repeated tap changes nothing; a coordinator sees no rates; a guardian sees their
/// child's sessions. Each spec makes its own tutor (or uses the demo tutor) and its own students' times at an early hour
/// (07:05), so the demo's own tutoring data cannot clash with it.
/// </summary>
[Collection("browser")]
public sealed class TutoringCalendarSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task A_coordinator_books_a_weekly_series_sees_it_in_the_week_and_a_clash_is_refused_naming_the_other_session()
    {
        var (school, zone) = await SchoolAsync();
        var tutor = await NewTutorAsync(school, "Chemist");
        var student = await StudentAsync(school, 0);
        var today = Today(zone);
        var subject = $"Chem {Guid.NewGuid():N}"[..9];

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await page.GotoAsync("/tutoring");
        var book = page.GetByRole(AriaRole.Button, new() { Name = "Book a session", Exact = true });
        await Assertions.Expect(book).ToBeEnabledAsync(); // interactive
        await book.ClickAsync();

        await page.Locator("#b-tutor").SelectOptionAsync(tutor.Id.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#b-subject").FillAsync(subject);
        await page.Locator("#b-student-search").FillAsync(student.StudentNumber);
        await page.Locator(".ly-candidates label").Filter(new() { HasText = student.Name }).Locator("input[type=checkbox]").CheckAsync();
        await Assertions.Expect(page.Locator("#b-chosen")).ToContainTextAsync(student.Name);
        await page.Locator("#b-date").FillAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.Locator("#b-start").FillAsync("07:05");
        await page.Locator("#b-end").FillAsync("07:50");
        await page.Locator("#b-repeat").SelectOptionAsync("weekly");
        await page.Locator("#b-count").FillAsync("4");
        await page.Locator("#b-notes").FillAsync("Bring the lab book.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator(".ly-notice")).ToContainTextAsync("Booked a series of 4 lessons");
        var events = page.Locator(".rz-event-content").Filter(new() { HasText = $"07:05 {subject}" });
        await Assertions.Expect(events).ToHaveCountAsync(1); // this week's lesson, in the week view
        await Assertions.Expect(events).ToHaveClassAsync(new Regex("ly-session-scheduled"));
        await Assertions.Expect(events).ToContainTextAsync(student.Name);
        var stored = await browser.App.QueryAsync(db => db.TutoringSessions.Where(s => s.Subject == subject).Select(s => new { s.SeriesId, s.Notes }).ToListAsync());
        Assert.Equal(4, stored.Count);
        Assert.Single(stored.Select(s => s.SeriesId).Distinct());
        Assert.NotNull(stored[0].SeriesId);
        await Screenshots(page, "tutoring-week");

        // Another lesson for the same tutor at 07:30 the same day: refused, naming the lesson it clashes with.
        await book.ClickAsync();
        await page.Locator("#b-tutor").SelectOptionAsync(tutor.Id.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#b-subject").FillAsync("Physics");
        await page.Locator("#b-student-search").FillAsync(student.StudentNumber);
        await page.Locator(".ly-candidates label").Filter(new() { HasText = student.Name }).Locator("input[type=checkbox]").CheckAsync();
        await page.Locator("#b-date").FillAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.Locator("#b-start").FillAsync("07:30");
        await page.Locator("#b-end").FillAsync("08:15");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();
        var clash = page.Locator(".ly-tc-clashes");
        await Assertions.Expect(clash).ToContainTextAsync($"already teaches {subject}");
        await Assertions.Expect(clash).ToContainTextAsync("07:05");
        Assert.Equal(0, await browser.App.QueryAsync(db => db.TutoringSessions.CountAsync(s => s.TutorId == tutor.Id && s.Subject == "Physics")));
        await Screenshots(page, "tutoring-clash");

        // A coordinator may book it anyway, with a reason (audited).
        await page.Locator("#b-override").CheckAsync();
        await page.Locator("#b-override-reason").FillAsync("Exam week: double lesson agreed with the family.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-notice")).ToContainTextAsync("Booked: Physics");
        Assert.Equal(
            "Exam week: double lesson agreed with the family.",
            await browser.App.QueryAsync(db => db.TutoringSessions.Where(s => s.TutorId == tutor.Id && s.Subject == "Physics").Select(s => s.ConflictOverrideReason).SingleAsync()));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_coordinator_moves_one_lesson_of_a_series_and_then_cancels_it_and_the_following_ones()
    {
        var (school, zone) = await SchoolAsync();
        var tutor = await NewTutorAsync(school, "Linguist");
        var student = await StudentAsync(school, 1);
        var today = Today(zone);
        var subject = $"Latin {Guid.NewGuid():N}"[..10];
        // Four weekly lessons from a week ago: last week's, today's and two later.
        using (var api = await browser.App.DemoClientAsync(RoleNames.Moderator))
        {
            var first = today.AddDays(-7).ToDateTime(new TimeOnly(7, 5));
            var response = await api.PostAsJsonAsync("/api/v1/tutoring/sessions", new
            {
                tutorId = tutor.Id,
                studentIds = new[] { student.Id },
                subject,
                start = first,
                end = first.AddMinutes(45),
                recurrence = new { rule = "FREQ=WEEKLY;COUNT=4" },
            });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await page.GotoAsync("/tutoring");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Book a session", Exact = true })).ToBeEnabledAsync();
        var lesson = page.Locator(".rz-event-content").Filter(new() { HasText = subject });
        await BrowserFixture.ClickUntilShownAsync(lesson, page.GetByRole(AriaRole.Dialog));

        // Only this lesson moves, to 08:10–08:55.
        await page.Locator("#m-start").FillAsync("08:10");
        await page.Locator("#m-end").FillAsync("08:55");
        await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Only this lesson" }).First).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Move", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-notice")).ToContainTextAsync("moved to");
        await Assertions.Expect(lesson).ToContainTextAsync("08:10");
        var rows = await SessionsAsync(subject, zone);
        Assert.Equal(["07:05", "08:10", "07:05", "07:05"], rows.Select(r => r.Start.ToString("HH:mm", CultureInfo.InvariantCulture)));
        Assert.True(rows[1].Detached);

        // Then it and every later lesson are cancelled; last week's stays.
        await BrowserFixture.ClickUntilShownAsync(lesson, page.GetByRole(AriaRole.Dialog));
        await page.Locator("input[name=c-scope]").Nth(1).CheckAsync();
        await page.Locator("#c-reason").FillAsync("The family moved away.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel the lesson", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-notice")).ToContainTextAsync("Cancelled this and the following lessons.");
        await Assertions.Expect(lesson).ToHaveClassAsync(new Regex("ly-session-cancelled"));
        rows = await SessionsAsync(subject, zone);
        Assert.Equal([SessionStatus.Scheduled, SessionStatus.Cancelled, SessionStatus.Cancelled, SessionStatus.Cancelled], rows.Select(r => r.Status));
        await Screenshots(page, "tutoring-cancelled");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_tutor_on_a_phone_logs_a_session_completed_with_a_note_in_a_few_taps_and_a_repeated_tap_changes_nothing()
    {
        var (school, zone) = await SchoolAsync();
        var tutorUser = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Tutor));
        var tutorId = await browser.App.QueryAsync(db => db.Staff.Where(s => s.UserId == tutorUser).Select(s => s.Id).SingleAsync());
        var student = await StudentAsync(school, 2);
        var subject = $"Maths {Guid.NewGuid():N}"[..10];
        // Starting now (a lesson is logged once it has started), today in the school's zone.
        var now = DateTime.UtcNow;
        var start = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc);
        var session = new TutoringSession
        {
            SchoolId = school,
            TutorId = tutorId,
            Subject = subject,
            StartUtc = start,
            EndUtc = start.AddMinutes(45),
            TimeZone = zone.Id,
            Status = SessionStatus.Scheduled,
            Students = [new TutoringSessionStudent { StudentId = student.Id }],
        };
        await browser.App.InsertAsync(session);

        var page = await browser.NewPageAsync(390);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Tutor);
        await page.GotoAsync("/tutoring");
        var mine = page.Locator(".ly-tc-myday-item").Filter(new() { HasText = subject });
        await Assertions.Expect(mine).ToBeEnabledAsync(); // "My day", above the calendar, once interactive
        await Assertions.Expect(page.Locator(".rz-scheduler")).ToBeVisibleAsync();
        await Screenshots(page, "tutoring-my-day");

        await BrowserFixture.ClickUntilShownAsync(mine, page.GetByRole(AriaRole.Dialog));
        await page.GetByRole(AriaRole.Radiogroup, new() { Name = student.Name }).GetByText("Late").ClickAsync();
        await page.Locator("#log-note").FillAsync("Fractions done; homework set.");
        var completed = page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Completed", Exact = true });
        await completed.ClickAsync();
        await Assertions.Expect(page.GetByTestId("session-status")).ToHaveTextAsync("Completed");
        await Assertions.Expect(page.GetByTestId("log-note")).ToHaveTextAsync("Fractions done; homework set.");
        var logged = await browser.App.QueryAsync(db => db.TutoringSessions.Where(s => s.Id == session.Id)
            .Select(s => new { s.Status, s.LogId, s.LoggedAt, s.LogNote, Attendance = s.Students.Select(x => x.Attendance).Single() }).SingleAsync());
        Assert.Equal((SessionStatus.Completed, "Fractions done; homework set.", SessionAttendance.Late), (logged.Status, logged.LogNote, logged.Attendance));
        await Screenshots(page, "tutoring-logged");

        // The same tap again (a retry after a lost answer) sends the same log id: nothing changes.
        await Assertions.Expect(completed).ToBeEnabledAsync();
        await completed.ClickAsync();
        await Assertions.Expect(page.Locator(".ly-notice")).ToContainTextAsync("Logged");
        var again = await browser.App.QueryAsync(db => db.TutoringSessions.Where(s => s.Id == session.Id).Select(s => new { s.LogId, s.LoggedAt }).SingleAsync());
        Assert.Equal((logged.LogId, logged.LoggedAt), (again.LogId, again.LoggedAt));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_coordinator_sees_no_rates_where_the_administrator_does()
    {
        var (school, zone) = await SchoolAsync();
        var tutor = await NewTutorAsync(school, "Pianist");
        var student = await StudentAsync(school, 3);
        var subject = $"Piano {Guid.NewGuid():N}"[..10];
        var start = SessionTimesUtc(Today(zone), new TimeOnly(7, 5), zone);
        await browser.App.InsertAsync(new TutoringSession
        {
            SchoolId = school,
            TutorId = tutor.Id,
            Subject = subject,
            StartUtc = start,
            EndUtc = start.AddMinutes(45),
            TimeZone = zone.Id,
            Status = SessionStatus.Scheduled,
            RateOverride = 47.25m,
            Students = [new TutoringSessionStudent { StudentId = student.Id }],
        });

        foreach (var (role, seesRate) in new[] { (RoleNames.Moderator, false), (RoleNames.Administrator, true) })
        {
            var page = await browser.NewPageAsync();
            await BrowserFixture.SignInAsDemoAsync(page, role);
            await page.GotoAsync("/tutoring");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Book a session", Exact = true })).ToBeEnabledAsync();
            await BrowserFixture.ClickUntilShownAsync(page.Locator(".rz-event-content").Filter(new() { HasText = subject }), page.GetByRole(AriaRole.Dialog));
            await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync(tutor.Name);
            if (seesRate)
            {
                await Assertions.Expect(page.Locator(".ly-tc-rate")).ToContainTextAsync("47.25");
            }
            else
            {
                await Assertions.Expect(page.Locator(".ly-tc-rate")).ToHaveCountAsync(0);
                Assert.DoesNotContain("47.25", await page.ContentAsync(), StringComparison.Ordinal);
                Assert.DoesNotContain("Rate", await page.GetByRole(AriaRole.Dialog).InnerTextAsync(), StringComparison.Ordinal);
            }

            Assert.Empty(BrowserFixture.ErrorsOf(page));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_guardian_reads_their_childs_sessions_by_week()
    {
        var (school, zone) = await SchoolAsync();
        var guardianUser = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var child = await browser.App.QueryAsync(db => db.Guardians.Where(g => g.UserId == guardianUser)
            .SelectMany(g => g.Students.Select(s => s.StudentId)).OrderBy(id => id).FirstAsync());
        var tutor = await NewTutorAsync(school, "Violinist");
        var subject = $"Violin {Guid.NewGuid():N}"[..11];
        var start = SessionTimesUtc(Today(zone), new TimeOnly(7, 5), zone);
        await browser.App.InsertAsync(new TutoringSession
        {
            SchoolId = school,
            TutorId = tutor.Id,
            Subject = subject,
            StartUtc = start,
            EndUtc = start.AddMinutes(45),
            TimeZone = zone.Id,
            Status = SessionStatus.Scheduled,
            RateOverride = 30m,
            Students = [new TutoringSessionStudent { StudentId = child }],
        });

        var page = await browser.NewPageAsync(390);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Guardian);
        await page.GotoAsync("/tutoring");
        var row = page.Locator(".ly-tc-row").Filter(new() { HasText = subject });
        await Assertions.Expect(row).ToContainTextAsync("07:05");
        await Assertions.Expect(row).ToContainTextAsync(tutor.Name);
        await Assertions.Expect(row).ToContainTextAsync("Scheduled");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Book a session" })).ToHaveCountAsync(0);
        await Screenshots(page, "tutoring-family");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    private async Task<(int School, TimeZoneInfo Zone)> SchoolAsync()
    {
        var school = await browser.DemoSchoolIdAsync();
        var zone = await browser.App.QueryAsync(db => db.Schools.Where(s => s.Id == school).Select(s => s.TimeZone).SingleAsync());
        return (school, TimeZoneInfo.FindSystemTimeZoneById(zone));
    }

    private static DateOnly Today(TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone));

    private static DateTime SessionTimesUtc(DateOnly day, TimeOnly time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(time, DateTimeKind.Unspecified), zone);

    /// <summary>A tutor of this spec's own, so that no other spec's or the demo's lessons clash with it.</summary>
    private async Task<(int Id, string Name)> NewTutorAsync(int school, string kind)
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var member = new StaffMember
        {
            SchoolId = school,
            StaffNumber = $"E2E{tag}",
            FirstName = kind,
            LastName = $"Tutor{tag}",
            Email = $"tutor-{tag}@lyceum.test",
            JobTitle = "Tutor",
        };
        await browser.App.InsertAsync(member);
        return (member.Id, $"{member.FirstName} {member.LastName}");
    }

    /// <summary>The n-th current student of the demo school (each spec its own, so that their lessons do not clash).</summary>
    private Task<(int Id, string StudentNumber, string Name)> StudentAsync(int school, int n) =>
        browser.App.QueryAsync(async db =>
        {
            var s = await db.Students.Where(x => x.SchoolId == school && x.ArchivedAt == null).OrderBy(x => x.Id).Skip(40 + n)
                .Select(x => new { x.Id, x.StudentNumber, x.FirstName, x.LastName }).FirstAsync();
            return (s.Id, s.StudentNumber, $"{s.FirstName} {s.LastName}");
        });

    private async Task<List<(DateTime Start, SessionStatus Status, bool Detached)>> SessionsAsync(string subject, TimeZoneInfo zone)
    {
        var rows = await browser.App.QueryAsync(db => db.TutoringSessions.Where(s => s.Subject == subject)
            .Select(s => new { s.StartUtc, s.Status, s.Detached, Order = s.RecurrenceIdUtc ?? s.StartUtc }).ToListAsync());
        return [.. rows.OrderBy(r => r.Order).Select(r => (TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(r.StartUtc, DateTimeKind.Utc), zone), r.Status, r.Detached))];
    }

    private static async Task Screenshots(IPage page, string name)
    {
        var original = page.ViewportSize!.Width;
        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, width <= 480 ? 844 : 900);
            await BrowserFixture.ScreenshotAsync(page, name);
            await BrowserFixture.AssertAccessibleAsync(page);
        }

        await page.SetViewportSizeAsync(original, original <= 480 ? 844 : 900);
    }
}
