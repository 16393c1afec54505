using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Attendance;
using Lyceum.Modules.Behaviour;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Behaviour;

/// <summary>The demo school's term of incidents and detentions so far (made as if today were <see cref="DemoTermFixture.Today"/>).</summary>
[Collection("app")]
public sealed class BehaviourDemoTests(DemoTermFixture term)
{
    private static readonly DateOnly Today = DemoTermFixture.Today;

    [Theory, AllProviders]
    public async Task Incidents_happen_in_lessons_of_past_school_days_reported_by_the_class_teacher(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(await app.QueryAsync(db => db.Schools.Select(s => s.TimeZone).SingleAsync()));
        var incidents = await Incidents(app);
        var sections = await app.QueryAsync(db => db.Sections.ToDictionaryAsync(s => s.Id, s => s.TeacherId));
        var meetings = (await app.QueryAsync(db => db.SectionMeetings
            .Select(m => new { m.SectionId, m.Day, m.Period!.StartTime, m.Period.EndTime }).ToListAsync())).ToLookup(m => m.SectionId);
        var enrolled = (await app.QueryAsync(db => db.Enrollments.Select(e => new { e.SectionId, e.StudentId }).ToListAsync()))
            .Select(e => (e.SectionId, e.StudentId)).ToHashSet();

        Assert.NotEmpty(incidents);
        Assert.All(incidents, i =>
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(i.OccurredAt, zone);
            var (date, time) = (DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
            Assert.True(date < Today);
            Assert.Contains(meetings[i.SectionId!.Value], m => m.Day == date.DayOfWeek && m.StartTime <= time && time < m.EndTime);
            Assert.Equal(sections[i.SectionId.Value], i.ReporterId);
            Assert.InRange(i.Students.Count, 1, 3);
            Assert.All(i.Students, s => Assert.Contains((i.SectionId.Value, s.StudentId), enrolled));
            Assert.All(i.Students, s => Assert.Equal(i.Polarity == BehaviourPolarity.Positive ? i.Points : -i.Points, s.Points));
            Assert.True(i.Points > 0);
        });
    }

    [Theory, AllProviders]
    public async Task Students_in_an_incident_were_in_school_that_day(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(await app.QueryAsync(db => db.Schools.Select(s => s.TimeZone).SingleAsync()));
        var away = (await app.QueryAsync(db => db.AttendanceMarks
                .Where(m => m.Code!.Category == AttendanceCategory.Absent || m.Code.Category == AttendanceCategory.Excused || m.Code.Code == "V")
                .Select(m => new { m.StudentId, m.Date }).Distinct().ToListAsync()))
            .Select(m => (m.StudentId, m.Date)).ToHashSet();
        var involved = (await Incidents(app))
            .SelectMany(i => i.Students.Select(s => (s.StudentId, DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(i.OccurredAt, zone))))).ToList();

        Assert.NotEmpty(away);
        Assert.DoesNotContain(involved, away.Contains);
    }

    [Theory, AllProviders]
    public async Task Most_incidents_are_positive_and_negative_ones_vary_in_kind_and_severity(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var incidents = await Incidents(app);
        var negatives = incidents.Where(i => i.Polarity == BehaviourPolarity.Negative).ToList();

        Assert.InRange(incidents.Count(i => i.Polarity == BehaviourPolarity.Positive) / (double)incidents.Count, 0.5, 0.7);
        Assert.True(negatives.Select(i => i.TypeId).Distinct().Count() >= 4);
        Assert.True(negatives.Select(i => i.Severity).Distinct().Count() >= 3);
        Assert.Contains(incidents, i => i.Students.Count > 1);
        // Negative points fall on a few: the fifth of students with most have at least half of them.
        var byStudent = negatives.SelectMany(i => i.Students).GroupBy(s => s.StudentId).Select(g => -g.Sum(s => s.Points)).OrderDescending().ToList();
        Assert.True(byStudent.Take(12).Sum() * 2 >= byStudent.Sum(), $"{byStudent.Take(12).Sum()} of {byStudent.Sum()}");
    }

    [Theory, AllProviders]
    public async Task A_few_students_have_negative_incidents_growing_in_frequency_and_severity(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var termStart = await app.QueryAsync(db => db.Sections.Select(s => s.Term!.StartDate).FirstAsync());
        var middle = termStart.ToDateTime(TimeOnly.MinValue).AddDays((Today.DayNumber - termStart.DayNumber) / 2.0);
        var negatives = (await Incidents(app)).Where(i => i.Polarity == BehaviourPolarity.Negative)
            .SelectMany(i => i.Students.Select(s => (s.StudentId, i.OccurredAt, i.Severity)));

        var escalating = negatives.GroupBy(n => n.StudentId).Where(g =>
        {
            var early = g.Where(n => n.OccurredAt < middle).ToList();
            var late = g.Where(n => n.OccurredAt >= middle).ToList();
            return early.Count >= 1 && late.Count >= 2 * early.Count + 2 && late.Average(n => n.Severity) > early.Average(n => n.Severity) + 0.5;
        }).Select(g => g.Key).ToList();

        Assert.InRange(escalating.Count, 3, 6);
    }

    [Theory, AllProviders]
    public async Task Detentions_never_overlap_for_their_supervisor_and_past_ones_are_settled(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var detentions = await app.QueryAsync(db => db.Detentions.ToListAsync());
        var rule = await app.QueryAsync(db => db.BehaviourRules.SingleAsync());

        Assert.NotNull(rule.DetentionSupervisorId);
        Assert.NotNull(rule.DetentionRoomId);
        Assert.All(detentions.GroupBy(d => (d.SupervisorId, d.Date)), day =>
        {
            var sittings = day.OrderBy(d => d.StartTime).ToList();
            Assert.All(sittings.Zip(sittings.Skip(1)), pair => Assert.True(pair.First.EndTime <= pair.Second.StartTime,
                $"Supervisor {day.Key.SupervisorId} on {day.Key.Date}: {pair.First.StartTime}-{pair.First.EndTime} and {pair.Second.StartTime}"));
        });
        Assert.All(detentions.Where(d => d.Date < Today), d => Assert.Contains(d.Status, new[] { DetentionStatus.Completed, DetentionStatus.Missed }));
        Assert.All(detentions.Where(d => d.Date >= Today), d => Assert.Equal(DetentionStatus.Scheduled, d.Status));
        Assert.True(detentions.Count(d => d.Status == DetentionStatus.Scheduled) >= 2);
        Assert.Contains(detentions, d => d.Status == DetentionStatus.Missed);
        Assert.True(detentions.Count(d => d.Status == DetentionStatus.Completed) > detentions.Count(d => d.Status == DetentionStatus.Missed));
        Assert.Contains(detentions, d => d.IncidentId is not null);
        Assert.Contains(detentions, d => d.RuleId == rule.Id && d.SupervisorId == rule.DetentionSupervisorId && d.RoomId == rule.DetentionRoomId);
    }

    [Theory, AllProviders]
    public async Task The_rule_fired_exactly_where_its_incidents_say_with_a_detention_each_time(DatabaseProvider provider)
    {
        var app = await term.App(provider);
        var rule = await app.QueryAsync(db => db.BehaviourRules.SingleAsync());
        var firings = await app.QueryAsync(db => db.RuleFirings.ToListAsync());
        var detentions = await app.QueryAsync(db => db.Detentions.Where(d => d.RuleId != null).ToDictionaryAsync(d => d.Id));
        var negatives = (await Incidents(app)).Where(i => i.Polarity == BehaviourPolarity.Negative)
            .SelectMany(i => i.Students.Select(s => (s.StudentId, i.OccurredAt)));

        // Replay the rule: N negative incidents within the window fire it, and counting starts again after a firing.
        var expected = new List<(int, DateTime)>();
        foreach (var student in negatives.GroupBy(n => n.StudentId))
        {
            var window = new List<DateTime>();
            foreach (var at in student.Select(n => n.OccurredAt).Order())
            {
                window.RemoveAll(w => w <= at.AddDays(-rule.WindowDays));
                window.Add(at);
                if (window.Count >= rule.Threshold)
                {
                    expected.Add((student.Key, at));
                    window.Clear();
                }
            }
        }

        Assert.Equal(BehaviourRuleMeasure.Incidents, rule.Measure);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), firings.Select(f => (f.StudentId, f.FiredAt)).Order());
        Assert.All(firings, f =>
        {
            var detention = detentions[f.DetentionId!.Value];
            Assert.Equal(f.StudentId, detention.StudentId);
            Assert.True(detention.Date > DateOnly.FromDateTime(f.FiredAt));
        });
        Assert.Equal(detentions.Keys.Order(), firings.Select(f => f.DetentionId!.Value).Order());
    }

    private static Task<List<Incident>> Incidents(LyceumApp app) =>
        app.QueryAsync(db => db.Incidents.AsNoTracking().Include(i => i.Students).ToListAsync());
}
