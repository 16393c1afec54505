using System.Net;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Gradebook.GradebookWorld;

namespace Lyceum.IntegrationTests.Modules.Gradebook;

/// <summary>
/// Saving marks through PUT /sections/{id}/marks: all or nothing, a bad cell named by its place in the batch, and two
/// teachers of one class never losing each other's marks (a cell changed since it was read is a 409 with its value).
/// </summary>
[Collection("app")]
public sealed class MarksTests(AppFixture fixture)
{
    /// <summary>A class of Ann and Bob with a test out of 10 in a Tests category, led by the world's teacher.</summary>
    private sealed record Scene(GradebookWorld World, int Section, int Tests, int Test, int Ann, int Bob);

    private static async Task<Scene> SceneAsync(LyceumApp app, HttpClient admin)
    {
        var w = await GradebookWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Adams");
        var bob = await w.StudentAsync(app, "Bob", "Brown");
        var section = await w.ClassAsync(app, admin, w.Teacher, "9A Maths", [ann, bob]);
        var tests = await CategoryAsync(admin, section, "Tests", 100);
        var test = await AssessmentAsync(admin, section, tests, "Fractions test", 10);
        return new Scene(w, section, tests, test, ann, bob);
    }

    public static TheoryData<DatabaseProvider, string, string> BadCells()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            // Ann's cell is valid (5 → 7 from the version read) and would be saved but for the bad cell beside it.
            data.Add(provider, """[{ann7},{"assessmentId":{test},"studentId":{bob},"points":11}]""", "marks[1].points");
            data.Add(provider, """[{ann7},{"assessmentId":{test},"studentId":{bob},"points":-1}]""", "marks[1].points");
            data.Add(provider, """[{ann7},{"assessmentId":{test},"studentId":{bob},"points":"abc"}]""", "marks[1].points");
            data.Add(provider, """[{ann7},{"assessmentId":{test},"studentId":{bob},"points":7.125}]""", "marks[1].points");
            data.Add(provider, """[{ann7},{"assessmentId":{test},"studentId":{bob},"status":"scored"}]""", "marks[1].points");
            data.Add(provider, """[{ann7},{"assessmentId":{test},"studentId":{bob},"status":"excused","points":3}]""", "marks[1].points");
            data.Add(provider, """[{ann7},{"assessmentId":{test},"studentId":{bob},"status":"absent"}]""", "marks[1].status");
            data.Add(provider, """[{"assessmentId":{test},"studentId":{stranger},"points":5},{ann7}]""", "marks[0].studentId");
            data.Add(provider, """[{"assessmentId":{foreign},"studentId":{ann},"points":5},{ann7}]""", "marks[0].assessmentId");
            data.Add(provider, """[{ann7},{ann7}]""", "marks[1]");
            data.Add(provider, """[]""", "marks");
        }

        return data;
    }

    [Theory, MemberData(nameof(BadCells))]
    public async Task A_bad_cell_refuses_the_whole_save_at_its_field_and_nothing_is_stored(DatabaseProvider provider, string template, string field)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        await SavedAsync(admin, s.Section, new Cell(s.Test, s.Ann, 5));
        var before = await GradebookAsync(admin, s.Section);
        var stranger = await s.World.StudentAsync(app, "Sam", "Stranger");
        var otherSection = await s.World.ClassAsync(app, admin, s.World.Teacher, "9B Maths", [s.Ann]);
        var foreign = await AssessmentAsync(admin, otherSection, await CategoryAsync(admin, otherSection, "Tests", 100), "Their test", 10);
        var ann7 = $$"""{"assessmentId":{{s.Test}},"studentId":{{s.Ann}},"points":7,"version":"{{VersionOf(before, s.Ann, s.Test)}}"}""";
        var marks = template.Replace("{ann7}", ann7, StringComparison.Ordinal)
            .Replace("{test}", s.Test.ToString(), StringComparison.Ordinal)
            .Replace("{foreign}", foreign.ToString(), StringComparison.Ordinal)
            .Replace("{ann}", s.Ann.ToString(), StringComparison.Ordinal)
            .Replace("{bob}", s.Bob.ToString(), StringComparison.Ordinal)
            .Replace("{stranger}", stranger.ToString(), StringComparison.Ordinal);
        var marksBefore = await app.QueryAsync(db => db.Marks.CountAsync());

        using var response = await admin.PutAsync($"/api/v1/sections/{s.Section}/marks", Http.Json($$"""{"marks":{{marks}}}"""));

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        var after = await GradebookAsync(admin, s.Section);
        Assert.Equal(Cells(before), Cells(after));
        Assert.Equal(5m, PointsOf(after, s.Ann, s.Test));
        Assert.Null(MarkOf(after, s.Bob, s.Test));
        Assert.Equal(marksBefore, await app.QueryAsync(db => db.Marks.CountAsync()));
        Assert.Equal("", Cells(await GradebookAsync(admin, otherSection)));
    }

    [Theory, AllProviders]
    public async Task Two_teachers_of_a_class_saving_different_cells_from_the_same_read_both_keep_their_marks(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        var (leadStaff, leadClient) = await s.World.StaffWithAccountAsync(app, "Lena", "Lead");
        var (co, coClient) = await s.World.StaffWithAccountAsync(app, "Cody", "Co");
        using var lead = leadClient;
        using var coTeacher = coClient;
        var section = await s.World.ClassAsync(app, admin, leadStaff, "9L Maths", [s.Ann, s.Bob]);
        await CoTeachAsync(app, section, co);
        var test = await AssessmentAsync(lead, section, await CategoryAsync(lead, section, "Tests", 100), "Algebra test", 10);
        await SavedAsync(lead, section, new Cell(test, s.Ann, 5), new Cell(test, s.Bob, 6));

        var leadsRead = await GradebookAsync(lead, section);
        var cosRead = await GradebookAsync(coTeacher, section);
        Assert.True(cosRead["canEdit"]!.GetValue<bool>());
        var saved = await SavedAsync(lead, section, new Cell(test, s.Ann, 7, Version: VersionOf(leadsRead, s.Ann, test)));
        await SavedAsync(coTeacher, section, new Cell(test, s.Bob, 8, Version: VersionOf(cosRead, s.Bob, test)));

        Assert.Equal(1, saved["changed"]!.GetValue<int>());
        var book = await GradebookAsync(admin, section);
        Assert.Equal((7m, 8m), (PointsOf(book, s.Ann, test), PointsOf(book, s.Bob, test)));
        Assert.Equal("Lena Lead", MarkOf(book, s.Ann, test)!["by"]!.GetValue<string>());
        Assert.Equal("Cody Co", MarkOf(book, s.Bob, test)!["by"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task The_second_teacher_to_change_a_cell_gets_a_conflict_with_the_first_ones_mark_and_can_then_overwrite_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        var (lead, leadClient) = await s.World.StaffWithAccountAsync(app, "Lena", "Lead");
        var (co, coClient) = await s.World.StaffWithAccountAsync(app, "Cody", "Co");
        using var leadTeacher = leadClient;
        using var coTeacher = coClient;
        var section = await s.World.ClassAsync(app, admin, lead, "9L Maths", [s.Ann, s.Bob]);
        await CoTeachAsync(app, section, co);
        var test = await AssessmentAsync(leadTeacher, section, await CategoryAsync(leadTeacher, section, "Tests", 100), "Algebra test", 10);
        await SavedAsync(leadTeacher, section, new Cell(test, s.Ann, 5));
        var read = await GradebookAsync(coTeacher, section);
        var readVersion = VersionOf(read, s.Ann, test);

        var first = await SavedAsync(leadTeacher, section, new Cell(test, s.Ann, 7, Version: readVersion));
        var firstVersion = Guid.Parse(first["marks"]![0]!["version"]!.GetValue<string>());
        // Both typing the same value is no conflict: nothing to lose.
        var same = await SavedAsync(coTeacher, section, new Cell(test, s.Ann, 7, Version: readVersion));
        Assert.Equal(0, same["changed"]!.GetValue<int>());
        // A different value from the stale read, with a valid cell beside it: refused whole, the current value returned.
        using var second = await SaveAsync(coTeacher, section, new Cell(test, s.Bob, 4), new Cell(test, s.Ann, 9, Version: readVersion));
        var problem = await second.ProblemAsync(HttpStatusCode.Conflict);

        var conflict = Assert.Single(problem["conflicts"]!.AsArray())!;
        Assert.Equal((test, s.Ann), (conflict["assessmentId"]!.GetValue<int>(), conflict["studentId"]!.GetValue<int>()));
        Assert.Equal(7m, conflict["points"]!.GetValue<decimal>());
        Assert.Equal("scored", conflict["status"]!.GetValue<string>());
        Assert.Equal("Lena Lead", conflict["by"]!.GetValue<string>());
        Assert.Equal(firstVersion, Guid.Parse(conflict["version"]!.GetValue<string>()));
        var book = await GradebookAsync(admin, section);
        Assert.Equal(7m, PointsOf(book, s.Ann, test));
        Assert.Null(MarkOf(book, s.Bob, test));

        // Having seen the first teacher's mark, the second sends it again with the current version: it is saved.
        await SavedAsync(coTeacher, section, new Cell(test, s.Bob, 4), new Cell(test, s.Ann, 9, Version: firstVersion));
        book = await GradebookAsync(admin, section);
        Assert.Equal((9m, 4m), (PointsOf(book, s.Ann, test), PointsOf(book, s.Bob, test)));
        Assert.Equal("Cody Co", MarkOf(book, s.Ann, test)!["by"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task Two_first_marks_for_one_empty_cell_are_a_conflict_too(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);

        await SavedAsync(admin, s.Section, new Cell(s.Test, s.Ann, 6));
        using var second = await SaveAsync(admin, s.Section, new Cell(s.Test, s.Ann, 8)); // no version: "I saw it empty"

        var conflict = Assert.Single((await second.ProblemAsync(HttpStatusCode.Conflict))["conflicts"]!.AsArray())!;
        Assert.Equal(6m, conflict["points"]!.GetValue<decimal>());
        Assert.Equal(6m, PointsOf(await GradebookAsync(admin, s.Section), s.Ann, s.Test));
    }

    [Theory, AllProviders]
    public async Task Retrying_an_identical_save_changes_nothing(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        Cell[] cells = [new(s.Test, s.Ann, 7.5m), new(s.Test, s.Bob, null, "missing")];

        var first = await SavedAsync(admin, s.Section, cells);
        var auditAfterFirst = await app.QueryAsync(db => db.AuditEntries.CountAsync());
        var retry = await SavedAsync(admin, s.Section, cells);

        Assert.Equal(2, first["changed"]!.GetValue<int>());
        Assert.Equal(0, retry["changed"]!.GetValue<int>());
        // The same cells, versions and all (PostgreSQL may write 7.5 back as 7.50: compared as numbers).
        Assert.Equal(Saved(first), Saved(retry));
        Assert.Equal(auditAfterFirst, await app.QueryAsync(db => db.AuditEntries.CountAsync()));
        var book = await GradebookAsync(admin, s.Section);
        Assert.Equal(7.5m, PointsOf(book, s.Ann, s.Test));
        Assert.Equal("missing", MarkOf(book, s.Bob, s.Test)!["status"]!.GetValue<string>());
    }

    private static List<(int, int, string?, decimal?, string?)> Saved(JsonNode result) =>
        [.. result["marks"]!.AsArray().Select(m => (m!["assessmentId"]!.GetValue<int>(), m["studentId"]!.GetValue<int>(), m["status"]?.GetValue<string>(),
            m["points"]?.GetValue<decimal>(), m["version"]?.GetValue<string>()))];

    [Theory, AllProviders]
    public async Task A_cell_is_cleared_with_no_status_and_no_points(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        var saved = await SavedAsync(admin, s.Section, new Cell(s.Test, s.Ann, 7), new Cell(s.Test, s.Bob, 3));
        var annVersion = Guid.Parse(saved["marks"]![0]!["version"]!.GetValue<string>());

        var cleared = await SavedAsync(admin, s.Section, new Cell(s.Test, s.Ann, null, Version: annVersion));

        Assert.Equal(1, cleared["changed"]!.GetValue<int>());
        Assert.Null(cleared["marks"]![0]!["version"]);
        var book = await GradebookAsync(admin, s.Section);
        Assert.Null(MarkOf(book, s.Ann, s.Test));
        Assert.Equal(3m, PointsOf(book, s.Bob, s.Test));
        Assert.Null(Grade(book, s.Ann));
    }

    [Theory, AllProviders]
    public async Task Ten_saves_at_once_of_different_cells_all_land(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);
        var students = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            students.Add(await s.World.StudentAsync(app, $"Pupil{i}", "Many"));
        }

        var section = await s.World.ClassAsync(app, admin, s.World.Teacher, "9M Maths", [.. students]);
        var category = await CategoryAsync(admin, section, "Tests", 100);
        int[] tests = [await AssessmentAsync(admin, section, category, "Test A", 10), await AssessmentAsync(admin, section, category, "Test B", 10)];
        var cells = tests.SelectMany((t, ti) => students.Select((st, si) => new Cell(t, st, (ti * 5) + si))).ToList();

        var responses = await Task.WhenAll(cells.Select(c => SaveAsync(admin, section, c)));

        try
        {
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        }
        finally
        {
            foreach (var r in responses)
            {
                r.Dispose();
            }
        }

        var book = await GradebookAsync(admin, section);
        Assert.All(cells, c => Assert.Equal(c.Points, PointsOf(book, c.StudentId, c.AssessmentId)));
        Assert.Equal(10, await app.QueryAsync(db => db.Marks.CountAsync(m => tests.Contains(m.AssessmentId))));
    }

    [Theory, AllProviders]
    public async Task Of_several_first_marks_for_one_cell_at_once_one_is_kept_and_the_others_are_told(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var s = await SceneAsync(app, admin);

        var responses = await Task.WhenAll(Enumerable.Range(1, 5).Select(p => SaveAsync(admin, s.Section, new Cell(s.Test, s.Ann, p))));

        var outcomes = new List<(HttpStatusCode Status, JsonNode Body)>();
        foreach (var r in responses)
        {
            using (r)
            {
                outcomes.Add((r.StatusCode, JsonNode.Parse(await r.Content.ReadAsStringAsync())!));
            }
        }

        var won = Assert.Single(outcomes, o => o.Status == HttpStatusCode.OK);
        Assert.All(outcomes.Where(o => o.Status != HttpStatusCode.OK), o => Assert.Equal(HttpStatusCode.Conflict, o.Status));
        var kept = won.Body["marks"]![0]!["points"]!.GetValue<decimal>();
        Assert.Equal(kept, PointsOf(await GradebookAsync(admin, s.Section), s.Ann, s.Test));
        Assert.All(outcomes.Where(o => o.Status == HttpStatusCode.Conflict), o => Assert.Equal(kept, o.Body["conflicts"]![0]!["points"]!.GetValue<decimal>()));
    }
}
