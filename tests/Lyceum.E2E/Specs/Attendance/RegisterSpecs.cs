using System.Net.Http.Json;
using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Attendance;
using Lyceum.Modules.Attendance.TakeRegister;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Attendance;

[Collection("browser")]
public sealed class RegisterSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task A_teacher_on_a_phone_marks_two_absent_and_one_late_and_submits()
    {
        var (meeting, today) = await MeetingAsync(0);
        await FreshAsync(meeting);
        var page = await browser.NewPageAsync(390);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Teacher);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Today's registers", Exact = true })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "dashboard-registers");

        await page.GotoAsync("/attendance");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Registers", Exact = true })).ToBeVisibleAsync();
        if (meeting.Date != today)
        {
            // Today has no lesson of hers (a weekend, a holiday): the latest day that has one, chosen on the page.
            await ChooseDateAsync(page, meeting.Date);
        }

        var card = page.Locator($"a.ly-register[href='{meeting.Href}']");
        // "Not taken yet", or "Overdue: not taken yet" once the lesson is under way (the suite may run at any time of day).
        // Playwright drops a .NET Regex's IgnoreCase (it passed only after the lesson began): its own option says it.
        await Assertions.Expect(card).ToContainTextAsync("not taken yet", new() { IgnoreCase = true });
        await BrowserFixture.ClickUntilShownAsync(card, page.GetByRole(AriaRole.Heading, new() { Name = meeting.Section, Exact = true }));

        var rows = page.Locator("li.ly-mark-row");
        var students = await rows.CountAsync();
        Assert.True(students >= 3, $"The register has {students} students.");
        await Assertions.Expect(page.GetByText($"{students} present · 0 absent · 0 late")).ToBeVisibleAsync();
        await Radio(rows.Nth(0), "N Absent").CheckAsync();
        await Radio(rows.Nth(1), "N Absent").CheckAsync();
        await Radio(rows.Nth(2), "L Late").CheckAsync();
        await rows.Nth(2).GetByLabel("Minutes late").FillAsync("7");
        await Assertions.Expect(page.GetByText($"{students - 3} present · 2 absent · 1 late")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "register-marking");

        // A double tap: the button is off while saving, and the handler takes the same marks twice as one register.
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit register", Exact = true }).ClickAsync(new() { ClickCount = 2 });

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("✓ Register taken at");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"by {await DemoNameAsync(RoleNames.Teacher)}");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true })).ToBeDisabledAsync();
        await Assertions.Expect(Radio(rows.Nth(0), "N Absent")).ToBeCheckedAsync();
        await BrowserFixture.ScreenshotAsync(page, "register-taken");

        var marks = await browser.App.QueryAsync(db => db.Registers.Where(r => r.Slot == meeting.Slot)
            .SelectMany(r => r.Marks).Select(m => new { m.Code!.Category, m.LateMinutes }).ToListAsync());
        Assert.Equal(students, marks.Count);
        Assert.Equal(2, marks.Count(m => m.Category == AttendanceCategory.Absent));
        Assert.Equal(7, Assert.Single(marks, m => m.Category == AttendanceCategory.Late).LateMinutes);
        Assert.Equal(students - 3, marks.Count(m => m.Category == AttendanceCategory.Present));
        Assert.Equal(1, await browser.App.QueryAsync(db => db.Registers.CountAsync(r => r.Slot == meeting.Slot)));

        // Back on the day's list, the register shows as taken, by whom, with its absences.
        await page.GetByRole(AriaRole.Link, new() { Name = "← Registers" }).ClickAsync();
        await Assertions.Expect(page.Locator($"a.ly-register[href='{meeting.Href}']")).ToContainTextAsync("✓ Taken at");
        await Assertions.Expect(page.Locator($"a.ly-register[href='{meeting.Href}']")).ToContainTextAsync("2 absent, 1 late");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_office_sees_a_register_taken_elsewhere_within_five_seconds_without_a_reload()
    {
        var (meeting, today) = await MeetingAsync(1);
        await FreshAsync(meeting);
        var page = await browser.NewPageAsync(1280);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Today's registers", Exact = true })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "dashboard-registers-office");
        await page.GotoAsync(meeting.Date == today ? "/attendance" : $"/attendance?date={RegisterRoutes.Day(meeting.Date)}");

        var missingOnly = page.GetByLabel("Missing only");
        for (var attempt = 1; ; attempt++)
        {
            // A tick before the circuit is up does nothing, as for a person: tick again.
            await missingOnly.CheckAsync(new() { Force = attempt > 1 });
            try
            {
                await page.WaitForURLAsync(url => url.Contains("missing=true", StringComparison.Ordinal), new() { Timeout = 1_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 10)
            {
            }
        }

        var card = page.Locator($"a.ly-register[href='{meeting.Href}']");
        await Assertions.Expect(card).ToBeVisibleAsync();
        var taken = page.Locator(".ly-register-counts > div").Filter(new() { HasText = "Taken" }).Locator("dd");
        var takenBefore = int.Parse(await taken.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await page.EvaluateAsync("() => window.lyceumStillHere = true");
        await BrowserFixture.ScreenshotAsync(page, "registers-office-missing");

        // The teacher takes the register on her phone (here through the API her phone's page shares the handler with).
        using var teacher = await browser.App.DemoClientAsync(RoleNames.Teacher);
        var api = $"/api/v1{meeting.Href}";
        var sheet = await teacher.GetFromJsonAsync<System.Text.Json.JsonElement>(api);
        using var taking = await teacher.PutAsJsonAsync(api, new
        {
            marks = sheet.GetProperty("students").EnumerateArray().Select(s => new { studentId = s.GetProperty("studentId").GetInt32(), code = "/" }),
        });
        taking.EnsureSuccessStatusCode();

        await Assertions.Expect(card).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        await Assertions.Expect(taken).ToHaveTextAsync((takenBefore + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 5_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.lyceumStillHere === true"), "The page was reloaded.");

        // Everything again: the register is there, taken, by the teacher.
        await page.GetByLabel("Missing only").UncheckAsync();
        await Assertions.Expect(card).ToContainTextAsync("✓ Taken at");
        await Assertions.Expect(card).ToContainTextAsync($"by {await DemoNameAsync(RoleNames.Teacher)}");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_register_taken_by_someone_else_meanwhile_shows_their_marks_and_mine_become_an_amendment_with_a_reason()
    {
        var (meeting, _) = await MeetingAsync(3);
        await FreshAsync(meeting);
        var page = await browser.NewPageAsync(390);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Teacher);
        await page.GotoAsync(meeting.Href);
        var rows = page.Locator("li.ly-mark-row");
        await Radio(rows.Nth(0), "L Late").CheckAsync();
        await rows.Nth(0).GetByLabel("Minutes late").FillAsync("5");

        // Meanwhile the office takes the same register, everyone present.
        using var office = await browser.App.DemoClientAsync(RoleNames.Moderator);
        var api = $"/api/v1{meeting.Href}";
        var sheet = await office.GetFromJsonAsync<System.Text.Json.JsonElement>(api);
        using var taking = await office.PutAsJsonAsync(api, new
        {
            marks = sheet.GetProperty("students").EnumerateArray().Select(s => new { studentId = s.GetProperty("studentId").GetInt32(), code = "/" }),
        });
        taking.EnsureSuccessStatusCode();

        await page.GetByRole(AriaRole.Button, new() { Name = "Submit register", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"{await DemoNameAsync(RoleNames.Moderator)} took this register at");
        await Assertions.Expect(Radio(rows.Nth(0), "/ Present")).ToBeCheckedAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Use my marks instead", Exact = true }).ClickAsync();
        await Assertions.Expect(Radio(rows.Nth(0), "L Late")).ToBeCheckedAsync();
        await Assertions.Expect(rows.Nth(0).GetByLabel("Minutes late")).ToHaveValueAsync("5");
        var save = page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true });
        await save.ClickAsync();
        await Assertions.Expect(page.Locator("#reason-error")).ToHaveTextAsync("Give the reason for changing a register already taken.");

        // The handler's own refusal stands at the row it is about.
        await page.GetByLabel("Reason for the change").FillAsync("Arrived after the office took the register");
        await rows.Nth(0).GetByLabel("Minutes late").FillAsync("999");
        await save.ClickAsync();
        await Assertions.Expect(rows.Nth(0).Locator(".ly-field-error")).ToHaveTextAsync("Must be from 0 to 300 minutes.");
        await BrowserFixture.ScreenshotAsync(page, "register-amending");

        await rows.Nth(0).GetByLabel("Minutes late").FillAsync("9");
        await save.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("amended at");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your changes are saved.");
        var stored = await browser.App.QueryAsync(db => db.Registers.Where(r => r.Slot == meeting.Slot)
            .Select(r => new { Late = r.Marks.Where(m => m.Code!.Category == AttendanceCategory.Late).Select(m => m.LateMinutes).ToList(), r.Id }).SingleAsync());
        Assert.Equal([9], stored.Late);
        Assert.Equal("Arrived after the office took the register",
            await browser.App.QueryAsync(db => db.RegisterAmendments.Where(a => a.RegisterId == stored.Id).Select(a => a.Reason).SingleAsync()));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_office_takes_a_forms_morning_register_when_its_year_group_registers_daily()
    {
        var (lesson, _) = await MeetingAsync(0);
        var date = lesson.Date;
        var school = await browser.DemoSchoolIdAsync();
        var form = await browser.App.QueryAsync(db => db.Students
            .Where(s => s.SchoolId == school && s.YearGroup == 7 && s.ArchivedAt == null && s.FormGroup != null)
            .OrderBy(s => s.FormGroup).Select(s => s.FormGroup!).FirstAsync());
        var slot = Register.DailySlot(school, form, date, DaySession.AM);
        // Year 7 registers daily (morning and afternoon, per form) for this spec only.
        var before = await browser.App.QueryAsync(db => db.YearGroupRegistrations.Where(r => r.SchoolId == school && r.YearGroup == 7)
            .Select(r => (RegistrationMode?)r.Mode).FirstOrDefaultAsync());
        if (before is null)
        {
            await browser.App.InsertAsync(new YearGroupRegistration { SchoolId = school, YearGroup = 7, Mode = RegistrationMode.Daily });
        }
        else
        {
            await SetModeAsync(school, RegistrationMode.Daily);
        }

        try
        {
            await browser.App.QueryAsync(db => db.Registers.Where(r => r.Slot == slot).ExecuteDeleteAsync());
            var page = await browser.NewPageAsync(390);
            await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
            await page.GotoAsync($"/attendance?date={RegisterRoutes.Day(date)}&missing=true");
            var card = page.Locator($"a.ly-register[href='{RegisterRoutes.Daily(school, form, date, DaySession.AM)}']");
            await Assertions.Expect(card).ToContainTextAsync("Morning registration");

            await BrowserFixture.ClickUntilShownAsync(card, page.GetByRole(AriaRole.Heading, new() { Name = $"Form {form}", Exact = true }));
            await Assertions.Expect(page.GetByText("Morning registration", new() { Exact = false })).ToBeVisibleAsync();
            var rows = page.Locator("li.ly-mark-row");
            var students = await rows.CountAsync();
            await Radio(rows.Nth(0), "N Absent").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Submit register", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("✓ Register taken at");
            await BrowserFixture.ScreenshotAsync(page, "register-daily");

            Assert.Equal(students, await browser.App.QueryAsync(db => db.Registers.Where(r => r.Slot == slot).SelectMany(r => r.Marks).CountAsync()));
            Assert.Empty(BrowserFixture.ErrorsOf(page));
            await page.Context.CloseAsync();
        }
        finally
        {
            await browser.App.QueryAsync(db => db.Registers.Where(r => r.Slot == slot).ExecuteDeleteAsync());
            if (before is { } mode)
            {
                await SetModeAsync(school, mode);
            }
            else
            {
                await browser.App.QueryAsync(db => db.YearGroupRegistrations.Where(r => r.SchoolId == school && r.YearGroup == 7).ExecuteDeleteAsync());
            }
        }
    }

    private Task SetModeAsync(int school, RegistrationMode mode) =>
        browser.App.QueryAsync(db => db.YearGroupRegistrations.Where(r => r.SchoolId == school && r.YearGroup == 7)
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.Mode, mode)));

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_registers_pages_fit_the_screen_and_pass_axe(int width)
    {
        var (meeting, today) = await MeetingAsync(2);
        var query = meeting.Date == today ? "" : $"?date={RegisterRoutes.Day(meeting.Date)}";
        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Teacher);

        await page.GotoAsync($"/attendance{query}");
        var card = page.Locator($"a.ly-register[href='{meeting.Href}']");
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Updated ")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "registers-teacher");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        // The register with each kind of row: absent, late with its minutes, a mark behind "more" with a note open.
        await BrowserFixture.ClickUntilShownAsync(card, page.GetByRole(AriaRole.Heading, new() { Name = meeting.Section, Exact = true }));
        var rows = page.Locator("li.ly-mark-row");
        await Radio(rows.Nth(0), "N Absent").CheckAsync();
        await Radio(rows.Nth(1), "L Late").CheckAsync();
        await rows.Nth(1).GetByLabel("Minutes late").FillAsync("12");
        var more = rows.Nth(2).GetByRole(AriaRole.Button, new() { Name = "More marks and a note for", Exact = false });
        await more.ClickAsync();
        await Assertions.Expect(more).ToHaveAttributeAsync("aria-expanded", "true");
        await Radio(rows.Nth(2), "M Medical appointment").CheckAsync();
        await rows.Nth(2).GetByRole(AriaRole.Textbox, new() { Name = "Note" }).FillAsync("Dentist, back after lunch");
        await BrowserFixture.ScreenshotAsync(page, "register");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();

        var office = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(office, RoleNames.Moderator);
        await office.GotoAsync($"/attendance{query}");
        await Assertions.Expect(office.Locator($"a.ly-register[href='{meeting.Href}']")).ToBeVisibleAsync();
        await Assertions.Expect(office.GetByText("Expected", new() { Exact = true })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(office, "registers-office");
        await BrowserFixture.AssertNoHorizontalScrollAsync(office);
        await BrowserFixture.AssertAccessibleAsync(office);

        // A day gone by: what was not taken then is overdue (unless the demo took it).
        await office.GotoAsync($"/attendance?date={RegisterRoutes.Day(meeting.Date.AddDays(-7))}&missing=true");
        await Assertions.Expect(office.GetByText("Updated ")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(office, "registers-office-week-before");
        await BrowserFixture.AssertNoHorizontalScrollAsync(office);
        await BrowserFixture.AssertAccessibleAsync(office);
        Assert.Empty(BrowserFixture.ErrorsOf(office));
        await office.Context.CloseAsync();
    }

    private static ILocator Radio(ILocator row, string name) => row.GetByRole(AriaRole.Radio, new() { Name = name, Exact = true });

    /// <summary>Chooses a day in the page's date input; a change before the circuit is up does nothing, so again until it takes.</summary>
    private static async Task ChooseDateAsync(IPage page, DateOnly date)
    {
        var day = RegisterRoutes.Day(date);
        for (var attempt = 1; ; attempt++)
        {
            await page.GetByLabel("Date", new() { Exact = true }).FillAsync(day);
            try
            {
                await page.WaitForURLAsync(url => url.Contains($"date={day}", StringComparison.Ordinal), new() { Timeout = 1_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 10)
            {
            }
        }
    }

    private sealed record Meeting(int SectionId, string Section, int PeriodId, DateOnly Date, TimeOnly Start)
    {
        public string Href => RegisterRoutes.Lesson(SectionId, Date, PeriodId);

        public string Slot => Register.LessonSlot(SectionId, Date, PeriodId);
    }

    /// <summary>
    /// The demo teacher's lessons, latest first, from today (at the school) back through the term — today's when she
    /// teaches today, else the last day she did — and the school's today. Each spec takes its own, by index.
    /// </summary>
    private async Task<(Meeting Meeting, DateOnly Today)> MeetingAsync(int index)
    {
        var user = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var zone = await browser.App.QueryAsync(db => db.Schools.OrderBy(s => s.Id).Select(s => s.TimeZone).FirstAsync());
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(zone)).DateTime);
        var slots = await browser.App.QueryAsync(db => db.Sections
            .Where(s => s.ArchivedAt == null && s.Teacher!.UserId == user
                // Students who take lesson registers (a year group in daily registration takes its form's instead).
                && s.Enrollments.Any(e => !db.YearGroupRegistrations.Any(r =>
                    r.SchoolId == s.Course!.SchoolId && r.YearGroup == e.Student!.YearGroup && r.Mode == RegistrationMode.Daily)))
            .SelectMany(s => s.Meetings, (s, m) => new { s.Id, s.Name, m.Day, m.PeriodId, m.Period!.StartTime, s.Term!.StartDate, s.Term.EndDate })
            .ToListAsync());
        var lessons = new List<Meeting>();
        for (var day = today; lessons.Count <= index && day >= today.AddDays(-120); day = day.AddDays(-1))
        {
            lessons.AddRange(slots.Where(s => s.Day == day.DayOfWeek && s.StartDate <= day && s.EndDate >= day)
                .OrderBy(s => s.StartTime).ThenBy(s => s.Id)
                .Select(s => new Meeting(s.Id, s.Name, s.PeriodId, day, s.StartTime)));
        }

        Assert.True(lessons.Count > index, "The demo teacher has no lessons in the term up to today.");
        return (lessons[index], today);
    }

    /// <summary>The register not taken yet, whatever the demo data (which takes past registers) or an earlier run did.</summary>
    private Task FreshAsync(Meeting meeting) =>
        browser.App.QueryAsync(db => db.Registers.Where(r => r.Slot == meeting.Slot).ExecuteDeleteAsync());

    /// <summary>The name a demo account goes by, which the register shows as who took it.</summary>
    private Task<string> DemoNameAsync(string role) => browser.App.QueryAsync(db =>
        db.Users.Where(u => u.Email == LyceumApp.DemoEmail(role)).Select(u => u.DisplayName).SingleAsync());
}
