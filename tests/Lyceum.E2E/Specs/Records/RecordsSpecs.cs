using Lyceum.E2E.Infrastructure;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Lyceum.E2E.Specs.Records;

/// <summary>The reference-record screens (generic grid and form): guardians, staff and the school structure.</summary>
[Collection("browser")]
public sealed class RecordsSpecs(BrowserFixture browser)
{
    [Fact]
    public async Task The_moderator_searches_adds_edits_and_archives_a_guardian()
    {
        var known = await browser.App.QueryAsync(db => db.Guardians.Where(g => g.ArchivedAt == null)
            .OrderBy(g => g.Id).Select(g => new { g.FirstName, g.LastName }).FirstAsync());
        var last = $"Quayle{Guid.NewGuid():N}"[..14];
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);

        await page.GetByRole(AriaRole.Link, new() { Name = "Guardians", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/guardians");
        await Assertions.Expect(page.Locator(".ly-row-link").First).ToBeVisibleAsync();
        await SearchAsync(page, "Search guardians", $"{known.FirstName} {known.LastName}", known.LastName);

        await page.GetByRole(AriaRole.Link, new() { Name = "Add guardian", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/guardians/new");
        await browser.ChooseDemoSchoolAsync(page);
        await page.Locator("#first-name").FillAsync("Perpetua");
        await page.Locator("#last-name").FillAsync(last);
        await page.Locator("#email").FillAsync($"perpetua.{last.ToLowerInvariant()}@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/guardians");
        var id = await browser.App.QueryAsync(db => db.Guardians.Where(g => g.LastName == last).Select(g => g.Id).SingleAsync());

        await SearchAsync(page, "Search guardians", last, last);
        await page.Locator(".ly-row-link").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/guardians/{id}");
        await page.Locator("#first-name").FillAsync("Perpetua-Jane");
        await page.Locator("#email").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();
        // Neither an e-mail address nor a phone: the message stands at the e-mail field, the input is kept.
        await Assertions.Expect(page.Locator("#email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#email-error")).ToContainTextAsync("Give an e-mail address or a phone number");
        Assert.Equal("Perpetua-Jane", await page.Locator("#first-name").InputValueAsync());
        await page.Locator("#phone").FillAsync("+44 20 7946 0000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/guardians");
        Assert.Equal("Perpetua-Jane", await browser.App.QueryAsync(db => db.Guardians.Where(g => g.Id == id).Select(g => g.FirstName).SingleAsync()));

        await page.GotoAsync($"/guardians/{id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, archive", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-badge")).ToHaveTextAsync("Archived");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true })).ToBeVisibleAsync();
        // The office may not delete.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true })).ToHaveCountAsync(0);
        Assert.NotNull(await browser.App.QueryAsync(db => db.Guardians.Where(g => g.Id == id).Select(g => g.ArchivedAt).SingleAsync()));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_save_over_someone_elses_change_of_a_guardian_says_so_and_keeps_the_input()
    {
        var id = await browser.App.QueryAsync(db => db.Guardians.Where(g => g.ArchivedAt == null && g.Email != null)
            .OrderByDescending(g => g.Id).Select(g => g.Id).FirstAsync());
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Moderator);
        await page.GotoAsync($"/guardians/{id}");
        await page.Locator("#title").FillAsync("Dr");
        await browser.App.QueryAsync(async db =>
        {
            var other = await db.Guardians.SingleAsync(g => g.Id == id);
            other.Address = "Changed meanwhile";
            return await db.SaveChangesAsync();
        });

        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();

        await Assertions.Expect(page.Locator(".ly-alert[role=alert]")).ToContainTextAsync("changed by someone else");
        Assert.Equal("Dr", await page.Locator("#title").InputValueAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Reload the record", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#address")).ToHaveValueAsync("Changed meanwhile");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_administrator_is_told_why_a_linked_guardian_cannot_be_deleted_and_deletes_a_mistaken_one()
    {
        var linked = await browser.App.QueryAsync(db => db.Guardians.Where(g => g.Students.Any() && g.UserId == null)
            .OrderBy(g => g.Id).Select(g => g.Id).FirstAsync());
        var mistake = await browser.App.QueryAsync(async db =>
        {
            var school = await db.Schools.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
            var guardian = new Lyceum.Modules.Students.Guardian { SchoolId = school, FirstName = "Wrong", LastName = "Entry", Email = "wrong.entry@example.org" };
            db.Add(guardian);
            await db.SaveChangesAsync();
            return guardian.Id;
        });
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);

        await page.GotoAsync($"/guardians/{linked}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".ly-alert[role=alert]")).ToContainTextAsync("Archive it instead");
        Assert.True(await browser.App.QueryAsync(db => db.Guardians.AnyAsync(g => g.Id == linked)));

        await page.GotoAsync($"/guardians/{mistake}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/guardians");
        Assert.False(await browser.App.QueryAsync(db => db.Guardians.AnyAsync(g => g.Id == mistake)));
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_administrator_adds_a_room_a_year_and_a_term_and_a_bad_date_range_saves_nothing()
    {
        var room = $"Lab {Guid.NewGuid():N}"[..12];
        var yearNumber = Random.Shared.Next(2100, 2900);
        var yearName = $"{yearNumber}–{(yearNumber + 1) % 100:D2}";
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);

        await page.GetByRole(AriaRole.Link, new() { Name = "School structure", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure");
        await BrowserFixture.ClickUntilShownAsync(
            page.GetByRole(AriaRole.Link, new() { Name = "Rooms", Exact = true }), page.GetByRole(AriaRole.Link, new() { Name = "Add a room", Exact = true }));
        Assert.Equal("/structure/rooms", new Uri(page.Url).AbsolutePath);
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a room", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure/rooms/new");
        await browser.ChooseDemoSchoolAsync(page);
        await page.Locator("#name").FillAsync(room);
        await page.Locator("#building").FillAsync("North");
        await page.Locator("#capacity").FillAsync("24");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure/rooms");
        Assert.Equal(24, await browser.App.QueryAsync(db => db.Rooms.Where(r => r.Name == room).Select(r => r.Capacity).SingleAsync()));

        await page.GotoAsync("/structure/years/new");
        await browser.ChooseDemoSchoolAsync(page);
        await page.Locator("#name").FillAsync(yearName);
        await page.Locator("#start-date").FillAsync($"{yearNumber}-09-01");
        await page.Locator("#end-date").FillAsync($"{yearNumber + 1}-07-20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure/years");
        var yearId = await browser.App.QueryAsync(db => db.AcademicYears.Where(y => y.Name == yearName).Select(y => y.Id).SingleAsync());

        var terms = await browser.App.QueryAsync(db => db.Terms.CountAsync());
        await page.GotoAsync("/structure/terms/new");
        await page.Locator("#academic-year").SelectOptionAsync(yearId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#name").FillAsync("Autumn");
        await page.Locator("#start-date").FillAsync($"{yearNumber}-12-20");
        await page.Locator("#end-date").FillAsync($"{yearNumber}-09-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#end-date")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#end-date-error")).ToHaveTextAsync("Must be after the start date.");
        await BrowserFixture.ScreenshotAsync(page, "term-form-error");
        Assert.Equal("/structure/terms/new", new Uri(page.Url).AbsolutePath);
        Assert.Equal(terms, await browser.App.QueryAsync(db => db.Terms.CountAsync()));

        await page.Locator("#start-date").FillAsync($"{yearNumber}-09-01");
        await page.Locator("#end-date").FillAsync($"{yearNumber}-12-20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure/terms");
        Assert.True(await browser.App.QueryAsync(db => db.Terms.AnyAsync(t => t.AcademicYearId == yearId && t.Name == "Autumn")));

        await page.GetByRole(AriaRole.Link, new() { Name = "Staff", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/staff");
        await Assertions.Expect(page.Locator(".ly-row-link").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Add staff member", Exact = true })).ToBeVisibleAsync();
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_teacher_sees_no_write_buttons_and_a_form_address_is_not_for_their_role()
    {
        var guardian = await browser.App.QueryAsync(db => db.Guardians.OrderBy(g => g.Id).Select(g => g.Id).FirstAsync());
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Teacher);

        await page.GotoAsync("/guardians");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Guardians", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Add guardian", Exact = true })).ToHaveCountAsync(0);
        await page.GotoAsync("/structure/rooms");
        await Assertions.Expect(page.Locator(".ly-row-link").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Add a room", Exact = true })).ToHaveCountAsync(0);

        foreach (var form in new[] { "/guardians/new", "/structure/rooms/new", "/structure/terms/new", "/staff/new" })
        {
            await page.GotoAsync(form);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not for your role", Exact = true })).ToBeVisibleAsync();
        }

        // A record they may not reach is simply not found; one they reach shows without save, archive or delete.
        await page.GotoAsync($"/guardians/{guardian}");
        await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true })).ToHaveCountAsync(0);

        // Their own staff record they may correct; a colleague's is not theirs to open.
        var account = await browser.App.QueryAsync(db => db.Users.Where(u => u.NormalizedEmail == "TEACHER@DEMO.LYCEUM.LOCAL").Select(u => u.Id).SingleAsync());
        var (own, colleague) = await browser.App.QueryAsync(async db =>
        {
            var me = await db.Staff.Where(x => x.UserId == account).Select(x => new { x.Id, x.SchoolId }).SingleAsync();
            var other = await db.Staff.Where(x => x.SchoolId == me.SchoolId && x.Id != me.Id && x.ArchivedAt == null).OrderBy(x => x.Id).Select(x => x.Id).FirstAsync();
            return (me.Id, other);
        });
        await page.GotoAsync($"/staff/{own}");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true })).ToBeEnabledAsync();
        await page.GotoAsync($"/staff/{colleague}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true })).ToHaveCountAsync(0);
        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task Every_list_and_form_fits_the_width_and_passes_axe(int width)
    {
        var guardian = await browser.App.QueryAsync(db => db.Guardians.Where(g => g.ArchivedAt == null).OrderBy(g => g.Id).Select(g => g.Id).FirstAsync());
        var staff = await browser.App.QueryAsync(db => db.Staff.Where(s => s.ArchivedAt == null && s.DepartmentId != null)
            .OrderBy(s => s.Id).Select(s => new { s.Id, s.DepartmentId }).FirstAsync());
        var term = await browser.App.QueryAsync(db => db.Terms.OrderBy(t => t.Id).Select(t => t.Id).FirstAsync());
        var page = await browser.NewPageAsync(width);
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);

        (string Path, string Name, bool List)[] pages =
        [
            ("/guardians", "guardians", true), ("/guardians/new", "guardian-new", false), ($"/guardians/{guardian}", "guardian-edit", false),
            ("/staff", "staff", true), ("/staff/new", "staff-new", false), ($"/staff/{staff.Id}", "staff-edit", false),
            ("/structure", "structure-years", true), ("/structure/terms", "structure-terms", true), ("/structure/rooms", "structure-rooms", true),
            ("/structure/periods", "structure-periods", true), ("/structure/departments", "structure-departments", true),
            ("/structure/courses", "structure-courses", true), ("/structure/sections", "structure-sections", true),
            ("/structure/years/new", "year-new", false), ($"/structure/terms/{term}", "term-edit", false), ("/structure/rooms/new", "room-new", false),
            ("/structure/periods/new", "period-new", false), ("/structure/departments/new", "department-new", false),
            ("/structure/courses/new", "course-new", false), ("/structure/sections/new", "section-new", false),
            ("/structure/schools", "structure-schools", true), ("/structure/branches", "structure-branches", true),
            ("/structure/schools/new", "school-new", false), ("/structure/branches/new", "branch-new", false),
        ];
        foreach (var (path, name, list) in pages)
        {
            await page.GotoAsync(path);
            if (list)
            {
                await Assertions.Expect(page.Locator(".rz-data-row").First).ToBeVisibleAsync();
            }
            else
            {
                await Assertions.Expect(page.Locator("form > fieldset:not([disabled])")).ToBeVisibleAsync();
            }

            if (name == "staff-edit")
            {
                await Assertions.Expect(page.Locator("#department")).ToHaveValueAsync(staff.DepartmentId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            await BrowserFixture.ScreenshotAsync(page, name);
            await BrowserFixture.AssertNoHorizontalScrollAsync(page);
            await BrowserFixture.AssertAccessibleAsync(page);
        }

        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_administrator_adds_a_course_and_a_section_and_a_clashing_section_is_refused_at_its_meetings()
    {
        var code = $"Z{Guid.NewGuid():N}"[..8].ToUpperInvariant();
        var setting = await browser.App.QueryAsync(async db =>
        {
            var school = await db.Schools.Where(s => s.ArchivedAt == null).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
            var department = await db.Departments.Where(d => d.SchoolId == school && d.ArchivedAt == null).OrderBy(d => d.Id).Select(d => d.Id).FirstAsync();
            var term = await db.Terms.Where(t => t.AcademicYear!.SchoolId == school && t.ArchivedAt == null).OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
            var period = await db.Periods.Where(p => p.SchoolId == school && p.ArchivedAt == null).OrderBy(p => p.Order).Select(p => new { p.Id, p.Name }).FirstAsync();
            // A teacher free at the weekend: no section of theirs meets on a Saturday or a Sunday.
            var teacher = await db.Staff.Where(s => s.SchoolId == school && s.ArchivedAt == null
                    && !db.Sections.Any(x => x.TeacherId == s.Id && x.Meetings.Any(m => m.Day == DayOfWeek.Saturday || m.Day == DayOfWeek.Sunday)))
                .OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
            // A second one free at the weekend, to share a class as its co-teacher.
            var coTeacher = await db.Staff.Where(s => s.SchoolId == school && s.ArchivedAt == null && s.Id != teacher
                    && !db.Sections.Any(x => (x.TeacherId == s.Id || x.CoTeachers.Any(c => c.StaffMemberId == s.Id))
                                             && x.Meetings.Any(m => m.Day == DayOfWeek.Saturday || m.Day == DayOfWeek.Sunday)))
                .OrderBy(s => s.Id).Select(s => new { s.Id, Name = s.FirstName + " " + s.LastName }).FirstAsync();
            return new
            {
                School = school,
                Department = department,
                Term = term,
                Period = period.Id,
                PeriodName = period.Name,
                Teacher = teacher,
                CoTeacher = coTeacher.Id,
                CoTeacherName = coTeacher.Name,
            };
        });
        static string Text(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsDemoAsync(page, RoleNames.Administrator);

        await page.GotoAsync("/structure/courses");
        await BrowserFixture.FollowLinkAsync(page.GetByRole(AriaRole.Link, new() { Name = "Add a course", Exact = true }), "/structure/courses/new");
        await page.Locator("#school").SelectOptionAsync(Text(setting.School));
        await page.Locator("#department").SelectOptionAsync(Text(setting.Department));
        await page.Locator("#code").FillAsync(code);
        await page.Locator("#name").FillAsync($"Weekend astronomy {code}");
        await page.Locator("#year-group").FillAsync("10");
        await page.Locator("#periods-per-week").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure/courses");
        var course = await browser.App.QueryAsync(db => db.Courses.Where(c => c.Code == code).Select(c => new { c.Id, c.DepartmentId, c.YearGroup }).SingleAsync());
        Assert.Equal((setting.Department, (int?)10), (course.DepartmentId, course.YearGroup));

        await page.GotoAsync("/structure/sections");
        await BrowserFixture.FollowLinkAsync(page.GetByRole(AriaRole.Link, new() { Name = "Add a section", Exact = true }), "/structure/sections/new");
        await FillSectionAsync(page, Text(course.Id), Text(setting.Term), Text(setting.Teacher), $"{code}-A", [("Saturday", Text(setting.Period)), ("Sunday", Text(setting.Period))]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure/sections");
        var meetings = await browser.App.QueryAsync(db => db.Sections.Where(s => s.CourseId == course.Id && s.Name == $"{code}-A")
            .SelectMany(s => s.Meetings).Select(m => m.Day).OrderBy(d => d).ToListAsync());
        Assert.Equal([DayOfWeek.Sunday, DayOfWeek.Saturday], meetings);

        // The same teacher at the same period on Saturday: refused, with the message at the meetings.
        await page.GotoAsync("/structure/sections/new");
        await FillSectionAsync(page, Text(course.Id), Text(setting.Term), Text(setting.Teacher), $"{code}-B", [("Saturday", Text(setting.Period))]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#meetings-error")).ToContainTextAsync($"Saturday {setting.PeriodName}: the teacher is already booked for section {code}-A.");
        await Assertions.Expect(page.Locator("fieldset.ly-meetings")).ToHaveAttributeAsync("aria-describedby", "meetings-error");
        Assert.Equal("/structure/sections/new", new Uri(page.Url).AbsolutePath);
        Assert.False(await browser.App.QueryAsync(db => db.Sections.AnyAsync(s => s.CourseId == course.Id && s.Name == $"{code}-B")));

        // Section A gets a co-teacher: chosen from the school's staff, shown as a chip, saved with it and named in the list.
        var sectionA = await browser.App.QueryAsync(db => db.Sections.Where(s => s.CourseId == course.Id && s.Name == $"{code}-A").Select(s => s.Id).SingleAsync());
        await page.GotoAsync($"/structure/sections/{Text(sectionA)}");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true })).ToBeEnabledAsync();
        await page.Locator("#add-co-teacher").SelectOptionAsync(Text(setting.CoTeacher));
        await Assertions.Expect(page.Locator(".ly-co-teachers .ly-chips li")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(setting.CoTeacherName)));
        await Assertions.Expect(page.Locator("#add-co-teacher")).ToHaveValueAsync(""); // ready for another, not showing the next name
        await BrowserFixture.ScreenshotAsync(page, "section-co-teacher");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/structure/sections");
        Assert.Equal([setting.CoTeacher], await browser.App.QueryAsync(db => db.SectionTeachers.Where(c => c.SectionId == sectionA).Select(c => c.StaffMemberId).ToListAsync()));
        await SearchAsync(page, "Search sections", $"{code}-A", $"{code}-A");
        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex($"^with (\\w+ )?{System.Text.RegularExpressions.Regex.Escape(setting.CoTeacherName)}$"))).ToBeVisibleAsync();

        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, width <= 480 ? 844 : 900);
            await BrowserFixture.ScreenshotAsync(page, "section-form-clash");
            await BrowserFixture.AssertNoHorizontalScrollAsync(page);
            await BrowserFixture.AssertAccessibleAsync(page);
        }

        Assert.Empty(BrowserFixture.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    private static async Task FillSectionAsync(IPage page, string course, string term, string teacher, string name, (string Day, string Period)[] meetings)
    {
        await page.Locator("#course").SelectOptionAsync(course);
        // The term, teacher and period choices come from the course's school once it is chosen.
        await page.Locator("#term").SelectOptionAsync(term);
        await page.Locator("#teacher").SelectOptionAsync(teacher);
        await page.Locator("#name").FillAsync(name);
        await page.Locator("#capacity").FillAsync("20");
        for (var i = 0; i < meetings.Length; i++)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Add a meeting", Exact = true }).ClickAsync();
            await page.Locator($"#meeting-day-{i}").SelectOptionAsync(meetings[i].Day);
            await page.Locator($"#meeting-period-{i}").SelectOptionAsync(meetings[i].Period);
        }
    }

    /// <summary>Searches until the grid shows <paramref name="expected"/> first: typing before the circuit connects is lost.</summary>
    private static async Task SearchAsync(IPage page, string label, string text, string expected)
    {
        var box = page.GetByLabel(label, new() { Exact = true });
        for (var attempt = 1; ; attempt++)
        {
            await box.FillAsync(text);
            try
            {
                await Assertions.Expect(page.Locator(".ly-row-link").First).ToContainTextAsync(expected, new() { Timeout = 2_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 8)
            {
                await box.FillAsync("");
            }
        }
    }
}
