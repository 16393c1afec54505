using System.Globalization;
using System.Text.RegularExpressions;
using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Attendance;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Attendance;

/// <summary>
/// The attendance summaries in the browser: a child's attendance tab with its heat-map (as their guardian sees it),
/// the overview of the office, and the settings of the administrator. The marks they show are written here (daily
/// registers of a form group of the spec's own), so nothing depends on what the demo data holds.
/// </summary>
[Collection("browser")]
public sealed class SummarySpecs(BrowserFixture browser)
{
    private const string Form = "E2E";

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task A_guardian_opens_their_childs_attendance_tab_and_reads_the_heat_map(int width)
    {
        var (child, absentDay) = await ChildWithMarksAsync();
        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Guardian);

        // The address an absence notification links to opens the profile on its attendance tab.
        await page.GotoAsync($"/students/{child}?tab=attendance");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Attendance" })).ToHaveAttributeAsync("aria-selected", "true");
        var panel = page.Locator(".ly-att");
        await Assertions.Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "Calendar", Exact = true })).ToBeVisibleAsync();
        foreach (var kpi in new[] { "Present", "Lates", "Authorised absences", "Unauthorised absences", "Possible sessions" })
        {
            await Assertions.Expect(panel.GetByRole(AriaRole.Heading, new() { Name = kpi, Exact = true })).ToBeVisibleAsync();
        }

        await Assertions.Expect(panel.GetByRole(AriaRole.List, new() { Name = "Key" })).ToContainTextAsync("Absent all day");
        // Each school day is a cell that says its figures; the day of the spec's absence says so, whatever else the demo holds.
        var date = Regex.Escape(absentDay.ToString("ddd d MMM", CultureInfo.GetCultureInfo("en-GB")));
        await Assertions.Expect(panel.GetByRole(AriaRole.Img, new() { NameRegex = new Regex($"^{date}: \\d+ of \\d+ sessions.*unauthorised absence") })).ToHaveCountAsync(1);
        Assert.True(await panel.Locator(".ly-heat-day[role=img]").CountAsync() >= 6);
        await Assertions.Expect(panel.Locator(".ly-heat-month h3").First).ToBeVisibleAsync();
        await Assertions.Expect(panel.Locator(".ly-att-marks li").First).ToBeVisibleAsync();

        await BrowserFixture.ScreenshotAsync(page, "student-attendance");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task The_office_reads_the_overview_by_student_day_and_section_and_opens_a_students_attendance(int width)
    {
        var (child, _) = await ChildWithMarksAsync();
        var section = await browser.App.QueryAsync(db => db.Enrollments.Where(e => e.StudentId == child && e.WithdrawnOn == null)
            .OrderBy(e => e.SectionId).Select(e => e.SectionId).FirstAsync());
        var school = await browser.App.QueryAsync(db => db.Students.Where(s => s.Id == child).Select(s => s.SchoolId).SingleAsync());
        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);

        await page.GotoAsync("/attendance/overview");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Attendance overview", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".ly-att-students .ly-row-link").First).ToBeVisibleAsync();
        if (await page.Locator("#att-school").CountAsync() > 0)
        {
            await page.Locator("#att-school").SelectOptionAsync(school.ToString(CultureInfo.InvariantCulture));
        }

        Assert.False(string.IsNullOrEmpty(await page.GetByLabel("From").InputValueAsync())); // the academic year so far
        await BrowserFixture.ScreenshotAsync(page, "attendance-overview");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        // Persistent absentees only: every row left carries the flag.
        var persistentOnly = page.GetByRole(AriaRole.Switch, new() { Name = "Persistent absentees only" });
        var unflagged = page.Locator(".ly-att-students .rz-data-row:not(:has(.ly-att-pa))");
        for (var attempt = 1; ; attempt++)
        {
            // A switch flipped before the page's circuit is connected does nothing, as for a person: flip it again.
            await persistentOnly.CheckAsync();
            try
            {
                await Assertions.Expect(unflagged).ToHaveCountAsync(0, new() { Timeout = 2_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 10)
            {
                await persistentOnly.UncheckAsync();
            }
        }

        await persistentOnly.UncheckAsync();
        // Columns sort by the figures (nested in each row's tally).
        await page.GetByRole(AriaRole.Columnheader, new() { Name = "Present" }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-att-students .rz-data-row").First).ToBeVisibleAsync();

        await BrowserFixture.SelectTabAsync(page, "Days");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Attendance per day" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".ly-att-chart svg").First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "attendance-overview-days");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await BrowserFixture.SelectTabAsync(page, "Sections");
        await page.GetByLabel("Section", new() { Exact = true }).SelectOptionAsync(section.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator($".ly-att-students a[href='/students/{child}?tab=attendance']")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "attendance-overview-section");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        // A name opens the student's profile on the attendance tab.
        await BrowserFixture.ClickUntilShownAsync(
            page.Locator($".ly-att-students a[href='/students/{child}?tab=attendance']"), page.GetByRole(AriaRole.Heading, new() { Name = "Calendar", Exact = true }));
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Attendance" })).ToHaveAttributeAsync("aria-selected", "true");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_administrator_adds_and_archives_a_code_and_sets_a_form_tutor()
    {
        var code = $"Q{Random.Shared.Next(100, 999)}";
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);

        await page.GotoAsync("/attendance/settings");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Attendance settings", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".ly-row-link", new() { HasText = "Medical appointment" }).First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "attendance-codes");
        await BrowserFixture.AssertAccessibleAsync(page);

        await BrowserFixture.ClickUntilShownAsync(
            page.GetByRole(AriaRole.Link, new() { Name = "Add a code", Exact = true }), page.GetByRole(AriaRole.Heading, new() { Name = "Add an attendance code", Exact = true }));
        var school = await browser.DemoSchoolIdAsync();
        if (await page.Locator("#school option").CountAsync() > 2)
        {
            await page.Locator("#school").SelectOptionAsync(school.ToString(CultureInfo.InvariantCulture));
        }

        await page.Locator("#code").FillAsync(code);
        await page.Locator("#name").FillAsync("Sports fixture");
        await page.Locator("#category").SelectOptionAsync("present");
        await page.GetByLabel("Authorised").CheckAsync();
        await BrowserFixture.ScreenshotAsync(page, "attendance-code-form");
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/attendance/settings");
        var added = await browser.App.QueryAsync(db => db.AttendanceCodes.SingleAsync(c => c.Code == code));
        Assert.Equal(AttendanceCategory.Present, added.Category);
        Assert.True(added.Authorised && added.CountsAsPossible);

        // Archived, it leaves the registers' choices (and the shared demo school as it was).
        await page.GotoAsync($"/attendance/codes/{added.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, archive", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-badge")).ToHaveTextAsync("Archived");

        // Registration: a tutor for a form, saved, then taken away again.
        var form = await browser.App.QueryAsync(db => db.Students.Where(s => s.SchoolId == school && s.FormGroup != null && s.ArchivedAt == null)
            .OrderBy(s => s.YearGroup).ThenBy(s => s.FormGroup).Select(s => s.FormGroup!).FirstAsync());
        var tutor = await browser.App.QueryAsync(db => db.Staff.Where(s => s.SchoolId == school && s.ArchivedAt == null).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());
        var before = await browser.App.QueryAsync(db => db.FormTutors.Where(t => t.SchoolId == school && t.FormGroup == form).Select(t => (int?)t.StaffMemberId).FirstOrDefaultAsync());
        await page.GotoAsync("/attendance/settings/registration");
        if (await page.Locator("#settings-school").CountAsync() > 0)
        {
            await page.Locator("#settings-school").SelectOptionAsync(school.ToString(CultureInfo.InvariantCulture));
        }

        var select = page.GetByLabel(new Regex($"^{Regex.Escape(form)} "));
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { NameRegex = new Regex("^Year \\d+") }).First).ToBeVisibleAsync();
        await select.SelectOptionAsync(tutor.ToString(CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();
        Assert.Equal(tutor, await browser.App.QueryAsync(db => db.FormTutors.Where(t => t.SchoolId == school && t.FormGroup == form).Select(t => t.StaffMemberId).SingleAsync()));
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await BrowserFixture.ScreenshotAsync(page, "attendance-registration");
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.ScreenshotAsync(page, "attendance-registration");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);

        await select.SelectOptionAsync(before?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();
        await EventuallyAsync(async () => before == await browser.App.QueryAsync(db => db.FormTutors
            .Where(t => t.SchoolId == school && t.FormGroup == form).Select(t => (int?)t.StaffMemberId).FirstOrDefaultAsync()));
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();

        await page.GotoAsync("/attendance/settings");
        await Assertions.Expect(page.Locator(".ly-row-link", new() { HasText = "Medical appointment" }).First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "attendance-codes");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The demo guardian's eldest child, with daily registers of the spec's own form group on the six weekdays before
    /// today (present, late, absent in the morning, a medical appointment…), written once for the shared app.
    /// Returns the day of the unexplained absence.
    /// </summary>
    private async Task<(int Child, DateOnly AbsentDay)> ChildWithMarksAsync()
    {
        var guardian = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Guardian));
        var child = await browser.App.QueryAsync(db => db.StudentGuardians
            .Where(l => l.Guardian!.UserId == guardian && l.Student!.ArchivedAt == null)
            .OrderBy(l => l.Student!.DateOfBirth).ThenBy(l => l.StudentId)
            .Select(l => new { l.StudentId, l.Student!.SchoolId }).FirstAsync());
        var codes = await browser.App.QueryAsync(db => db.AttendanceCodes.Where(c => c.SchoolId == child.SchoolId && c.ArchivedAt == null)
            .ToDictionaryAsync(c => c.Code, c => c.Id));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var days = Enumerable.Range(1, 14).Select(i => today.AddDays(-i)).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).Take(6).ToList();
        // Per day, the AM and PM codes: present, late, absent in the morning, a medical appointment, absent all day, present.
        (string Am, string Pm)[] plan = [("/", "/"), ("L", "/"), ("N", "/"), ("M", "/"), ("N", "N"), ("/", "L")];
        for (var i = 0; i < days.Count; i++)
        {
            foreach (var (session, mark) in new[] { (DaySession.AM, plan[i].Am), (DaySession.PM, plan[i].Pm) })
            {
                var slot = Register.DailySlot(child.SchoolId, Form, days[i], session);
                if (await browser.App.QueryAsync(db => db.Registers.AnyAsync(r => r.Slot == slot)))
                {
                    continue;
                }

                try
                {
                    await browser.App.InsertAsync(new Register
                    {
                        SchoolId = child.SchoolId,
                        Slot = slot,
                        Date = days[i],
                        FormGroup = Form,
                        Session = session,
                        TakenAt = DateTime.UtcNow,
                        TakenBy = "E2E spec",
                        Marks =
                        [
                            new AttendanceMark
                            {
                                StudentId = child.StudentId,
                                CodeId = codes[mark],
                                Date = days[i],
                                LateMinutes = mark == "L" ? 7 : null,
                                Note = mark == "M" ? "Dentist" : null,
                            },
                        ],
                    });
                }
                catch (DbUpdateException)
                {
                    // Another spec wrote it at the same moment: theirs is the same.
                }
            }
        }

        return (child.StudentId, days[2]);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; !await condition(); attempt++)
        {
            Assert.True(attempt < 50, "The change did not reach the database in time.");
            await Task.Delay(200);
        }
    }
}
