using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Attendance;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Attendance;

/// <summary>The demo school's term of registers so far (made as if today were <see cref="DemoTermFixture.Today"/>).</summary>
[Collection("app")]
public sealed class AttendanceDemoTests(DemoTermFixture term)
{
    private static readonly DateOnly Today = DemoTermFixture.Today;

    [Theory, AllProviders]
    public async Task Every_lesson_of_every_past_school_day_has_its_register_and_today_has_none_yet(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var termStart = await app.QueryAsync(db => db.Sections.Select(s => s.Term!.StartDate).FirstAsync());
        var dailyYears = await app.QueryAsync(db => db.YearGroupRegistrations
            .Where(y => y.Mode == RegistrationMode.Daily).Select(y => y.YearGroup).ToListAsync());
        var meetings = await app.QueryAsync(db => db.SectionMeetings
            .Join(db.Sections, m => m.SectionId, s => s.Id, (m, s) => new { m.SectionId, m.Day, m.PeriodId, s.Course!.YearGroup })
            .ToListAsync());
        var forms = await app.QueryAsync(db => db.Students.Where(s => dailyYears.Contains(s.YearGroup))
            .Select(s => s.FormGroup!).Distinct().ToListAsync());
        var registers = await app.QueryAsync(db => db.Registers
            .Select(r => new { r.Date, r.SectionId, r.PeriodId, r.FormGroup, r.Session, r.Slot }).ToListAsync());

        var schoolDays = Enumerable.Range(0, Today.DayNumber - termStart.DayNumber).Select(termStart.AddDays)
            .Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToList();
        var expectedLessons = schoolDays
            .SelectMany(d => meetings.Where(m => m.Day == d.DayOfWeek && !dailyYears.Contains(m.YearGroup!.Value)).Select(m => (d, m.SectionId, m.PeriodId)))
            .Order().ToList();
        var expectedDaily = schoolDays.SelectMany(d => forms.SelectMany(f => new[] { (d, f, DaySession.AM), (d, f, DaySession.PM) }))
            .Order().ToList();

        Assert.True(schoolDays.Count >= 50, $"{schoolDays.Count} school days");
        Assert.Single(dailyYears);
        Assert.All(registers, r => Assert.InRange(r.Date, termStart, Today.AddDays(-1)));
        Assert.DoesNotContain(registers, r => r.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.Equal(expectedLessons, registers.Where(r => r.SectionId is not null).Select(r => (r.Date, r.SectionId!.Value, r.PeriodId!.Value)).Order());
        Assert.Equal(expectedDaily, registers.Where(r => r.FormGroup is not null).Select(r => (r.Date, r.FormGroup!, r.Session!.Value)).Order());
        Assert.Equal(registers.Count, registers.Select(r => r.Slot).Distinct().Count());
    }

    [Theory, AllProviders]
    public async Task Every_register_has_one_mark_for_each_student_on_its_roll_that_day(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var registers = await app.QueryAsync(db => db.Registers.Select(r => new { r.Id, r.Date, r.SectionId, r.FormGroup }).ToListAsync());
        var marks = (await app.QueryAsync(db => db.AttendanceMarks.Select(m => new { m.RegisterId, m.StudentId, m.Date }).ToListAsync()))
            .ToLookup(m => m.RegisterId);
        var enrolments = (await app.QueryAsync(db => db.Enrollments.Select(e => new { e.SectionId, e.StudentId, e.EnrolledOn, e.WithdrawnOn }).ToListAsync()))
            .ToLookup(e => e.SectionId);
        var forms = (await app.QueryAsync(db => db.Students.Select(s => new { s.Id, s.FormGroup, s.AdmittedOn }).ToListAsync()))
            .ToLookup(s => s.FormGroup);

        Assert.NotEmpty(registers);
        Assert.All(registers, r =>
        {
            var roll = r.SectionId is { } section
                ? enrolments[section].Where(e => e.EnrolledOn <= r.Date && (e.WithdrawnOn is null || e.WithdrawnOn > r.Date)).Select(e => e.StudentId)
                : forms[r.FormGroup].Where(s => s.AdmittedOn <= r.Date).Select(s => s.Id);
            Assert.NotEmpty(marks[r.Id]);
            Assert.Equal(roll.Order(), marks[r.Id].Select(m => m.StudentId).Order());
            Assert.All(marks[r.Id], m => Assert.Equal(r.Date, m.Date));
        });
    }

    [Theory, AllProviders]
    public async Task A_few_students_are_persistently_absent_and_more_are_absent_on_Mondays_and_Fridays(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var marks = await Marks(app);

        var absenceByStudent = marks.GroupBy(m => m.StudentId).Select(g => g.Count(Absent) / (double)g.Count()).ToList();
        var persistent = absenceByStudent.Count(r => r >= 0.1);
        static double Rate(IEnumerable<Mark> ms) => ms.Count(Absent) / (double)ms.Count();
        var monFri = Rate(marks.Where(m => m.Date.DayOfWeek is DayOfWeek.Monday or DayOfWeek.Friday));
        var midweek = Rate(marks.Where(m => m.Date.DayOfWeek is DayOfWeek.Tuesday or DayOfWeek.Wednesday or DayOfWeek.Thursday));

        Assert.InRange(absenceByStudent.Count, 50, 70);
        Assert.InRange(persistent, 2, absenceByStudent.Count * 15 / 100);
        Assert.Contains(absenceByStudent, r => r >= 0.2);
        Assert.InRange(1 - Rate(marks), 0.93, 0.98);
        Assert.True(monFri > midweek * 1.15, $"Mondays and Fridays {monFri:P2}, Tuesday to Thursday {midweek:P2}");
    }

    [Theory, AllProviders]
    public async Task Absences_are_mostly_whole_days_and_mostly_unauthorised_with_some_lates_and_visits(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var marks = await Marks(app);

        var absentDays = marks.GroupBy(m => (m.StudentId, m.Date)).Where(g => g.Any(Absent)).ToList();
        var wholeDays = absentDays.Count(g => g.All(Absent));
        var lates = marks.Where(m => m.Code == "L").ToList();

        Assert.True(wholeDays > absentDays.Count * 0.7, $"{wholeDays} of {absentDays.Count} days with an absence are whole days");
        Assert.True(marks.Count(m => m.Code == "N") > marks.Count(m => m.Code is "M" or "E"));
        Assert.Contains(marks, m => m.Code == "M");
        Assert.Contains(marks, m => m.Code == "E");
        Assert.NotEmpty(lates);
        Assert.All(lates, m => Assert.InRange(m.LateMinutes ?? 0, 1, 20));
        Assert.Contains(lates, m => m.Note is not null);
        Assert.Contains(lates, m => m.Note is null);
        Assert.DoesNotContain(marks, m => m.Code != "L" && m.LateMinutes is not null);
        Assert.InRange(marks.Where(m => m.Code == "V").Select(m => m.Date).Distinct().Count(), 1, 6);
    }

    [Theory, AllProviders]
    public async Task One_year_group_registers_daily_with_a_teacher_as_tutor_of_each_form(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var modes = await app.QueryAsync(db => db.YearGroupRegistrations.ToDictionaryAsync(y => y.YearGroup, y => y.Mode));
        var daily = modes.Single(m => m.Value == RegistrationMode.Daily).Key;
        var forms = await app.QueryAsync(db => db.Students.Where(s => s.YearGroup == daily).Select(s => s.FormGroup!).Distinct().ToListAsync());
        var tutors = await app.QueryAsync(db => db.FormTutors
            .Select(t => new { t.FormGroup, Name = t.StaffMember!.FirstName + " " + t.StaffMember.LastName, t.StaffMember.DepartmentId }).ToListAsync());
        var takers = await app.QueryAsync(db => db.Registers.Where(r => r.FormGroup != null)
            .Select(r => new { r.FormGroup, r.TakenBy, r.SectionId, r.PeriodId }).Distinct().ToListAsync());
        var dailySections = await app.QueryAsync(db => db.Registers.CountAsync(r => r.Section!.Course!.YearGroup == daily));

        Assert.Equal([7, 8, 9, 10, 11], modes.Keys.Order());
        Assert.Equal(7, daily);
        Assert.Equal(forms.Order(), tutors.Select(t => t.FormGroup).Order());
        Assert.All(tutors, t => Assert.NotNull(t.DepartmentId));
        Assert.All(takers, r => Assert.Equal(tutors.Single(t => t.FormGroup == r.FormGroup).Name, r.TakenBy));
        Assert.All(takers, r => Assert.Null(r.SectionId ?? r.PeriodId));
        Assert.Equal(0, dailySections);
    }

    private static bool Absent(Mark mark) => mark.Category is AttendanceCategory.Absent or AttendanceCategory.Excused;

    private static Task<List<Mark>> Marks(LyceumApp app) => app.QueryAsync(db => db.AttendanceMarks
        .Where(m => m.Code!.CountsAsPossible)
        .Select(m => new Mark(m.StudentId, m.Date, m.Code!.Code, m.Code.Category, m.LateMinutes, m.Note))
        .ToListAsync());

    private sealed record Mark(int StudentId, DateOnly Date, string Code, AttendanceCategory Category, int? LateMinutes, string? Note);
}
