using System.Text.RegularExpressions;
using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Behaviour;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Behaviour;

/// <summary>
/// Behaviour in the browser: a teacher logs one incident for two of their students (on a phone, as in a corridor), a
/// supervisor marks a day's detentions with one tap each, and the profile's Behaviour tab shows the points.
/// </summary>
[Collection("browser")]
public sealed class BehaviourSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task A_teacher_logs_one_incident_for_two_of_their_students()
    {
        var teacher = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var pupils = await browser.App.QueryAsync(db => db.Enrollments
            .Where(e => e.WithdrawnOn == null && e.Section!.Teacher!.UserId == teacher && e.Student!.ArchivedAt == null)
            .Select(e => new { e.StudentId, e.Student!.StudentNumber, e.Student.FirstName, e.Student.LastName })
            .Distinct().OrderBy(s => s.StudentId).Take(2).ToListAsync());
        Assert.Equal(2, pupils.Count);
        var page = await browser.NewPageAsync(390);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Teacher);

        await page.GotoAsync("/behaviour");
        var log = page.GetByRole(AriaRole.Button, new() { Name = "Log incident", Exact = true });
        await Assertions.Expect(log).ToBeEnabledAsync(); // once the page is interactive
        await log.ClickAsync();
        foreach (var pupil in pupils)
        {
            await page.Locator("#log-search").FillAsync(pupil.StudentNumber);
            await Candidate(page, pupil.StudentNumber).Locator("input[type=checkbox]").CheckAsync();
        }

        await Assertions.Expect(page.Locator("#log-chosen")).ToContainTextAsync("Chosen (2):");
        await page.Locator("#log-type").SelectOptionAsync(new SelectOptionValue { Label = "Helping others" });
        await Assertions.Expect(page.Locator("#log-points")).ToHaveValueAsync("1");
        await page.Locator("#log-location").FillAsync("Library");
        await CheckAsync(page, "behaviour-log-form");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log for 2 students", Exact = true }).ClickAsync();

        var names = string.Join(", ", pupils.Select(p => $"{p.FirstName} {p.LastName}"));
        await Assertions.Expect(page.Locator("[role=status] .ly-alert-info")).ToHaveTextAsync($"Logged Helping others for {names}.");
        await Assertions.Expect(page.Locator(".ly-incidents .rz-data-row").First).ToContainTextAsync("Library");
        var logged = await browser.App.QueryAsync(db => db.Incidents.Where(i => i.Location == "Library" && i.Reporter!.UserId == teacher)
            .OrderByDescending(i => i.Id).Select(i => i.Students.Select(s => s.StudentId).OrderBy(s => s).ToList()).FirstAsync());
        Assert.Equal(pupils.Select(p => p.StudentId), logged);
        await CheckAsync(page, "behaviour-logged");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_supervisor_marks_one_detention_completed_and_one_missed_with_one_tap_each()
    {
        var teacher = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var (first, second) = await browser.App.QueryAsync(async db =>
        {
            var supervisor = await db.Staff.Where(s => s.UserId == teacher).Select(s => new { s.Id, s.SchoolId }).FirstAsync();
            var zone = await db.Schools.Where(s => s.Id == supervisor.SchoolId).Select(s => s.TimeZone).FirstAsync();
            var students = await db.Students.Where(s => s.SchoolId == supervisor.SchoolId && s.ArchivedAt == null)
                .OrderByDescending(s => s.Id).Select(s => new { s.Id, s.FirstName, s.LastName }).Take(2).ToListAsync();
            // Tonight's session, late enough not to meet a class: written directly, as the rules engine or the office would have.
            var today = TimeProvider.System.Today(zone);
            var made = students.Select(s => new Detention
            {
                SchoolId = supervisor.SchoolId,
                StudentId = s.Id,
                Date = today,
                StartTime = new TimeOnly(20, 0),
                DurationMinutes = 30,
                SupervisorId = supervisor.Id,
                Reason = "Browser trial",
                Status = DetentionStatus.Scheduled,
            }).ToList();
            db.Detentions.AddRange(made);
            await db.SaveChangesAsync();
            return ((made[0].Id, $"{students[0].FirstName} {students[0].LastName}"), (made[1].Id, $"{students[1].LastName}, {students[1].FirstName}"));
        });
        var page = await browser.NewPageAsync(390);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Teacher);

        await page.GotoAsync("/detentions");
        var completed = page.GetByRole(AriaRole.Button, new() { Name = $"Mark {first.Item2} completed", Exact = true });
        await Assertions.Expect(completed).ToBeEnabledAsync();
        await CheckAsync(page, "detentions-day");

        await completed.ClickAsync();
        await Assertions.Expect(page.Locator("[role=status] .ly-alert-info")).ToHaveTextAsync($"{first.Item2}: completed.");
        var row = page.Locator(".ly-detention", new() { HasText = second.Item2 });
        await row.GetByRole(AriaRole.Button, new() { Name = "Missed", Exact = false }).ClickAsync();
        await Assertions.Expect(page.Locator("[role=status] .ly-alert-info")).ToHaveTextAsync(new Regex(": missed\\.$"));
        await Assertions.Expect(row.Locator(".ly-badge")).ToHaveTextAsync("Missed");
        await Assertions.Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        var statuses = await browser.App.QueryAsync(db => db.Detentions.Where(d => d.Id == first.Item1 || d.Id == second.Item1)
            .OrderBy(d => d.Id).Select(d => d.Status).ToListAsync());
        Assert.Equal([DetentionStatus.Completed, DetentionStatus.Missed], statuses);
        await CheckAsync(page, "detentions-marked");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_profiles_behaviour_tab_shows_the_points_and_the_policy_lists_types_and_rules()
    {
        var student = await browser.App.QueryAsync(async db =>
        {
            var school = await db.Schools.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
            var id = await db.Students.Where(s => s.SchoolId == school && s.ArchivedAt == null).OrderBy(s => s.Id).Select(s => s.Id).Skip(5).FirstAsync();
            var types = await db.BehaviourTypes.Where(t => t.SchoolId == school).ToListAsync();
            var praise = types.First(t => t.Polarity == BehaviourPolarity.Positive);
            var concern = types.First(t => t.Polarity == BehaviourPolarity.Negative);
            db.Incidents.AddRange(
                new Incident { SchoolId = school, TypeId = praise.Id, Polarity = praise.Polarity, Severity = 1, Points = 3, OccurredAt = DateTime.UtcNow.AddDays(-3), Students = [new() { StudentId = id, Points = 3 }] },
                new Incident { SchoolId = school, TypeId = concern.Id, Polarity = concern.Polarity, Severity = 2, Points = 2, OccurredAt = DateTime.UtcNow.AddDays(-1), Students = [new() { StudentId = id, Points = -2 }] });
            await db.SaveChangesAsync();
            return id;
        });
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);

        await page.GotoAsync($"/students/{student}");
        await BrowserFixture.SelectTabAsync(page, "Behaviour");
        var tab = page.Locator(".ly-behaviour-tab");
        await Assertions.Expect(tab.Locator(".ly-points")).ToContainTextAsync("Praise");
        await Assertions.Expect(tab.Locator(".ly-ledger tbody tr")).ToHaveCountAsync(await browser.App.QueryAsync(db => db.IncidentStudents.CountAsync(l => l.StudentId == student)));
        await CheckAsync(page, "student-behaviour-tab");
        // "Log incident" on the profile opens the log form with the student chosen.
        await tab.GetByRole(AriaRole.Link, new() { Name = "Log incident", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#log-chosen")).ToContainTextAsync("Chosen (1):");

        await page.GotoAsync("/behaviour/rules");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Three negative incidents in a week", Exact = true }).First).ToBeVisibleAsync();
        await CheckAsync(page, "behaviour-rules");
        await page.GetByRole(AriaRole.Link, new() { Name = "Three negative incidents in a week", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#action")).ToHaveValueAsync("Detention");
        await Assertions.Expect(page.Locator("#detention-start")).ToHaveValueAsync("15:30");
        await CheckAsync(page, "behaviour-rule-form");
        await page.GotoAsync("/behaviour/types");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Helping others", Exact = true }).First).ToBeVisibleAsync();
        await CheckAsync(page, "behaviour-types");
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    /// <summary>A student found in the log form: the number starts the line under the name ("S0012 · 9B").</summary>
    private static ILocator Candidate(IPage page, string number) =>
        page.Locator(".ly-candidates label").Filter(new()
        {
            Has = page.Locator(".ly-row-sub", new() { HasTextRegex = new Regex($"^{Regex.Escape(number)}( |$)") }),
        });

    /// <summary>The page as it stands at a desktop and a phone width: a screenshot, nothing wider than the screen, axe.</summary>
    private static async Task CheckAsync(IPage page, string name)
    {
        var original = page.ViewportSize!.Width;
        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, width <= 480 ? 844 : 900);
            await BrowserFixture.ScreenshotAsync(page, name);
            await BrowserFixture.AssertNoHorizontalScrollAsync(page);
            await BrowserFixture.AssertAccessibleAsync(page);
        }

        await page.SetViewportSizeAsync(original, original <= 480 ? 844 : 900);
    }
}
