using System.Globalization;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Gradebook;
using Lyceum.Platform.Audit;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lyceum.IntegrationTests.Modules.Gradebook;

/// <summary>
/// The demo school's gradebooks for the term so far (made as if today were <see cref="DemoTermFixture.Today"/>), as the
/// demo teacher, student and guardian see them. That the same seed gives the same marks is in
/// <c>DemoDataTests.The_same_seed_gives_the_same_school</c>.
/// </summary>
[Collection("app")]
public sealed class GradebookDemoTests(DemoTermFixture term)
{
    private static readonly DateOnly Today = DemoTermFixture.Today;

    [Theory, AllProviders]
    public async Task The_demo_teacher_sees_weighted_categories_marked_work_and_term_grades_spread_over_the_scale(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var teacher = await app.DemoClientAsync(RoleNames.Teacher);
        var books = new List<JsonNode>();
        foreach (var id in await SectionsAsync(app, LyceumApp.DemoEmail(RoleNames.Teacher)))
        {
            books.Add(await (await teacher.GetAsync($"/api/v1/sections/{id}/gradebook")).JsonAsync());
        }

        // The teacher's class with most students (small, in the fixture's 60-student school), and the school's largest
        // class as the headteacher sees it.
        var head = await app.DemoClientAsync(RoleNames.Administrator);
        var largest = (await SectionsAsync(app, null))[0];
        AssertGradebook(books[0], minStudents: 5);
        AssertGradebook(await (await head.GetAsync($"/api/v1/sections/{largest}/gradebook")).JsonAsync(), minStudents: 10);

        // Over the teacher's classes: the latest work is waiting to be published, older work is out.
        var all = books.SelectMany(b => b["assessments"]!.AsArray()).Select(a => a!).Where(a => Date(a) < Today).ToList();
        var old = all.Where(a => Date(a) < Today.AddDays(-10)).ToList();
        Assert.Contains(all, a => a["publishedAt"] is null && a["marked"]!.GetValue<int>() > 0);
        Assert.True(all.Count(a => a["publishedAt"] is not null) > all.Count * 0.7);
        Assert.True(old.Count(a => a["publishedAt"] is not null) >= old.Count * 0.9, $"{old.Count(a => a["publishedAt"] is not null)} of {old.Count} older ones published");
    }

    [Theory, AllProviders]
    public async Task The_demo_student_and_guardian_see_marks_of_published_work_only(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var account = await app.UserIdAsync(LyceumApp.DemoEmail(RoleNames.Student));
        var studentId = await app.QueryAsync(db => db.Students.Where(s => s.UserId == account).Select(s => s.Id).SingleAsync());
        var unpublished = await app.QueryAsync(db => db.Assessments
            .Where(a => a.PublishedAt == null && db.Enrollments.Any(e => e.StudentId == studentId && e.SectionId == a.SectionId))
            .Select(a => a.Id).ToListAsync());

        Assert.NotEmpty(unpublished);
        foreach (var role in (string[])[RoleNames.Student, RoleNames.Guardian])
        {
            var client = await app.DemoClientAsync(role);
            var grades = await (await client.GetAsync($"/api/v1/students/{studentId}/grades")).JsonAsync();
            var marks = grades["sections"]!.AsArray().SelectMany(s => s!["marks"]!.AsArray()).Select(m => m!).ToList();

            Assert.True(grades["publishedOnly"]!.GetValue<bool>(), role);
            Assert.Contains(marks, m => m["status"] is not null && Date(m) < Today);
            Assert.All(marks, m => Assert.True(m["published"]!.GetValue<bool>(), $"{role} sees {m.ToJsonString()}"));
            Assert.DoesNotContain(marks, m => unpublished.Contains(m["assessmentId"]!.GetValue<int>()));
        }
    }

    [Theory, AllProviders]
    public async Task Marks_are_mostly_scored_and_maths_and_science_score_lower_and_wider_than_practical_courses(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var marks = await app.QueryAsync(db => db.Marks
            .Select(m => new { m.Status, m.Points, m.Assessment!.MaxPoints, m.Assessment.Date, Course = m.Assessment.Section!.Course!.Code })
            .ToListAsync());
        double Share(MarkStatus status) => marks.Count(m => m.Status == status) / (double)marks.Count;
        List<double> Percents(params string[] subjects) => [.. marks
            .Where(m => m.Points is not null && subjects.Contains(m.Course[(m.Course.IndexOf('-') + 1)..]))
            .Select(m => (double)(100 * m.Points!.Value / m.MaxPoints))];
        static double Deviation(List<double> values) => Math.Sqrt(values.Average(v => Math.Pow(v - values.Average(), 2)));
        var hard = Percents("MA", "SC");
        var practical = Percents("PE", "AR", "MU", "DR", "DT");

        Assert.True(marks.Count > 2000, $"{marks.Count} marks");
        Assert.All(marks, m => Assert.True(m.Date < Today));
        Assert.InRange(Share(MarkStatus.Missing), 0.01, 0.06);
        Assert.InRange(Share(MarkStatus.Excused), 0.005, 0.045);
        Assert.InRange(Share(MarkStatus.Late), 0.015, 0.07);
        Assert.True(hard.Average() < practical.Average() - 3, $"maths and science {hard.Average():0.0}%, practical {practical.Average():0.0}%");
        Assert.True(Deviation(hard) > Deviation(practical) + 2, $"maths and science ±{Deviation(hard):0.0}, practical ±{Deviation(practical):0.0}");
    }

    [Theory, AllProviders]
    public async Task A_few_term_grades_carry_a_teachers_comment_and_an_override_shows_with_its_reason(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var rows = await app.QueryAsync(db => db.TermGrades.AsNoTracking().ToListAsync());
        var enrolments = await app.QueryAsync(db => db.Enrollments.CountAsync());
        var overridden = rows.Where(r => r.OverrideGrade is not null).ToList();

        Assert.InRange(rows.Count(r => r.Comment is not null), 3, enrolments / 5);
        Assert.InRange(overridden.Count, 1, 2);
        Assert.All(rows, r => Assert.Null(r.PublishedAt));

        // The headteacher's view of that class: the override is the grade standing, with its reason, beside the computed one.
        var head = await app.DemoClientAsync(RoleNames.Administrator);
        var row = overridden[0];
        var book = await (await head.GetAsync($"/api/v1/sections/{row.SectionId}/gradebook")).JsonAsync();
        var student = book["students"]!.AsArray().Single(s => s!["id"]!.GetValue<int>() == row.StudentId)!["term"]!;
        Assert.Equal(row.OverrideGrade, student["grade"]!.GetValue<string>());
        Assert.NotEqual(row.OverrideGrade, student["computedGrade"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(student["overrideReason"]!.GetValue<string>()));
    }

    [Theory, AllProviders]
    public async Task Every_demo_mark_is_in_the_audit_trail_as_a_mark_saved_through_the_app_would_be(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var marks = await app.QueryAsync(db => db.Marks.CountAsync());
        var inserts = await app.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Entity == "Mark" && e.Action == AuditAction.Insert));
        var mark = await app.QueryAsync(db => db.Marks.AsNoTracking().OrderBy(m => m.Id).FirstAsync(m => m.Points != null));
        var trail = await app.QueryAsync(db => db.AuditEntries.SingleAsync(e => e.Entity == "Mark" && e.EntityId == mark.Id.ToString()));

        // The same mark saved through EF, in a transaction rolled back afterwards: its trail row says the same.
        string saved;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<LyceumDbContext>>().CreateDbContextAsync())
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Marks.Remove(await db.Marks.SingleAsync(m => m.Id == mark.Id));
            await db.SaveChangesAsync();
            // Points as a teacher types them ("8", not the "8.00" the column reads back as).
            var points = decimal.Parse(mark.Points!.Value.ToString("0.##", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var again = new Mark { AssessmentId = mark.AssessmentId, StudentId = mark.StudentId, Status = mark.Status, Points = points, By = mark.By };
            db.Marks.Add(again);
            await db.SaveChangesAsync();
            saved = await db.AuditEntries.Where(e => e.Entity == "Mark" && e.EntityId == again.Id.ToString()).Select(e => e.Changes).SingleAsync();
            await transaction.RollbackAsync();
        }

        Assert.Equal(marks, inserts);
        Assert.Equal("system:demo", trail.Actor);
        Assert.Equal(AuditAction.Insert, trail.Action);
        Assert.Equal(saved, trail.Changes);
        Assert.True(mark.Version != Guid.Empty && mark.CreatedAt > DateTime.MinValue, "stamped like a saved row");
    }

    /// <summary>
    /// One section's gradebook: weighted categories, the term's work so far marked for every student (but now and then
    /// the latest), one or two pieces coming up, and term grades for nearly everyone spread around a believable mean.
    /// </summary>
    private static void AssertGradebook(JsonNode book, int minStudents)
    {
        var name = book["section"]!["name"]!.GetValue<string>();
        var categories = book["categories"]!.AsArray();
        var assessments = book["assessments"]!.AsArray().Select(a => a!).ToList();
        var students = book["students"]!.AsArray().Select(s => s!).ToList();
        var statistics = book["statistics"]!;
        var past = assessments.Where(a => Date(a) < Today).ToList();
        var upcoming = assessments.Where(a => Date(a) >= Today).ToList();
        var maxPoints = assessments.ToDictionary(a => a["id"]!.GetValue<int>(), a => a["maxPoints"]!.GetValue<decimal>());

        Assert.True(students.Count >= minStudents, $"{name}: {students.Count} students");
        Assert.InRange(categories.Count, 2, 3);
        Assert.All(categories, c => Assert.True(c!["weight"]!.GetValue<decimal>() > 0));
        Assert.InRange(categories.Sum(c => c!["share"]!.GetValue<decimal>()), 99.8m, 100.2m);
        Assert.True(past.Count >= 6, $"{name}: {past.Count} assessments so far");
        Assert.InRange(upcoming.Count, 1, 2);
        Assert.All(upcoming, a => Assert.Equal(0, a["marked"]!.GetValue<int>()));
        Assert.All(upcoming, a => Assert.Null(a["publishedAt"]));
        Assert.Contains(past, a => a["publishedAt"] is not null);
        Assert.True(past.Count(a => a["marked"]!.GetValue<int>() == 0) <= 1);
        Assert.All(past.Where(a => a["marked"]!.GetValue<int>() > 0), a => Assert.Equal(students.Count, a["marked"]!.GetValue<int>()));
        Assert.All(students.SelectMany(s => s["marks"]!.AsArray()), m =>
        {
            var points = m!["points"]?.GetValue<decimal>();
            if (m["status"]!.GetValue<string>() is "scored" or "late")
            {
                Assert.NotNull(points);
                Assert.InRange(points.Value, 0m, maxPoints[m["assessmentId"]!.GetValue<int>()]);
                Assert.Equal(0m, points.Value * 2 % 1);
            }
            else
            {
                Assert.Null(points);
            }
        });

        var graded = students.Count(s => s["term"]!["percent"] is not null);
        var distribution = statistics["distribution"]!.AsArray().Select(d => d!["count"]!.GetValue<int>()).ToList();
        var summary = $"{name}: {statistics.ToJsonString()}";
        Assert.True(graded >= students.Count * 0.9, $"{graded} of {students.Count} graded; {summary}");
        Assert.InRange(statistics["mean"]!.GetValue<decimal>(), 55m, 80m);
        Assert.True(statistics["standardDeviation"]!.GetValue<decimal>() > 5m, summary);
        Assert.True(distribution.Count(c => c > 0) >= 3, summary);
        Assert.Equal(students.Count(s => s["term"]!["grade"] is not null), distribution.Sum());
    }

    /// <summary>The sections of the teacher with this account (null: all the school's), the one with most students first.</summary>
    private static async Task<List<int>> SectionsAsync(LyceumApp app, string? teacherEmail)
    {
        Guid? account = teacherEmail is null ? null : await app.UserIdAsync(teacherEmail);
        return await app.QueryAsync(db => db.Sections.Where(s => account == null || s.Teacher!.UserId == account)
            .OrderByDescending(s => db.Enrollments.Count(e => e.SectionId == s.Id)).ThenBy(s => s.Id).Select(s => s.Id).ToListAsync());
    }

    private static DateOnly Date(JsonNode node) => DateOnly.Parse(node["date"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
}
