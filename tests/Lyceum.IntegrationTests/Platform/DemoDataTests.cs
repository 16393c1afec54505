using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Platform;

[Collection("app")]
public sealed class DemoDataTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Every_demo_student_has_guardians_and_five_to_eight_enrolments(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);

        // Only the demo's own students (the demo gives each a school address): other tests add students of their own.
        var students = await app.QueryAsync(db => db.Students
            .Where(s => s.Email != null && s.Email.Contains("@students."))
            .Select(s => new { s.Id, s.StudentNumber, s.SchoolId, Guardians = s.Guardians.Count, Enrolments = s.Enrollments.Count })
            .ToListAsync());

        Assert.All(students, s => Assert.InRange(s.Enrolments, 5, 8));
        Assert.All(students, s => Assert.InRange(s.Guardians, 1, 2));
        Assert.Equal(students.Count, students.Select(s => (s.SchoolId, s.StudentNumber)).Distinct().Count());
        // Both ends of the range occur, not only the middle.
        Assert.True(students.Select(s => s.Enrolments).Distinct().Count() >= 3);
    }

    [Theory, AllProviders]
    public async Task The_demo_timetable_has_no_clash_for_students_teachers_or_rooms(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);

        // The demo school's timetable only: other tests add schools of their own to the same database.
        var demo = await app.QueryAsync(db => db.Schools.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());
        var meetings = await app.QueryAsync(db => db.SectionMeetings
            .Join(db.Sections.Where(s => s.Course!.SchoolId == demo), m => m.SectionId, s => s.Id, (m, s) => new { m.SectionId, m.Day, m.PeriodId, s.TeacherId, s.RoomId })
            .ToListAsync());
        var enrolments = await app.QueryAsync(db => db.Enrollments.Select(e => new { e.StudentId, e.SectionId }).ToListAsync());

        Assert.NotEmpty(meetings);
        Assert.DoesNotContain(meetings.GroupBy(m => (m.TeacherId, m.Day, m.PeriodId)), g => g.Count() > 1);
        Assert.DoesNotContain(meetings.GroupBy(m => (m.RoomId, m.Day, m.PeriodId)), g => g.Count() > 1);
        var slotsOfSection = meetings.ToLookup(m => m.SectionId, m => (m.Day, m.PeriodId));
        var studentSlots = enrolments.SelectMany(e => slotsOfSection[e.SectionId].Select(slot => (e.StudentId, slot)));
        Assert.DoesNotContain(studentSlots.GroupBy(x => x), g => g.Count() > 1);
    }

    [Theory, AllProviders]
    public async Task The_demo_school_has_its_sites_a_year_of_terms_and_students_placed_in_it(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var school = await app.QueryAsync(db => db.Schools.OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());

        var branches = await app.QueryAsync(db => db.Branches.Where(b => b.SchoolId == school).Select(b => b.Name).ToListAsync());
        var terms = await app.QueryAsync(db => db.Terms.CountAsync(t => t.AcademicYear!.SchoolId == school));
        var unplaced = await app.QueryAsync(db => db.Students.CountAsync(s => s.SchoolId == school && s.Email != null && s.Email.Contains("@students.") && s.AcademicYearId == null));

        Assert.Contains("Main site", branches);
        Assert.True(branches.Count >= 2);
        Assert.True(terms >= 3, $"{terms} terms");
        Assert.Equal(0, unplaced);
    }

    [Theory, AllProviders]
    public async Task The_same_seed_gives_the_same_school(DatabaseProvider provider)
    {
        var settings = new Dictionary<string, string?> { ["Lyceum:Demo:Students"] = "30", ["Lyceum:Demo:Seed"] = "42" };
        await using var a = await (await LyceumApp.CreateAsync(provider, settings)).StartAsync();
        await using var b = await (await LyceumApp.CreateAsync(provider, settings)).StartAsync();
        await using var c = await (await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>(settings) { ["Lyceum:Demo:Seed"] = "43" })).StartAsync();

        static Task<List<string>> People(LyceumApp app) => app.QueryAsync(db => db.Students
            .OrderBy(s => s.StudentNumber)
            .Select(s => s.StudentNumber + " " + s.FirstName + " " + s.LastName + " " + s.DateOfBirth + " " + s.FormGroup)
            .ToListAsync());

        Assert.Equal(await People(a), await People(b));
        Assert.NotEqual(await People(a), await People(c));
        Assert.Equal(
            await a.QueryAsync(db => db.Staff.OrderBy(s => s.StaffNumber).Select(s => s.LastName + s.JobTitle).ToListAsync()),
            await b.QueryAsync(db => db.Staff.OrderBy(s => s.StaffNumber).Select(s => s.LastName + s.JobTitle).ToListAsync()));

        // The gradebooks too: the same work, the same marks, the same comments.
        static async Task<List<string>> Grades(LyceumApp app)
        {
            var marks = await app.QueryAsync(db => db.Marks
                .Select(m => new { m.Assessment!.Section!.Name, m.Assessment.Title, m.Assessment.Date, m.Assessment.PublishedAt, m.Student!.StudentNumber, m.Status, m.Points })
                .ToListAsync());
            var comments = await app.QueryAsync(db => db.TermGrades
                .Select(t => new { t.Section!.Name, t.Student!.StudentNumber, t.Comment, t.OverrideGrade }).ToListAsync());
            return [.. marks.Select(m => $"{m.Name} {m.Title} {m.Date} {m.PublishedAt:O} {m.StudentNumber} {m.Status} {m.Points}")
                .Concat(comments.Select(c => $"{c.Name} {c.StudentNumber} {c.Comment} {c.OverrideGrade}")).Order(StringComparer.Ordinal)];
        }

        Assert.Equal(await Grades(a), await Grades(b));
    }
}
