using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.IntegrationTests.Modules.Attendance;
using Lyceum.Modules.Gradebook.ReportCards;
using Lyceum.Modules.Students;
using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;
using static Lyceum.IntegrationTests.Modules.Schools.SchoolStructureTests;

namespace Lyceum.IntegrationTests.Modules.Gradebook;

/// <summary>
/// Report cards and transcripts through /api/v1, read back from the PDF as a person would read them (PdfPig): the
/// student, each course with its teacher, grade and percentage, the attendance line, the comments, the signature
/// lines, one student after another for a year group; the template; who may print; bad input.
/// </summary>
[Collection("app")]
public sealed class ReportCardsTests(AppFixture fixture)
{
    private const string MathsComment = "Ann reasons carefully and explains her methods clearly.";

    [Theory, AllProviders]
    public async Task A_students_report_card_shows_each_course_with_teacher_grade_percent_attendance_comments_and_signature_lines(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await World.NewAsync(app, admin);

        using var response = await admin.GetAsync($"/api/v1/students/{w.Ann}/report-card?termId={w.Term}");

        var pdf = await PdfAsync(response, "report-card");
        var text = pdf.Text;
        Assert.StartsWith("report-card-", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Single(pdf.Pages);
        Assert.Contains("Register school", text, StringComparison.Ordinal);
        Assert.Contains("Report card", text, StringComparison.Ordinal);
        Assert.Contains("Ann Abbot", text, StringComparison.Ordinal);
        Assert.Contains(w.AnnNumber, text, StringComparison.Ordinal);
        Assert.Contains("This term · This year", text, StringComparison.Ordinal);
        // Maths: 18 of 20 is 90.0%, an A- on the default letters; English: overridden to B+, so no percentage of its own.
        Assert.Contains("Year 9 Mathematics", text, StringComparison.Ordinal);
        Assert.Contains("Ada Byron", text, StringComparison.Ordinal);
        Assert.Contains("A-90.0%", Squeeze(text), StringComparison.Ordinal);
        Assert.Contains("Year 9 English", text, StringComparison.Ordinal);
        Assert.Contains("Dr Hopper", text, StringComparison.Ordinal);
        Assert.Contains("DrHopperB+—", Squeeze(text), StringComparison.Ordinal);
        // Two lessons today: present in the first, late in the second.
        Assert.Contains("Present: 100% of 2 possible sessions.", text, StringComparison.Ordinal);
        Assert.Contains("Absences: 0 authorised, 0 unauthorised. Lates: 1.", text, StringComparison.Ordinal);
        // The comment is printed whether published or not: a report card is a staff document.
        Assert.Contains(MathsComment, text, StringComparison.Ordinal);
        Assert.Contains("Year 9 Mathematics — Ada Byron", text, StringComparison.Ordinal);
        Assert.Contains("Form tutor", text, StringComparison.Ordinal);
        Assert.Contains("Head teacher", text, StringComparison.Ordinal);
        Assert.Contains("Parent or guardian", text, StringComparison.Ordinal);
        Assert.Contains("Ann Abbot · Page 1 of 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ben Baker", text, StringComparison.Ordinal);
    }

    [Theory, AllProviders]
    public async Task A_year_groups_report_cards_give_each_student_pages_of_their_own_ordered_by_form_and_name(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await World.NewAsync(app, admin);
        var dan = new Student
        {
            SchoolId = w.School.School,
            StudentNumber = $"T{Random.Shared.Next(1_000_000, 9_999_999)}",
            FirstName = "Dan",
            LastName = "Young",
            DateOfBirth = new DateOnly(2012, 5, 1),
            YearGroup = 9,
            FormGroup = "9Y",
            AdmittedOn = new DateOnly(2023, 9, 1),
        };
        await app.InsertAsync(dan);
        await app.InsertAsync(new Student
        {
            SchoolId = w.School.School,
            StudentNumber = $"T{Random.Shared.Next(1_000_000, 9_999_999)}",
            FirstName = "Eve",
            LastName = "Left",
            DateOfBirth = new DateOnly(2012, 5, 1),
            YearGroup = 9,
            FormGroup = "9Z",
            AdmittedOn = new DateOnly(2023, 9, 1),
            ArchivedAt = DateTime.UtcNow,
        });

        using var response = await admin.GetAsync($"/api/v1/report-cards?termId={w.Term}&schoolId={w.School.School}&yearGroup=9");

        var pdf = await PdfAsync(response, "year-group");
        Assert.Equal($"report-cards-year-9-this-term-this-year.pdf", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        // Form 9Y before 9Z, then by last name; the archived leaver is left out; every page names one student only.
        string[] order = ["Dan Young", "Ann Abbot", "Ben Baker", "Cat Cooper"];
        Assert.Equal(order, pdf.Pages.Select(p => Assert.Single(order, name => p.Contains(name, StringComparison.Ordinal))).Distinct());
        Assert.DoesNotContain("Eve Left", pdf.Text, StringComparison.Ordinal);
        Assert.Contains("Present: 50% of 2 possible sessions.", pdf.Pages[2], StringComparison.Ordinal); // Ben: away unexplained once
        Assert.Contains("Absences: 0 authorised, 1 unauthorised. Lates: 0.", pdf.Pages[2], StringComparison.Ordinal);
        Assert.Contains("No registers were taken for this student in this term.", pdf.Pages[0], StringComparison.Ordinal);
        Assert.Contains("No sections in this term.", pdf.Pages[0], StringComparison.Ordinal);
        Assert.Contains("75.0%", pdf.Pages[3], StringComparison.Ordinal); // Cat: 15 of 20

        using var form = await admin.GetAsync($"/api/v1/report-cards?termId={w.Term}&schoolId={w.School.School}&yearGroup=9&formGroup=9Z");
        var forms = await PdfAsync(form, "form");
        Assert.Equal(["Ann Abbot", "Ben Baker", "Cat Cooper"], forms.Pages.Select(p => Assert.Single(order, name => p.Contains(name, StringComparison.Ordinal))));

        // The page (in-process) hears of each student as it is drawn.
        await using var scope = app.Services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<ReportCardsHandler>();
        var office = new Caller(Guid.NewGuid(), "office@lyceum.test", [new AccessGrant(Permissions.ReportCardsPrint, AccessScope.School)], []);
        var reports = new List<(int Done, int Total)>();
        using var file = new MemoryStream();
        var result = await handler.YearGroupAsync(
            office, new YearGroupReportCards(w.School.School, w.Term, 9, "9Z"), file, new Recorder(reports), CancellationToken.None);
        Assert.True(result.IsSuccess);
        Assert.Equal(new (int, int)[] { (0, 3), (1, 3), (2, 3), (3, 3) }, reports);
        Assert.Equal(3, result.Value!.Students);
    }

    [Theory, AllProviders]
    public async Task Long_comments_wrap_and_run_on_to_another_page_with_nothing_lost(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await World.NewAsync(app, admin);
        // Two comments of the most a comment may hold, in numbered words so that a lost word would show.
        var maths = Words("m", 2000);
        var english = Words("e", 2000);
        await CommentAsync(admin, w.Maths, w.Ann, maths);
        await CommentAsync(admin, w.English, w.Ann, english, ("B+", "Oral work"));

        using var response = await admin.GetAsync($"/api/v1/students/{w.Ann}/report-card?termId={w.Term}");

        var pdf = await PdfAsync(response, "long-comments");
        Assert.Equal(2, pdf.Pages.Count);
        Assert.Contains("Ann Abbot · Page 1 of 2", pdf.Pages[0], StringComparison.Ordinal);
        Assert.Contains("Ann Abbot · Page 2 of 2", pdf.Pages[1], StringComparison.Ordinal);
        Assert.Contains("(continued)", pdf.Pages[1], StringComparison.Ordinal);
        Assert.Contains("Parent or guardian", pdf.Pages[1], StringComparison.Ordinal);
        Assert.All(maths.Split(' ').Concat(english.Split(' ')), word => Assert.Contains(word, pdf.Text, StringComparison.Ordinal));
    }

    [Theory, AllProviders]
    public async Task A_schools_template_sets_the_title_logo_signature_lines_footer_and_what_is_shown(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await World.NewAsync(app, admin);
        var url = $"/api/v1/schools/{w.School.School}/report-card-template";

        var before = await (await admin.GetAsync(url)).JsonAsync();
        Assert.True(before["isDefault"]!.GetValue<bool>());
        Assert.Equal("Report card", before["title"]!.GetValue<string>());
        Assert.Equal(["Form tutor", "Head teacher", "Parent or guardian"], before["signatureLines"]!.AsArray().Select(l => l!.GetValue<string>()));

        using var saved = await admin.PutAsJsonAsync(url, new
        {
            title = "End of term report",
            logo = Png,
            showAttendance = false,
            showComments = false,
            signatureLines = new[] { "Class teacher" },
            footer = "Register school, 1 High Street. Report queries to the office.",
        });
        var template = await saved.JsonAsync();
        Assert.False(template["isDefault"]!.GetValue<bool>());
        Assert.Equal(Convert.ToBase64String(Png), template["logo"]!.GetValue<string>());
        Assert.NotNull(saved.Headers.ETag);

        using var response = await admin.GetAsync($"/api/v1/students/{w.Ann}/report-card?termId={w.Term}");
        var pdf = await PdfAsync(response, "template");
        Assert.Contains("End of term report", pdf.Text, StringComparison.Ordinal);
        Assert.Contains("Class teacher", pdf.Text, StringComparison.Ordinal);
        Assert.Contains("Register school, 1 High Street. Report queries to the office.", pdf.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Head teacher", pdf.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Present:", pdf.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(MathsComment, pdf.Text, StringComparison.Ordinal);
        Assert.Equal(1, pdf.Images);

        // If-Match is optional, but a stale one is refused.
        using var stale = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { title = "Other" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{Guid.NewGuid():N}\"");
        await (await admin.SendAsync(stale)).ProblemAsync(HttpStatusCode.PreconditionFailed);
        using var fresh = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { title = "Other" }) };
        fresh.Headers.TryAddWithoutValidation("If-Match", saved.Headers.ETag!.Tag);
        var other = await (await admin.SendAsync(fresh)).JsonAsync();
        Assert.Equal("Other", other["title"]!.GetValue<string>());
        Assert.Empty(other["signatureLines"]!.AsArray());
        Assert.Null(other["logo"]);
    }

    [Theory, AllProviders]
    public async Task A_template_is_checked_field_by_field_and_only_those_who_configure_the_school_change_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var school = await NewSchoolAsync(admin);
        var url = $"/api/v1/schools/{school}/report-card-template";
        var gif = "GIF89a"u8.ToArray().Concat(new byte[64]).ToArray();
        var huge = Png.Concat(new byte[(512 * 1024) + 1 - Png.Length]).ToArray();
        var fakePng = Png[..8].Concat(new byte[64]).ToArray();

        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { title = "" }, "title"),
            (new { title = new string('x', 121) }, "title"),
            (new { title = "Report", footer = new string('x', 501) }, "footer"),
            (new { title = "Report", signatureLines = Enumerable.Range(1, 7).Select(i => $"Line {i}").ToArray() }, "signatureLines"),
            (new { title = "Report", signatureLines = new[] { "Tutor", " " } }, "signatureLines[1]"),
            (new { title = "Report", logo = gif }, "logo"),
            (new { title = "Report", logo = fakePng }, "logo"),
            (new { title = "Report", logo = huge }, "logo"),
        })
        {
            await (await admin.PutAsJsonAsync(url, body)).ProblemAsync(HttpStatusCode.BadRequest, field);
        }

        Assert.True((await (await admin.GetAsync(url)).JsonAsync())["isDefault"]!.GetValue<bool>());
        using var moderator = await app.DemoClientAsync(RoleNames.Moderator);
        await (await moderator.PutAsJsonAsync(url, new { title = "Report" })).ProblemAsync(HttpStatusCode.Forbidden);
        await (await admin.PutAsJsonAsync("/api/v1/schools/987654/report-card-template", new { title = "Report" })).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("Report card", (await (await moderator.GetAsync(url)).JsonAsync())["title"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task Report_cards_are_printed_by_staff_who_hold_the_permission_for_the_students_school(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await World.NewAsync(app, admin);
        var elsewhere = await World.NewAsync(app, admin);
        var yearGroup = $"/api/v1/report-cards?termId={w.Term}&schoolId={w.School.School}&yearGroup=9";

        using var moderator = await app.DemoClientAsync(RoleNames.Moderator);
        var cards = await PdfAsync(await moderator.GetAsync(yearGroup), "moderator");
        Assert.Contains("Cat Cooper", cards.Text, StringComparison.Ordinal);
        await PdfAsync(await moderator.GetAsync($"/api/v1/students/{w.Ann}/transcript"), "moderator-transcript");

        // The section's own teacher marks and comments, but report cards are the office's.
        await (await w.School.Teacher.GetAsync($"/api/v1/students/{w.Ann}/report-card?termId={w.Term}")).ProblemAsync(HttpStatusCode.Forbidden);
        await (await w.School.Teacher.GetAsync(yearGroup)).ProblemAsync(HttpStatusCode.Forbidden);
        await (await w.School.Guardian.GetAsync($"/api/v1/students/{w.Ann}/transcript")).ProblemAsync(HttpStatusCode.Forbidden);

        // A role that prints for one school only: another school's student is not found, its year group has nobody.
        var role = $"Printer{Guid.NewGuid():N}"[..16];
        await (await admin.PostAsJsonAsync("/api/v1/roles", new
        {
            name = role,
            grants = new[] { new { permission = Permissions.ReportCardsPrint, scope = "school", schoolId = (int?)w.School.School } },
        })).JsonAsync(HttpStatusCode.Created);
        var (email, password) = await app.CreateUserAsync(role);
        using var printer = app.ClientWithToken(await app.TokenAsync(email, password));
        await PdfAsync(await printer.GetAsync($"/api/v1/students/{w.Ann}/report-card?termId={w.Term}"), "printer");
        await (await printer.GetAsync($"/api/v1/students/{elsewhere.Ann}/report-card?termId={elsewhere.Term}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await printer.GetAsync($"/api/v1/students/{elsewhere.Ann}/transcript")).ProblemAsync(HttpStatusCode.NotFound);
        await (await printer.GetAsync($"/api/v1/report-cards?termId={elsewhere.Term}&schoolId={elsewhere.School.School}&yearGroup=9"))
            .ProblemAsync(HttpStatusCode.BadRequest, "yearGroup");
        await (await app.CreateClient().GetAsync(yearGroup)).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, AllProviders]
    public async Task Bad_input_is_refused_with_the_field_it_concerns(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await World.NewAsync(app, admin);
        var elsewhere = await World.NewAsync(app, admin);
        var school = w.School.School;

        foreach (var (query, field) in new[]
        {
            ($"schoolId={school}&yearGroup=9", "termId"),
            ($"termId=987654&schoolId={school}&yearGroup=9", "termId"),
            ($"termId={elsewhere.Term}&schoolId={school}&yearGroup=9", "termId"),
            ($"termId={w.Term}&yearGroup=9", "schoolId"),
            ($"termId={w.Term}&schoolId=987654&yearGroup=9", "schoolId"),
            ($"termId={w.Term}&schoolId={school}", "yearGroup"),
            ($"termId={w.Term}&schoolId={school}&yearGroup=12", "yearGroup"),
            ($"termId={w.Term}&schoolId={school}&yearGroup=9&formGroup=9Q", "formGroup"),
        })
        {
            await (await admin.GetAsync($"/api/v1/report-cards?{query}")).ProblemAsync(HttpStatusCode.BadRequest, field);
        }

        await (await admin.GetAsync($"/api/v1/students/{w.Ann}/report-card")).ProblemAsync(HttpStatusCode.BadRequest, "termId");
        await (await admin.GetAsync($"/api/v1/students/{w.Ann}/report-card?termId={elsewhere.Term}")).ProblemAsync(HttpStatusCode.BadRequest, "termId");
        await (await admin.GetAsync($"/api/v1/students/987654/report-card?termId={w.Term}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/students/987654/transcript")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task A_transcript_lists_every_academic_year_and_term_with_each_sections_final_grade_oldest_first(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await World.NewAsync(app, admin);
        var today = w.School.Today;
        var course = await app.QueryAsync(db => db.Sections.Where(s => s.Id == w.Maths).Select(s => s.CourseId).SingleAsync());
        var lastYear = await CreateAsync(admin, "academic-years", new
        {
            schoolId = w.School.School,
            name = "Last year",
            startDate = AttendanceSchool.Iso(today.AddDays(-520)),
            endDate = AttendanceSchool.Iso(today.AddDays(-160)),
        });
        var summer = await CreateAsync(admin, "terms", new
        {
            academicYearId = lastYear,
            name = "Summer",
            startDate = AttendanceSchool.Iso(today.AddDays(-300)),
            endDate = AttendanceSchool.Iso(today.AddDays(-200)),
        });
        var old = await CreateAsync(admin, "sections", new { courseId = course, termId = summer, teacherId = w.School.TeacherStaff, name = "8Z Maths" });
        await (await admin.PostAsJsonAsync($"/api/v1/sections/{old}/enrollments", new { studentIds = new[] { w.Ann }, enrolledOn = AttendanceSchool.Iso(today.AddDays(-300)) })).JsonAsync();
        await CommentAsync(admin, old, w.Ann, "Well done.", ("C", "Final examination"));

        using var response = await admin.GetAsync($"/api/v1/students/{w.Ann}/transcript");

        var pdf = await PdfAsync(response, "transcript");
        var text = pdf.Text;
        Assert.Equal($"transcript-{w.AnnNumber.ToLowerInvariant()}.pdf", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        Assert.Contains("Transcript", text, StringComparison.Ordinal);
        Assert.Contains("Ann Abbot", text, StringComparison.Ordinal);
        var lastYearAt = text.IndexOf("Last year", StringComparison.Ordinal);
        var thisYearAt = text.IndexOf("This year", StringComparison.Ordinal);
        Assert.True(lastYearAt >= 0 && thisYearAt > lastYearAt, text);
        Assert.True(text.IndexOf("Summer", StringComparison.Ordinal) is var s && s > lastYearAt && s < thisYearAt, text);
        Assert.Contains("AdaByronC—", Squeeze(text), StringComparison.Ordinal); // last summer's override, no percentage
        Assert.Contains("A-90.0%", Squeeze(text), StringComparison.Ordinal); // this term's maths as it stands
        Assert.DoesNotContain("Well done.", text, StringComparison.Ordinal); // grades only: comments are the report card's
    }

    /// <summary>
    /// <see cref="AttendanceSchool"/> (year 9, form 9Z: Ann Abbot, Ben Baker, Cat Cooper in 9Z Maths with Ada Byron) plus
    /// 9Z English with Dr Hopper for Ann; marks (Ann 18/20 and Cat 15/20 in maths), Ann's maths comment and an English
    /// override (B+), and today's two lessons' registers (Ann present then late, Ben away unexplained then present).
    /// </summary>
    private sealed record World(AttendanceSchool School, int Term, int Maths, int English, int Ann, string AnnNumber)
    {
        public static async Task<World> NewAsync(LyceumApp app, HttpClient admin)
        {
            var s = await AttendanceSchool.NewAsync(app, admin);
            var maths = await app.QueryAsync(db => db.Sections.Where(x => x.Id == s.Section).Select(x => new { x.TermId, x.Course!.DepartmentId }).SingleAsync());
            var term = maths.TermId;
            var english = await CreateAsync(admin, "courses", new { schoolId = s.School, departmentId = maths.DepartmentId, code = "EN9", name = "Year 9 English", yearGroup = 9, periodsPerWeek = 3 });
            var hopper = await Schools.SectionsTests.NewStaffAsync(app, s.School, "Grace", "Hopper", "Dr");
            var englishSection = await CreateAsync(admin, "sections", new { courseId = english, termId = term, teacherId = hopper, name = "9Z English" });
            await (await admin.PostAsJsonAsync($"/api/v1/sections/{englishSection}/enrollments", new { studentIds = new[] { s.Students[0] }, enrolledOn = AttendanceSchool.Iso(s.Today.AddDays(-40)) })).JsonAsync();

            var test = await AssessmentAsync(admin, s.Section, s.Today);
            await (await admin.PutAsJsonAsync($"/api/v1/sections/{s.Section}/marks", new
            {
                marks = new[] { new { assessmentId = test, studentId = s.Students[0], points = 18m }, new { assessmentId = test, studentId = s.Students[2], points = 15m } },
            })).JsonAsync();
            await CommentAsync(admin, s.Section, s.Students[0], MathsComment);
            var essay = await AssessmentAsync(admin, englishSection, s.Today);
            await (await admin.PutAsJsonAsync($"/api/v1/sections/{englishSection}/marks", new
            {
                marks = new[] { new { assessmentId = essay, studentId = s.Students[0], points = 12m } },
            })).JsonAsync();
            await CommentAsync(admin, englishSection, s.Students[0], null, ("B+", "Oral work"));

            await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), s.Marks((s.Students[1], "N")))).JsonAsync();
            await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today, s.P2), s.Marks((s.Students[0], "L")))).JsonAsync();
            var number = await app.QueryAsync(db => db.Students.Where(x => x.Id == s.Students[0]).Select(x => x.StudentNumber).SingleAsync());
            return new World(s, term, s.Section, englishSection, s.Students[0], number);
        }

        private static async Task<int> AssessmentAsync(HttpClient admin, int section, DateOnly date)
        {
            var category = (await (await admin.PostAsJsonAsync($"/api/v1/sections/{section}/grade-categories", new { name = "Tests", weight = 100 }))
                .JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
            return (await (await admin.PostAsJsonAsync($"/api/v1/sections/{section}/assessments", new { title = "Test 1", date = AttendanceSchool.Iso(date), maxPoints = 20, categoryId = category }))
                .JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
        }
    }

    /// <summary>A 1 × 1 PNG.</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static async Task CommentAsync(HttpClient admin, int section, int student, string? comment, (string Grade, string Reason)? overridden = null)
    {
        var current = await (await admin.GetAsync($"/api/v1/sections/{section}/gradebook")).JsonAsync();
        var version = current["students"]!.AsArray().Single(s => s!["id"]!.GetValue<int>() == student)!["term"]!["version"]?.GetValue<string>();
        await (await admin.PutAsJsonAsync($"/api/v1/sections/{section}/term-grades/{student}", new
        {
            comment,
            overrideGrade = overridden?.Grade,
            overrideReason = overridden?.Reason,
            version,
        })).JsonAsync();
    }

    /// <summary>"w0001 w0002 …" up to <paramref name="length"/> characters.</summary>
    private static string Words(string prefix, int length)
    {
        var words = new List<string>();
        for (var i = 1; words.Sum(w => w.Length + 1) + prefix.Length + 5 <= length; i++)
        {
            words.Add($"{prefix}{i:D4}");
        }

        return string.Join(' ', words);
    }

    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private sealed record Pdf(IReadOnlyList<string> Pages, int Images)
    {
        public string Text => string.Join("\n", Pages);
    }

    /// <summary>The response as a person reads it: a 200 PDF, each page's text. LYCEUM_TEST_PDFS=dir keeps the files to look at.</summary>
    private static async Task<Pdf> PdfAsync(HttpResponseMessage response, string name)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        if (Environment.GetEnvironmentVariable("LYCEUM_TEST_PDFS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{name}.pdf"), bytes);
        }

        using var document = PdfDocument.Open(bytes);
        var pages = document.GetPages().ToList();
        return new Pdf([.. pages.Select(p => p.Text)], pages.Sum(p => p.GetImages().Count()));
    }

    private sealed class Recorder(List<(int Done, int Total)> reports) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => reports.Add(value);
    }
}
