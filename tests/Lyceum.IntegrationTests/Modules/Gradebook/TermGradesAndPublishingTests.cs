using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Gradebook.GradebookWorld;

namespace Lyceum.IntegrationTests.Modules.Gradebook;

/// <summary>
/// Term grades set by hand (with the reason) and publishing: students and guardians see an assessment's marks only once
/// it is published, and a term grade only as the snapshot last published; each publication tells them once.
/// </summary>
[Collection("app")]
public sealed class TermGradesAndPublishingTests(AppFixture fixture)
{
    /// <summary>
    /// Ann (who signs in, and whose guardian does) and Bob in the class of a teacher who signs in; one category, a test
    /// and a quiz out of 50 each. Ann: test 40 (80%); Bob: test 30; nothing on the quiz yet.
    /// </summary>
    private sealed record Scene(
        GradebookWorld World, int Section, int Test, int Quiz, int Ann, int Bob, HttpClient Teacher, HttpClient AnnClient, Guid Parent, HttpClient ParentClient)
        : IDisposable
    {
        public void Dispose()
        {
            Teacher.Dispose();
            AnnClient.Dispose();
            ParentClient.Dispose();
        }
    }

    private static async Task<Scene> SceneAsync(LyceumApp app, HttpClient admin)
    {
        var w = await GradebookWorld.CreateAsync(app, admin);
        var (ann, annClient) = await w.StudentWithAccountAsync(app, "Ann", "Archer");
        var bob = await w.StudentAsync(app, "Bob", "Baker");
        var (parent, parentClient) = await w.GuardianOfAsync(app, ann);
        var (teacher, teacherClient) = await w.StaffWithAccountAsync(app, "Tess", "Teach");
        var section = await w.ClassAsync(app, admin, teacher, "9A Maths", [ann, bob]);
        var category = await CategoryAsync(teacherClient, section, "Tests", 100);
        var test = await AssessmentAsync(teacherClient, section, category, "Fractions test", 50, "2031-10-01");
        var quiz = await AssessmentAsync(teacherClient, section, category, "Decimals quiz", 50, "2031-10-08");
        await SavedAsync(teacherClient, section, new Cell(test, ann, 40), new Cell(test, bob, 30));
        return new Scene(w, section, test, quiz, ann, bob, teacherClient, annClient, parent, parentClient);
    }

    private static Task<HttpResponseMessage> SetTermGradeAsync(HttpClient client, int section, int student, object body) =>
        client.PutAsJsonAsync($"/api/v1/sections/{section}/term-grades/{student}", body);

    [Theory, AllProviders]
    public async Task A_term_grade_set_by_hand_needs_a_reason_and_keeps_the_computed_one_beside_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var s = await SceneAsync(app, admin);
        var before = await GradebookAsync(s.Teacher, s.Section);
        Assert.Equal((80m, "B-"), (Percent(before, s.Ann), Grade(before, s.Ann)));

        await (await SetTermGradeAsync(s.Teacher, s.Section, s.Ann, new { overrideGrade = "A" })).ProblemAsync(HttpStatusCode.BadRequest, "overrideReason");
        await (await SetTermGradeAsync(s.Teacher, s.Section, s.Ann, new { overrideGrade = "A", overrideReason = "   " })).ProblemAsync(HttpStatusCode.BadRequest, "overrideReason");
        var notOnScale = await (await SetTermGradeAsync(s.Teacher, s.Section, s.Ann, new { overrideGrade = "E", overrideReason = "Resit" }))
            .ProblemAsync(HttpStatusCode.BadRequest, "overrideGrade");
        Assert.Contains("A+", notOnScale["errors"]!["overrideGrade"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        await (await SetTermGradeAsync(s.Teacher, s.Section, s.Ann, new { overrideGrade = "85", overrideReason = "Resit" })).ProblemAsync(HttpStatusCode.BadRequest, "overrideGrade");
        var unchanged = await GradebookAsync(s.Teacher, s.Section);
        Assert.Equal(Row(before, s.Ann)["term"]!.ToJsonString(), Row(unchanged, s.Ann)["term"]!.ToJsonString());
        Assert.Equal(0, await app.QueryAsync(db => db.TermGrades.CountAsync(t => t.SectionId == s.Section)));

        using var set = await SetTermGradeAsync(s.Teacher, s.Section, s.Ann, new { overrideGrade = "a-", overrideReason = "Resit after illness: 46/50", comment = "A strong recovery." });
        var term = await set.JsonAsync();

        Assert.Equal(("A-", "A-", "B-"), (term["grade"]!.GetValue<string>(), term["overrideGrade"]!.GetValue<string>(), term["computedGrade"]!.GetValue<string>()));
        var book = await GradebookAsync(s.Teacher, s.Section);
        var annsTerm = Row(book, s.Ann)["term"]!;
        Assert.Equal("A-", annsTerm["grade"]!.GetValue<string>());
        Assert.Equal(80m, annsTerm["percent"]!.GetValue<decimal>());
        Assert.Equal("Resit after illness: 46/50", annsTerm["overrideReason"]!.GetValue<string>());
        Assert.Equal("A strong recovery.", annsTerm["comment"]!.GetValue<string>());
        Assert.Equal(1, book["statistics"]!["distribution"]!.AsArray().Single(d => d!["grade"]!.GetValue<string>() == "A-")!["count"]!.GetValue<int>());

        // A save from a stale read (it saw no term grade) is refused; with the version read, the override is taken back.
        await (await SetTermGradeAsync(s.Teacher, s.Section, s.Ann, new { comment = "Overwritten?" })).ProblemAsync(HttpStatusCode.Conflict);
        using var back = await SetTermGradeAsync(s.Teacher, s.Section, s.Ann, new { comment = "A strong recovery.", version = annsTerm["version"]!.GetValue<string>() });
        var computed = await back.JsonAsync();
        Assert.Equal("B-", computed["grade"]!.GetValue<string>());
        Assert.Null(computed["overrideGrade"]);
        Assert.Null(computed["overrideReason"]);
    }

    [Theory, AllProviders]
    public async Task A_student_not_in_the_class_has_no_term_grade_to_set(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var s = await SceneAsync(app, admin);
        var stranger = await s.World.StudentAsync(app, "Sam", "Stranger");

        await (await SetTermGradeAsync(s.Teacher, s.Section, stranger, new { overrideGrade = "A", overrideReason = "x" })).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await app.QueryAsync(db => db.TermGrades.CountAsync(t => t.StudentId == stranger)));
    }

    [Theory, AllProviders]
    public async Task Marks_reach_the_student_and_guardian_only_when_published_and_each_is_told_once(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var s = await SceneAsync(app, admin);
        var annUser = await app.QueryAsync(db => db.Students.Where(x => x.Id == s.Ann).Select(x => x.UserId!.Value).SingleAsync());

        foreach (var viewer in new[] { s.AnnClient, s.ParentClient })
        {
            var grades = await GradesAsync(viewer, s.Ann);
            Assert.True(grades["publishedOnly"]!.GetValue<bool>());
            Assert.Empty(MarksShown(grades, s.Section));
            Assert.Null(SectionOf(grades, s.Section)!["grade"]);
            Assert.Null(SectionOf(grades, s.Section)!["percent"]);
        }

        Assert.Empty((await (await s.ParentClient.GetAsync("/api/v1/notifications")).JsonAsync())["items"]!.AsArray());

        using var published = await s.Teacher.PostAsync($"/api/v1/assessments/{s.Test}/publish", null);
        Assert.NotNull((await published.JsonAsync())["publishedAt"]);

        foreach (var viewer in new[] { s.AnnClient, s.ParentClient })
        {
            var shown = Assert.Single(MarksShown(await GradesAsync(viewer, s.Ann), s.Section))!;
            Assert.Equal(("Fractions test", 40m, 50m), (shown["title"]!.GetValue<string>(), shown["points"]!.GetValue<decimal>(), shown["maxPoints"]!.GetValue<decimal>()));
            Assert.True(shown["published"]!.GetValue<bool>());
        }

        // One event per student with a mark; the guardian's and the student's own accounts are told.
        var events = await app.QueryAsync(db => db.OutboxMessages.Where(m => m.Type == EventTypes.GradePublished && m.SchoolId == s.World.School).ToListAsync());
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Contains($"\"assessmentId\":{s.Test}", e.Payload, StringComparison.Ordinal));
        Assert.Single(events, e => e.Payload.Contains($"\"studentId\":{s.Ann}", StringComparison.Ordinal));
        Assert.Single(events, e => e.Payload.Contains($"\"studentId\":{s.Bob}", StringComparison.Ordinal));
        var note = Assert.Single((await (await s.ParentClient.GetAsync("/api/v1/notifications")).JsonAsync())["items"]!.AsArray())!;
        Assert.Equal(EventTypes.GradePublished, note["type"]!.GetValue<string>());
        Assert.Contains("Ann", note["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Fractions test", note["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("40 / 50", note["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"/students/{s.Ann}?tab=grades", note["link"]!.GetValue<string>());
        Assert.Equal(1, await app.QueryAsync(db => db.Notifications.CountAsync(n => n.UserId == annUser && n.Type == EventTypes.GradePublished)));

        // Publishing again sends nothing more.
        using var again = await s.Teacher.PostAsync($"/api/v1/assessments/{s.Test}/publish", null);
        await again.JsonAsync();
        Assert.Equal(2, await app.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Type == EventTypes.GradePublished && m.SchoolId == s.World.School)));
        Assert.Single((await (await s.ParentClient.GetAsync("/api/v1/notifications")).JsonAsync())["items"]!.AsArray());

        // A mark on the unpublished quiz stays hidden; taking the test back hides it again.
        await SavedAsync(s.Teacher, s.Section, new Cell(s.Quiz, s.Ann, 50));
        Assert.DoesNotContain(MarksShown(await GradesAsync(s.AnnClient, s.Ann), s.Section), m => m!["assessmentId"]!.GetValue<int>() == s.Quiz);
        using var unpublished = await s.Teacher.PostAsync($"/api/v1/assessments/{s.Test}/unpublish", null);
        Assert.Null((await unpublished.JsonAsync())["publishedAt"]);
        Assert.Empty(MarksShown(await GradesAsync(s.ParentClient, s.Ann), s.Section));
    }

    [Theory, AllProviders]
    public async Task A_published_term_grade_is_a_snapshot_until_it_is_published_again(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var s = await SceneAsync(app, admin);
        using var comment = await SetTermGradeAsync(s.Teacher, s.Section, s.Ann, new { comment = "Keep it up." });
        await comment.JsonAsync();
        Assert.Null(SectionOf(await GradesAsync(s.AnnClient, s.Ann), s.Section)!["grade"]);
        Assert.Null(SectionOf(await GradesAsync(s.AnnClient, s.Ann), s.Section)!["comment"]);

        var first = await (await s.Teacher.PostAsync($"/api/v1/sections/{s.Section}/term-grades/publish", null)).JsonAsync();

        Assert.Equal((2, 0), (first["published"]!.GetValue<int>(), first["unchanged"]!.GetValue<int>()));
        foreach (var viewer in new[] { s.AnnClient, s.ParentClient })
        {
            var shown = SectionOf(await GradesAsync(viewer, s.Ann), s.Section)!;
            Assert.Equal(("B-", 80m), (shown["grade"]!.GetValue<string>(), shown["percent"]!.GetValue<decimal>()));
            Assert.True(shown["published"]!.GetValue<bool>());
            Assert.Equal("Keep it up.", shown["comment"]!.GetValue<string>());
        }

        Assert.Equal(2, await TermEventsAsync(app, s));
        var note = (await (await s.ParentClient.GetAsync("/api/v1/notifications")).JsonAsync())["items"]!.AsArray()
            .Single(n => n!["type"]!.GetValue<string>() == EventTypes.TermGradePublished)!;
        Assert.Contains("B-", note["body"]!.GetValue<string>(), StringComparison.Ordinal);

        // A new mark (the quiz, 50/50) changes the live grade to 90% (A-): staff see it, the family still the snapshot.
        await SavedAsync(s.Teacher, s.Section, new Cell(s.Quiz, s.Ann, 50));
        var live = await GradebookAsync(s.Teacher, s.Section);
        Assert.Equal((90m, "A-"), (Percent(live, s.Ann), Grade(live, s.Ann)));
        Assert.Equal("B-", Row(live, s.Ann)["term"]!["publishedGrade"]!.GetValue<string>());
        var staffView = SectionOf(await GradesAsync(s.Teacher, s.Ann), s.Section)!;
        Assert.Equal("A-", staffView["grade"]!.GetValue<string>());
        Assert.Equal(2, MarksShown(await GradesAsync(s.Teacher, s.Ann), s.Section).Count);
        foreach (var viewer in new[] { s.AnnClient, s.ParentClient })
        {
            var shown = SectionOf(await GradesAsync(viewer, s.Ann), s.Section)!;
            Assert.Equal(("B-", 80m), (shown["grade"]!.GetValue<string>(), shown["percent"]!.GetValue<decimal>()));
        }

        // Published again: only Ann's grade changed, so only Ann is told.
        var second = await (await s.Teacher.PostAsync($"/api/v1/sections/{s.Section}/term-grades/publish", null)).JsonAsync();
        Assert.Equal((1, 1), (second["published"]!.GetValue<int>(), second["unchanged"]!.GetValue<int>()));
        foreach (var viewer in new[] { s.AnnClient, s.ParentClient })
        {
            var shown = SectionOf(await GradesAsync(viewer, s.Ann), s.Section)!;
            Assert.Equal(("A-", 90m), (shown["grade"]!.GetValue<string>(), shown["percent"]!.GetValue<decimal>()));
        }

        Assert.Equal(3, await TermEventsAsync(app, s));
        var third = await (await s.Teacher.PostAsync($"/api/v1/sections/{s.Section}/term-grades/publish", null)).JsonAsync();
        Assert.Equal((0, 2), (third["published"]!.GetValue<int>(), third["unchanged"]!.GetValue<int>()));
        Assert.Equal(3, await TermEventsAsync(app, s));
        Assert.Equal(2, (await (await s.ParentClient.GetAsync("/api/v1/notifications")).JsonAsync())["items"]!.AsArray()
            .Count(n => n!["type"]!.GetValue<string>() == EventTypes.TermGradePublished));

        // Taken back, the family sees no term grade.
        await (await s.Teacher.PostAsync($"/api/v1/sections/{s.Section}/term-grades/unpublish", null)).JsonAsync();
        Assert.Null(SectionOf(await GradesAsync(s.AnnClient, s.Ann), s.Section)!["grade"]);
    }

    [Theory, AllProviders]
    public async Task An_override_is_what_gets_published_and_without_a_percentage(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var s = await SceneAsync(app, admin);
        using var set = await SetTermGradeAsync(s.Teacher, s.Section, s.Ann, new { overrideGrade = "B", overrideReason = "Coursework moderated" });
        await set.JsonAsync();

        using var publish = await s.Teacher.PostAsJsonAsync($"/api/v1/sections/{s.Section}/term-grades/publish", new { studentIds = new[] { s.Ann } });
        Assert.Equal(1, (await publish.JsonAsync())["published"]!.GetValue<int>());

        var shown = SectionOf(await GradesAsync(s.ParentClient, s.Ann), s.Section)!;
        Assert.Equal("B", shown["grade"]!.GetValue<string>());
        Assert.Null(shown["percent"]);
        Assert.Equal(1, await TermEventsAsync(app, s));

        // Only students of the class can be named.
        var stranger = await s.World.StudentAsync(app, "Sam", "Stranger");
        using var refused = await s.Teacher.PostAsJsonAsync($"/api/v1/sections/{s.Section}/term-grades/publish", new { studentIds = new[] { stranger } });
        await refused.ProblemAsync(HttpStatusCode.BadRequest, "studentIds");
        Assert.Equal(1, await TermEventsAsync(app, s));
    }

    [Theory, AllProviders]
    public async Task Of_several_first_term_grade_saves_at_once_one_is_kept_and_the_others_are_told(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var s = await SceneAsync(app, admin);

        var responses = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => SetTermGradeAsync(s.Teacher, s.Section, s.Ann, new { comment = $"Comment {i}" })));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        var winner = Array.Find(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.True(statuses.Count(c => c == HttpStatusCode.OK) == 1 && statuses.Count(c => c == HttpStatusCode.Conflict) == 4, string.Join(", ", statuses));
        var kept = (await winner!.JsonAsync())["comment"]!.GetValue<string>();
        Assert.Equal(kept, Row(await GradebookAsync(s.Teacher, s.Section), s.Ann)["term"]!["comment"]!.GetValue<string>());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory, AllProviders]
    public async Task Publishing_at_the_same_moment_twice_tells_each_student_once(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        using var s = await SceneAsync(app, admin);

        var terms = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => s.Teacher.PostAsync($"/api/v1/sections/{s.Section}/term-grades/publish", null)));
        var marks = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => s.Teacher.PostAsync($"/api/v1/assessments/{s.Test}/publish", null)));

        // Term grades: every request answers, and the two students are published once between them.
        var published = 0;
        foreach (var response in terms)
        {
            using (response)
            {
                published += (await response.JsonAsync())["published"]!.GetValue<int>();
            }
        }

        Assert.Equal(2, published);
        Assert.Equal(2, await TermEventsAsync(app, s));
        // Marks: the first publication wins; one that raced it may be told of the conflict, never a failure.
        var statuses = marks.Select(r => r.StatusCode).ToList();
        Assert.All(statuses, c => Assert.Contains(c, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Equal(2, await app.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Type == EventTypes.GradePublished && m.SchoolId == s.World.School)));
        Assert.Single(MarksShown(await GradesAsync(s.ParentClient, s.Ann), s.Section));
        foreach (var response in marks)
        {
            response.Dispose();
        }
    }

    private static Task<int> TermEventsAsync(LyceumApp app, Scene s) =>
        app.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Type == EventTypes.TermGradePublished && m.SchoolId == s.World.School));
}
