using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Gradebook.GradebookWorld;

namespace Lyceum.IntegrationTests.Modules.Gradebook;

/// <summary>
/// A section's gradebook set up through /api/v1 (weighted categories, assessments, marks) and the term grades and
/// statistics it shows, checked against a hand-worked example; bad setup refused at its field with nothing stored.
/// </summary>
[Collection("app")]
public sealed class GradebookSetupTests(AppFixture fixture)
{
    /// <summary>
    /// Homework 20 (drop the lowest one), Tests 50, Project 30 (an assessment nobody is marked on yet: an empty category).
    /// HW1 /10, HW2 /10, HW3 /20; T1 /50, T2 /100; P1 /40.
    /// <list type="bullet">
    /// <item>Ann: HW 9, missing, 15 → HW2 (0%) dropped → 24/30 = 80%; T1 45, T2 excused → 45/50 = 90%.
    /// (20 × 80 + 50 × 90) / 70 = 87.142… → 87.1 → B+.</item>
    /// <item>Bob: HW 6, 10, excused → HW1 (60%) dropped → 10/10 = 100%; T1 30, T2 70 → 100/150 = 66.67%.
    /// (20 × 100 + 50 × 66.67) / 70 = 76.190… → 76.2 → C.</item>
    /// <item>Cal: everything full marks → 100.0 → A+ (of HW1–HW3, all 100%, the latest is the one dropped).</item>
    /// <item>Dee: nothing marked → no grade.</item>
    /// </list>
    /// Statistics of 87.1, 76.2, 100.0: mean 87.77 → 87.8, median 87.1, population standard deviation 9.73 → 9.7.
    /// </summary>
    internal sealed record Example(
        GradebookWorld World, int Section, int Homework, int Tests, int Project,
        int Hw1, int Hw2, int Hw3, int T1, int T2, int P1, int Ann, int Bob, int Cal, int Dee);

    internal static async Task<Example> ExampleAsync(LyceumApp app, HttpClient admin)
    {
        var w = await GradebookWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Abbott");
        var bob = await w.StudentAsync(app, "Bob", "Barker");
        var cal = await w.StudentAsync(app, "Cal", "Cooper");
        var dee = await w.StudentAsync(app, "Dee", "Dunn");
        var section = await w.ClassAsync(app, admin, w.Teacher, "9A Maths", [ann, bob, cal, dee]);
        var homework = await CategoryAsync(admin, section, "Homework", 20, dropLowest: 1);
        var tests = await CategoryAsync(admin, section, "Tests", 50);
        var project = await CategoryAsync(admin, section, "Project", 30);
        var hw1 = await AssessmentAsync(admin, section, homework, "HW1", 10, "2031-09-10");
        var hw2 = await AssessmentAsync(admin, section, homework, "HW2", 10, "2031-09-17");
        var hw3 = await AssessmentAsync(admin, section, homework, "HW3", 20, "2031-09-24");
        var t1 = await AssessmentAsync(admin, section, tests, "T1", 50, "2031-10-01");
        var t2 = await AssessmentAsync(admin, section, tests, "T2", 100, "2031-10-15");
        var p1 = await AssessmentAsync(admin, section, project, "P1", 40, "2031-11-01");
        await SavedAsync(admin, section,
            new Cell(hw1, ann, 9), new Cell(hw2, ann, null, "missing"), new Cell(hw3, ann, 15), new Cell(t1, ann, 45), new Cell(t2, ann, null, "excused"),
            new Cell(hw1, bob, 6), new Cell(hw2, bob, 10), new Cell(hw3, bob, null, "excused"), new Cell(t1, bob, 30), new Cell(t2, bob, 70, "late"),
            new Cell(hw1, cal, 10), new Cell(hw2, cal, 10), new Cell(hw3, cal, 20), new Cell(t1, cal, 50), new Cell(t2, cal, 100));
        return new Example(w, section, homework, tests, project, hw1, hw2, hw3, t1, t2, p1, ann, bob, cal, dee);
    }

    [Theory, AllProviders]
    public async Task Term_grades_follow_the_hand_worked_example_on_the_default_letter_scale(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var e = await ExampleAsync(app, admin);

        var book = await GradebookAsync(admin, e.Section);

        Assert.Equal("Letters A–F", book["scale"]!["name"]!.GetValue<string>());
        Assert.True(book["canEdit"]!.GetValue<bool>());
        Assert.Equal(["Homework", "Tests", "Project"], book["categories"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal([20m, 50m, 30m], book["categories"]!.AsArray().Select(c => c!["share"]!.GetValue<decimal>()));
        Assert.Equal(["Abbott, Ann", "Barker, Bob", "Cooper, Cal", "Dunn, Dee"], book["students"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));

        Assert.Equal((87.1m, "B+"), (Percent(book, e.Ann), Grade(book, e.Ann)));
        Assert.Equal((76.2m, "C"), (Percent(book, e.Bob), Grade(book, e.Bob)));
        Assert.Equal((100m, "A+"), (Percent(book, e.Cal), Grade(book, e.Cal)));
        Assert.Equal((null, null), (Percent(book, e.Dee), Grade(book, e.Dee)));

        // How Ann's categories added up: HW2 (missing, 0%) dropped; the project counts for nothing yet.
        var anns = Row(book, e.Ann)["term"]!["categories"]!.AsArray();
        var homework = anns.Single(c => c!["categoryId"]!.GetValue<int>() == e.Homework)!;
        Assert.Equal(80m, homework["percent"]!.GetValue<decimal>());
        Assert.Equal([e.Hw2], homework["dropped"]!.AsArray().Select(d => d!.GetValue<int>()));
        Assert.Equal(90m, anns.Single(c => c!["categoryId"]!.GetValue<int>() == e.Tests)!["percent"]!.GetValue<decimal>());
        Assert.Null(anns.Single(c => c!["categoryId"]!.GetValue<int>() == e.Project)!["percent"]);
        Assert.Equal("late", MarkOf(book, e.Bob, e.T2)!["status"]!.GetValue<string>());
        Assert.Equal("missing", MarkOf(book, e.Ann, e.Hw2)!["status"]!.GetValue<string>());
        Assert.Null(MarkOf(book, e.Ann, e.Hw2)!["points"]);

        // Each assessment's mean: missing counts as 0, excused is left out.
        var hw2 = AssessmentIn(book, e.Hw2);
        Assert.Equal(66.7m, hw2["meanPercent"]!.GetValue<decimal>());
        Assert.Equal(3, hw2["marked"]!.GetValue<int>());
        var p1 = AssessmentIn(book, e.P1);
        Assert.Equal(0, p1["marked"]!.GetValue<int>());
        Assert.Null(p1["meanPercent"]);

        var stats = book["statistics"]!;
        Assert.Equal(3, stats["graded"]!.GetValue<int>());
        Assert.Equal(4, stats["students"]!.GetValue<int>());
        Assert.Equal(87.8m, stats["mean"]!.GetValue<decimal>());
        Assert.Equal(87.1m, stats["median"]!.GetValue<decimal>());
        Assert.Equal(9.7m, stats["standardDeviation"]!.GetValue<decimal>());
        var distribution = stats["distribution"]!.AsArray().ToDictionary(d => d!["grade"]!.GetValue<string>(), d => d!["count"]!.GetValue<int>());
        Assert.Equal(["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F"], distribution.Keys);
        Assert.Equal(1, distribution["A+"]);
        Assert.Equal(1, distribution["B+"]);
        Assert.Equal(1, distribution["C"]);
        Assert.Equal(3, distribution.Values.Sum());
    }

    [Theory, AllProviders]
    public async Task Weights_2_5_3_give_the_same_grades_as_20_50_30(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var e = await ExampleAsync(app, admin);
        var before = await GradebookAsync(admin, e.Section);

        foreach (var (category, name, weight, drop) in new[] { (e.Homework, "Homework", 2m, 1), (e.Tests, "Tests", 5m, 0), (e.Project, "Project", 3m, 0) })
        {
            var etag = ETagOf(CategoryIn(before, category));
            using var edited = await admin.SendAsync(Put($"/api/v1/grade-categories/{category}", etag, new { name, weight, dropLowest = drop }));
            Assert.Equal(weight, (await edited.JsonAsync())["weight"]!.GetValue<decimal>());
        }

        var after = await GradebookAsync(admin, e.Section);
        Assert.Equal([2m, 5m, 3m], after["categories"]!.AsArray().Select(c => c!["weight"]!.GetValue<decimal>()));
        Assert.Equal([20m, 50m, 30m], after["categories"]!.AsArray().Select(c => c!["share"]!.GetValue<decimal>()));
        foreach (var student in new[] { e.Ann, e.Bob, e.Cal, e.Dee })
        {
            Assert.Equal((Percent(before, student), Grade(before, student)), (Percent(after, student), Grade(after, student)));
        }

        Assert.Equal(before["statistics"]!.ToJsonString(), after["statistics"]!.ToJsonString());
    }

    [Theory, AllProviders]
    public async Task A_mark_on_an_empty_category_brings_it_into_the_grade_and_practice_work_never_counts(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var e = await ExampleAsync(app, admin);
        var practice = await AssessmentAsync(admin, e.Section, e.Tests, "Practice quiz", 10, counts: false);

        // Ann's project: 20/40 = 50%. (20 × 80 + 50 × 90 + 30 × 50) / 100 = 76.0 → C. A practice quiz at 0 changes nothing.
        await SavedAsync(admin, e.Section, new Cell(e.P1, e.Ann, 20), new Cell(practice, e.Ann, 0));

        var book = await GradebookAsync(admin, e.Section);
        Assert.Equal((76.0m, "C"), (Percent(book, e.Ann), Grade(book, e.Ann)));
        Assert.Equal(0m, PointsOf(book, e.Ann, practice));
        Assert.Equal((76.2m, "C"), (Percent(book, e.Bob), Grade(book, e.Bob)));
    }

    [Theory, AllProviders]
    public async Task Choosing_another_scale_shows_the_same_percentages_in_its_grades(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var e = await ExampleAsync(app, admin);
        var scales = await (await admin.GetAsync($"/api/v1/grading-scales?schoolId={e.World.School}")).JsonAsync();
        int Scale(string name) => scales.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!["id"]!.GetValue<int>();
        var version = (await GradebookAsync(admin, e.Section))["settingsVersion"]!.GetValue<string>();

        using var toTwenty = await admin.PutAsJsonAsync($"/api/v1/sections/{e.Section}/gradebook/scale", new { scaleId = Scale("0–20"), version });
        await toTwenty.JsonAsync();
        var book = await GradebookAsync(admin, e.Section);
        Assert.Equal("0–20", book["scale"]!["name"]!.GetValue<string>());
        // 20 × 87.1% = 17.42 → 17; 20 × 76.2% = 15.24 → 15.
        Assert.Equal(("17", "15", "20"), (Grade(book, e.Ann), Grade(book, e.Bob), Grade(book, e.Cal)));

        using var toPercent = await admin.PutAsJsonAsync($"/api/v1/sections/{e.Section}/gradebook/scale", new { scaleId = Scale("Percentage") });
        await toPercent.JsonAsync();
        Assert.Equal("87.1%", Grade(await GradebookAsync(admin, e.Section), e.Ann));

        // A scale of another school is refused at its field.
        var elsewhere = await GradebookWorld.CreateAsync(app, admin);
        var strangerSection = await elsewhere.ClassAsync(app, admin, elsewhere.Teacher, "9Z", []);
        await GradebookAsync(admin, strangerSection); // the other school's scales are made when its first gradebook opens
        var foreign = await app.QueryAsync(db => db.GradeScales.Where(s => s.SchoolId == elsewhere.School).Select(s => s.Id).FirstAsync());
        using var refused = await admin.PutAsJsonAsync($"/api/v1/sections/{e.Section}/gradebook/scale", new { scaleId = foreign });
        await refused.ProblemAsync(HttpStatusCode.BadRequest, "scaleId");
        Assert.Equal("Percentage", (await GradebookAsync(admin, e.Section))["scale"]!["name"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task A_category_changed_by_someone_else_is_not_overwritten_and_an_empty_one_is_deleted(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await GradebookWorld.CreateAsync(app, admin);
        var section = await w.ClassAsync(app, admin, w.Teacher, "9B Maths", []);
        using var created = await admin.PostAsJsonAsync($"/api/v1/sections/{section}/grade-categories", new { name = "Quizzes", weight = 10 });
        var category = (await created.JsonAsync(HttpStatusCode.Created))["id"]!.GetValue<int>();
        var etag = created.Headers.ETag!.Tag;

        using var first = await admin.SendAsync(Put($"/api/v1/grade-categories/{category}", etag, new { name = "Quizzes", weight = 15 }));
        await first.JsonAsync();
        using var stale = await admin.SendAsync(Put($"/api/v1/grade-categories/{category}", etag, new { name = "Quizzes", weight = 99 }));
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(15m, (await GradebookAsync(admin, section))["categories"]![0]!["weight"]!.GetValue<decimal>());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/grade-categories/{category}")).StatusCode);
        Assert.Empty((await GradebookAsync(admin, section))["categories"]!.AsArray());
    }

    [Theory, AllProviders]
    public async Task Deleting_an_assessment_removes_its_marks_from_the_grade(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var e = await ExampleAsync(app, admin);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/assessments/{e.T1}")).StatusCode);

        // Ann's tests are now all excused: only homework counts (80%). Bob's tests: 70/100.
        // (20 × 100 + 50 × 70) / 70 = 78.57 → 78.6 → C+.
        var book = await GradebookAsync(admin, e.Section);
        Assert.DoesNotContain(book["assessments"]!.AsArray(), a => a!["id"]!.GetValue<int>() == e.T1);
        Assert.Null(MarkOf(book, e.Ann, e.T1));
        Assert.Equal((80m, "B-"), (Percent(book, e.Ann), Grade(book, e.Ann)));
        Assert.Equal((78.6m, "C+"), (Percent(book, e.Bob), Grade(book, e.Bob)));
        Assert.Equal(0, await app.QueryAsync(db => db.Marks.CountAsync(m => m.AssessmentId == e.T1)));
    }

    [Theory, AllProviders]
    public async Task A_new_schools_gradebooks_opened_and_set_up_by_several_at_once_answer_each_of_them(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await GradebookWorld.CreateAsync(app, admin);
        var first = await w.ClassAsync(app, admin, w.Teacher, "9A Maths", []);
        var second = await w.ClassAsync(app, admin, w.Teacher, "9B Maths", []);

        // The school's scales and each gradebook's settings are made on first need: by whichever request comes first.
        var opened = await Task.WhenAll(new[] { first, second, first, second }.Select(s => admin.GetAsync($"/api/v1/sections/{s}/gradebook")));
        var added = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => admin.PostAsJsonAsync($"/api/v1/sections/{second}/grade-categories", new { name = $"Category {i}", weight = i })));

        Assert.All(opened, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(added, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(5, await app.QueryAsync(db => db.GradeScales.CountAsync(s => s.SchoolId == w.School)));
        Assert.Equal(1, await app.QueryAsync(db => db.SectionGradebooks.CountAsync(g => g.SectionId == second)));
        Assert.Equal(4, (await GradebookAsync(admin, second))["categories"]!.AsArray().Count);
        foreach (var response in opened.Concat(added))
        {
            response.Dispose();
        }
    }

    public static TheoryData<DatabaseProvider, string, string> BadSetup()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, """{"name":"Classwork","weight":-10}""", "weight");
            data.Add(provider, """{"name":"Classwork","weight":1001}""", "weight");
            data.Add(provider, """{"name":"Classwork"}""", "weight");
            data.Add(provider, """{"name":"  ","weight":10}""", "name");
            data.Add(provider, """{"name":"Tests","weight":10}""", "name");
            data.Add(provider, """{"name":"Classwork","weight":10,"dropLowest":11}""", "dropLowest");
            data.Add(provider, """{"name":"Classwork","weight":"ten"}""", "weight");
        }

        return data;
    }

    [Theory, MemberData(nameof(BadSetup))]
    public async Task A_bad_category_is_refused_at_its_field_and_nothing_is_stored(DatabaseProvider provider, string body, string field)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var e = await ExampleAsync(app, admin);
        var before = await GradebookAsync(admin, e.Section);

        using var response = await admin.PostAsync($"/api/v1/sections/{e.Section}/grade-categories", Http.Json(body));

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before["categories"]!.ToJsonString(), (await GradebookAsync(admin, e.Section))["categories"]!.ToJsonString());
    }

    [Theory, AllProviders]
    public async Task A_weight_edited_to_below_zero_is_refused_and_the_grades_stand(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var e = await ExampleAsync(app, admin);
        var before = await GradebookAsync(admin, e.Section);
        var etag = ETagOf(CategoryIn(before, e.Tests));

        using var response = await admin.SendAsync(Put($"/api/v1/grade-categories/{e.Tests}", etag, new { name = "Tests", weight = -10 }));

        await response.ProblemAsync(HttpStatusCode.BadRequest, "weight");
        var after = await GradebookAsync(admin, e.Section);
        Assert.Equal(before["categories"]!.ToJsonString(), after["categories"]!.ToJsonString());
        Assert.Equal((87.1m, "B+"), (Percent(after, e.Ann), Grade(after, e.Ann)));
    }

    [Theory, AllProviders]
    public async Task A_category_in_use_is_not_deleted(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var e = await ExampleAsync(app, admin);

        var refused = await (await admin.DeleteAsync($"/api/v1/grade-categories/{e.Tests}")).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("Tests", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var book = await GradebookAsync(admin, e.Section);
        Assert.Contains(book["categories"]!.AsArray(), c => c!["id"]!.GetValue<int>() == e.Tests);
        Assert.Equal(2, book["assessments"]!.AsArray().Count(a => a!["categoryId"]!.GetValue<int>() == e.Tests));
        Assert.Equal((87.1m, "B+"), (Percent(book, e.Ann), Grade(book, e.Ann)));
    }

    [Theory, AllProviders]
    public async Task The_maximum_of_an_assessment_cannot_go_below_a_mark_already_given(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var e = await ExampleAsync(app, admin);
        var etag = ETagOf(AssessmentIn(await GradebookAsync(admin, e.Section), e.T1));

        // Cal has 50 and Ann 45 of 50: a maximum of 40 would leave two marks above it.
        using var response = await admin.SendAsync(Put($"/api/v1/assessments/{e.T1}", etag, new { title = "T1", date = "2031-10-01", maxPoints = 40, categoryId = e.Tests }));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "maxPoints");
        Assert.Contains("2 mark(s)", problem["errors"]!["maxPoints"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var book = await GradebookAsync(admin, e.Section);
        Assert.Equal(50m, AssessmentIn(book, e.T1)["maxPoints"]!.GetValue<decimal>());
        Assert.Equal((87.1m, "B+"), (Percent(book, e.Ann), Grade(book, e.Ann)));

        // Raised instead, the marks stay and are worth less: Ann's tests 45/60 = 75%; (20 × 80 + 50 × 75) / 70 = 76.4 → C.
        using var raised = await admin.SendAsync(Put($"/api/v1/assessments/{e.T1}", etag, new { title = "T1", date = "2031-10-01", maxPoints = 60, categoryId = e.Tests }));
        Assert.Equal(60m, (await raised.JsonAsync())["maxPoints"]!.GetValue<decimal>());
        var later = await GradebookAsync(admin, e.Section);
        Assert.Equal((76.4m, "C"), (Percent(later, e.Ann), Grade(later, e.Ann)));

        // Marks are compared as numbers: 9 and 6 are below 12 (as text "9" would sort after "12").
        using var hw1 = await admin.SendAsync(Put($"/api/v1/assessments/{e.Hw1}", ETagOf(AssessmentIn(later, e.Hw1)), new { title = "HW1", date = "2031-09-10", maxPoints = 12, categoryId = e.Homework }));
        Assert.Equal(12m, (await hw1.JsonAsync())["maxPoints"]!.GetValue<decimal>());
    }

    [Theory, AllProviders]
    public async Task An_assessment_in_a_category_of_another_section_is_refused(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var e = await ExampleAsync(app, admin);
        var other = await e.World.ClassAsync(app, admin, e.World.Teacher, "9C Maths", []);
        var before = await GradebookAsync(admin, other);

        using var response = await admin.PostAsJsonAsync($"/api/v1/sections/{other}/assessments", new { title = "Borrowed", date = Day, maxPoints = 10, categoryId = e.Tests });

        await response.ProblemAsync(HttpStatusCode.BadRequest, "categoryId");
        Assert.Equal(before["assessments"]!.ToJsonString(), (await GradebookAsync(admin, other))["assessments"]!.ToJsonString());
    }
}
