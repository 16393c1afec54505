using Lyceum.E2E.Infrastructure;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Academics;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Academics;

/// <summary>A section's class list under its form: the office enrols a list, withdraws and transfers; a teacher only reads.</summary>
[Collection("browser")]
public sealed class EnrolmentSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task The_office_enrols_students_found_by_search_then_withdraws_one_and_transfers_the_other()
    {
        var s = await SetUpAsync();
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await page.GotoAsync($"/structure/sections/{s.SectionA}");
        var classList = page.GetByRole(AriaRole.Region, new() { Name = "Class list", Exact = true });
        await Assertions.Expect(classList.Locator("#class-list-count")).ToHaveTextAsync("0 of 30 places taken");
        await Assertions.Expect(classList).ToContainTextAsync("No students in this class yet.");

        // Two found by search, one of whom is already in the other section of the course: refused in plain words.
        await classList.GetByRole(AriaRole.Button, new() { Name = "Enrol students", Exact = true }).ClickAsync();
        await ChooseAsync(page, s.First.Number);
        await ChooseAsync(page, s.Elsewhere.Number);
        await Assertions.Expect(page.Locator("#enrol-chosen")).ToContainTextAsync("Chosen (2):");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enrol 2 students", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#enrol-chosen-error"))
            .ToHaveTextAsync($"{s.Elsewhere.Name} is already in section {s.NameB} of this course. Transfer them instead.");
        Assert.Equal(0, await browser.App.QueryAsync(db => db.Enrollments.CountAsync(e => e.SectionId == s.SectionA)));
        // Without a search: the course's year group, the chosen ones ticked.
        await page.Locator("#enrol-search").FillAsync("");
        await Assertions.Expect(page.Locator("#enrol-year")).ToHaveValueAsync(s.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(Candidate(page, s.First.Number).Locator("input")).ToBeCheckedAsync();
        await CheckAsync(page, "class-list-enrol-refused");

        await page.GetByRole(AriaRole.Button, new() { Name = "Leave these students out", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#enrol-chosen")).ToContainTextAsync("Chosen (1):");
        await ChooseAsync(page, s.Second.Number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enrol 2 students", Exact = true }).ClickAsync();
        await Assertions.Expect(classList.Locator("[role=status]")).ToHaveTextAsync("2 enrolled, 0 already in this class.");
        await Assertions.Expect(classList.Locator("#class-list-count")).ToHaveTextAsync("2 of 30 places taken");
        await Assertions.Expect(classList.Locator(".ly-roster tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(classList.GetByRole(AriaRole.Link, new() { Name = s.First.Listed, Exact = true }))
            .ToHaveAttributeAsync("href", $"/students/{s.First.Id}");
        await Assertions.Expect(Candidate(page, s.Second.Number)).ToContainTextAsync("already in this class");
        await CheckAsync(page, "class-list-enrolled");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();

        // Withdrawn with a date: before the enrolment is refused at the date, then the date of the enrolment stands.
        var enrolledOn = await browser.App.QueryAsync(db => db.Enrollments.Where(e => e.SectionId == s.SectionA && e.StudentId == s.First.Id)
            .Select(e => e.EnrolledOn).SingleAsync());
        await classList.GetByRole(AriaRole.Button, new() { Name = $"Withdraw {s.First.Full}", Exact = true }).ClickAsync();
        await page.Locator("#withdrawn-on").FillAsync(enrolledOn.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, withdraw", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#withdrawn-on")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#withdrawn-on-error")).ToContainTextAsync("Must lie between the enrolment");
        await CheckAsync(page, "class-list-withdraw-error");
        Assert.Null(await browser.App.QueryAsync(db => db.Enrollments.Where(e => e.SectionId == s.SectionA && e.StudentId == s.First.Id)
            .Select(e => e.WithdrawnOn).SingleAsync()));

        await page.Locator("#withdrawn-on").FillAsync(enrolledOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, withdraw", Exact = true }).ClickAsync();
        await Assertions.Expect(classList.Locator("#class-list-count")).ToHaveTextAsync("1 of 30 places taken");
        await Assertions.Expect(classList.GetByRole(AriaRole.Link, new() { Name = s.First.Listed, Exact = true })).ToHaveCountAsync(0);
        Assert.Equal(enrolledOn, await browser.App.QueryAsync(db => db.Enrollments.Where(e => e.SectionId == s.SectionA && e.StudentId == s.First.Id)
            .Select(e => e.WithdrawnOn).SingleAsync()));
        await classList.GetByLabel("Show withdrawn students").CheckAsync();
        var left = classList.Locator(".ly-roster tbody tr", new() { HasText = s.First.Listed });
        await Assertions.Expect(left.Locator(".ly-roster-left")).ToContainTextAsync("Withdrawn on");
        await Assertions.Expect(left.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await classList.GetByLabel("Show withdrawn students").UncheckAsync();

        // Transferred to the other section of the course and term, which is the only choice offered.
        await classList.GetByRole(AriaRole.Button, new() { Name = $"Transfer {s.Second.Full}", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#transfer-section")).ToHaveValueAsync(s.SectionB.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#transfer-section option")).ToHaveCountAsync(2); // "Choose…" and section B
        await page.GetByRole(AriaRole.Button, new() { Name = "Transfer", Exact = true }).ClickAsync();
        await Assertions.Expect(classList.Locator("[role=status]")).ToHaveTextAsync($"{s.Second.Full} moved to section {s.NameB}.");
        await Assertions.Expect(classList.Locator("#class-list-count")).ToHaveTextAsync("0 of 30 places taken");
        Assert.True(await browser.App.QueryAsync(db => db.Enrollments.AnyAsync(e => e.SectionId == s.SectionB && e.StudentId == s.Second.Id && e.WithdrawnOn == null)));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_full_section_refuses_the_list_and_says_how_many_places_are_left()
    {
        var s = await SetUpAsync(capacity: 1);
        var page = await browser.NewPageAsync(390);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);
        await page.GotoAsync($"/structure/sections/{s.SectionA}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Enrol students", Exact = true }).ClickAsync();
        await ChooseAsync(page, s.First.Number);
        await ChooseAsync(page, s.Second.Number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enrol 2 students", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator("#enrol-panel [role=alert]")).ToContainTextAsync("is full for this list: 1 place left of 1, 2 students to enrol.");
        Assert.Equal(0, await browser.App.QueryAsync(db => db.Enrollments.CountAsync(e => e.SectionId == s.SectionA)));
        await BrowserFixture.ScreenshotAsync(page, "class-list-full");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task A_teacher_sees_their_class_list_without_the_office_actions(int width)
    {
        var teacher = await browser.App.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Teacher));
        var section = await browser.App.QueryAsync(db => db.Sections.Where(x => x.Teacher!.UserId == teacher && x.ArchivedAt == null)
            .OrderByDescending(x => x.Enrollments.Count(e => e.WithdrawnOn == null)).ThenBy(x => x.Id)
            .Select(x => new { x.Id, x.Capacity, Students = x.Enrollments.Count(e => e.WithdrawnOn == null) }).FirstAsync());
        Assert.True(section.Students > 0);
        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Teacher);

        await page.GotoAsync($"/structure/sections/{section.Id}");

        var classList = page.GetByRole(AriaRole.Region, new() { Name = "Class list", Exact = true });
        await Assertions.Expect(classList.Locator(".ly-roster tbody tr")).ToHaveCountAsync(section.Students);
        await Assertions.Expect(classList.Locator("#class-list-count")).ToHaveTextAsync($"{section.Students} of {section.Capacity} places taken");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true })).ToHaveCountAsync(0); // the section is read-only too
        await Assertions.Expect(classList.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "class-list-teacher");
        await BrowserFixture.AssertNoHorizontalScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    private sealed record Pupil(int Id, string Number, string First, string Last)
    {
        /// <summary>As the class list shows it.</summary>
        public string Listed => $"{Last}, {First}";

        public string Full => $"{First} {Last}";

        /// <summary>As the enrol panel names a chosen student (preferred name first).</summary>
        public string Name { get; init; } = $"{First} {Last}";
    }

    private sealed record Setting(int SectionA, int SectionB, string NameB, int Year, Pupil First, Pupil Second, Pupil Elsewhere);

    /// <summary>
    /// A new course of the largest year group with two empty sections in the current term (no meetings, so no clash),
    /// and three of that year's students, the third already in section B.
    /// </summary>
    private async Task<Setting> SetUpAsync(int capacity = 30)
    {
        var code = $"E{Guid.NewGuid():N}"[..8].ToUpperInvariant();
        return await browser.App.QueryAsync(async db =>
        {
            var school = await db.Schools.Where(x => x.ArchivedAt == null).OrderBy(x => x.Id).Select(x => x.Id).FirstAsync();
            var term = await db.Sections.Where(x => x.Course!.SchoolId == school).OrderBy(x => x.Id).Select(x => x.TermId).FirstAsync();
            var department = await db.Departments.Where(d => d.SchoolId == school && d.ArchivedAt == null).OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
            var teachers = await db.Staff.Where(x => x.SchoolId == school && x.ArchivedAt == null).OrderBy(x => x.Id).Select(x => x.Id).Take(2).ToListAsync();
            var year = await db.Students.Where(x => x.SchoolId == school && x.ArchivedAt == null)
                .GroupBy(x => x.YearGroup).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).FirstAsync();
            var pupils = await db.Students.Where(x => x.SchoolId == school && x.ArchivedAt == null && x.YearGroup == year)
                .OrderBy(x => x.Id).Take(3)
                .Select(x => new { x.Id, x.StudentNumber, x.FirstName, x.LastName, x.PreferredName }).ToListAsync();
            var course = new Course { SchoolId = school, DepartmentId = department, Code = code, Name = $"Enrolment trial {code}", YearGroup = year, PeriodsPerWeek = 2 };
            var a = new Section { Course = course, TermId = term, TeacherId = teachers[0], Name = $"{code}-A", Capacity = capacity };
            var b = new Section { Course = course, TermId = term, TeacherId = teachers[^1], Name = $"{code}-B", Capacity = 30 };
            db.AddRange(course, a, b);
            await db.SaveChangesAsync();
            db.Enrollments.Add(new Enrollment { StudentId = pupils[2].Id, SectionId = b.Id, EnrolledOn = await db.Terms.Where(t => t.Id == term).Select(t => t.StartDate).SingleAsync() });
            await db.SaveChangesAsync();
            var people = pupils.Select(x => new Pupil(x.Id, x.StudentNumber, x.FirstName, x.LastName) { Name = $"{x.PreferredName ?? x.FirstName} {x.LastName}" }).ToList();
            return new Setting(a.Id, b.Id, b.Name, year, people[0], people[1], people[2]);
        });
    }

    /// <summary>Finds a student by number in the enrol panel and ticks them.</summary>
    private static async Task ChooseAsync(IPage page, string number)
    {
        await page.Locator("#enrol-search").FillAsync(number);
        await Candidate(page, number).Locator("input[type=checkbox]").CheckAsync();
    }

    /// <summary>A student found in the enrol panel. The number starts the line under the name ("S0012 · 9B"); a search may also find longer numbers that contain it.</summary>
    private static ILocator Candidate(IPage page, string number) =>
        page.Locator(".ly-candidates label").Filter(new()
        {
            Has = page.Locator(".ly-row-sub", new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(number)} ") }),
        });

    /// <summary>The page as it stands, at a desktop and a phone width: a screenshot, nothing wider than the screen, axe.</summary>
    private static async Task CheckAsync(IPage page, string name)
    {
        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, width <= 480 ? 844 : 900);
            await BrowserFixture.ScreenshotAsync(page, name);
            await BrowserFixture.AssertNoHorizontalScrollAsync(page);
            await BrowserFixture.AssertAccessibleAsync(page);
        }

        await page.SetViewportSizeAsync(1280, 900);
    }
}
