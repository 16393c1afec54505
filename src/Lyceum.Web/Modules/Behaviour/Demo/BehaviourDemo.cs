using Lyceum.Modules.Attendance.Demo;
using Lyceum.Platform.Data;
using Lyceum.Platform.Demo;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Behaviour.Demo;

/// <summary>
/// The current term's behaviour so far in a demo school: incidents in lessons on school days (about 60% positive,
/// reported by the class's teacher, now and then two or three students at once), a small share of students with most
/// of the negative ones, and three to five students whose negative incidents grow more frequent and more serious as
/// the term goes on. Serious incidents lead to a detention with the reporting teacher; the school's rule ("three
/// negative incidents in a week") fires where the incidents say it would, with its own detention and firing record.
/// Past detentions were completed or missed; those from the last days are still scheduled.
/// </summary>
/// <remarks>
/// A student who was away that day (see <see cref="AttendanceDemo.AwayKey"/>) is in no incident, and misses a
/// detention set for it. No supervisor has two detentions at once: a detention that would clash moves to the next day.
/// </remarks>
public sealed class BehaviourDemo : IDemoContributor
{
    private const double IncidentsPerStudentDay = 0.06;
    private const double PositiveShare = 0.6;
    private const int BatchIncidents = 500;

    private static readonly TimeOnly AfterSchool = new(15, 20);

    private static readonly Dictionary<string, string[]> Descriptions = new(StringComparer.Ordinal)
    {
        ["Excellent work"] = ["Excellent piece of written work", "Top mark in the class test", "Outstanding answer in the class discussion", "Beautifully presented classwork"],
        ["Helping others"] = ["Helped a classmate who was stuck", "Helped tidy the room after the practical", "Looked after a new student", "Explained the task to the group"],
        ["Outstanding effort"] = ["Worked hard all lesson", "Real perseverance on a difficult task", "Went well beyond what was asked", "Big improvement since last week"],
        ["Homework not done"] = ["Homework not handed in", "Homework incomplete", "Homework not done again"],
        ["Disruption in class"] = ["Talking over the teacher", "Repeatedly distracting others", "Out of seat without permission", "Using a phone in class"],
        ["Lateness to lesson"] = ["Arrived ten minutes late without a note", "Late back from break", "Late to the lesson again"],
        ["Defiance"] = ["Refused to follow instructions", "Refused to move seats when asked", "Walked out of the lesson", "Rude to a member of staff"],
        ["Bullying"] = ["Name-calling aimed at another student", "Unkind messages about a classmate", "Intimidating a younger student"],
    };

    private static readonly string[] CompletedNotes = ["Completed; apologised", "Completed the work set", "Completed, good attitude"];

    public int Order => 30;

    public async Task ContributeAsync(DemoSchool demo, LyceumDbContext db, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var t = await DemoTimetable.OfAsync(demo, db, cancellationToken);
        var schoolId = demo.School.Id;
        var random = new Random(demo.Faker.Random.Int());
        var away = demo.Items.TryGetValue(AttendanceDemo.AwayKey, out var days) ? (HashSet<(int, DateOnly)>)days : [];
        var staff = t.Staff.ToDictionary(s => s.Id);

        // 1. Incident types and the rule, whose detentions get a supervisor and a room.
        var types = await db.BehaviourTypes.AsNoTracking().Where(x => x.SchoolId == schoolId && x.ArchivedAt == null)
            .OrderBy(x => x.Id).ToListAsync(cancellationToken);
        if (types.Count == 0 && !await db.BehaviourTypes.AnyAsync(x => x.SchoolId == schoolId, cancellationToken))
        {
            types = [.. BehaviourDefaults.Types(schoolId)];
            db.BehaviourTypes.AddRange(types);
        }

        var rule = await db.BehaviourRules.Where(r => r.SchoolId == schoolId && r.ArchivedAt == null).OrderBy(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        if (rule is null && !await db.BehaviourRules.AnyAsync(r => r.SchoolId == schoolId, cancellationToken))
        {
            rule = BehaviourDefaults.Rule(schoolId);
            db.BehaviourRules.Add(rule);
        }

        var supervisor = t.Staff.FirstOrDefault(s => s.JobTitle == "Deputy Headteacher") ?? t.Staff.FirstOrDefault(s => s.Teaches);
        var classrooms = t.Rooms.Where(r => !r.Value.StartsWith("Sports", StringComparison.Ordinal)).OrderBy(r => r.Value, StringComparer.Ordinal).Select(r => r.Key).ToList();
        if (rule is { Action: BehaviourRuleAction.Detention, DetentionSupervisorId: null } && supervisor is not null)
        {
            rule.DetentionSupervisorId = supervisor.Id;
            rule.DetentionRoomId ??= classrooms.Count > 0 ? classrooms[random.Next(classrooms.Count)] : null;
        }

        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        var positives = types.Where(x => x.Polarity == BehaviourPolarity.Positive).ToList();
        var negatives = types.Where(x => x.Polarity == BehaviourPolarity.Negative).ToList();
        if (t.SchoolDays.Count == 0 || positives.Count == 0 || negatives.Count == 0 || staff.Count == 0)
        {
            return;
        }

        // 2. Who gets what: positive points spread evenly, negative ones on a few; escalating students follow a plan.
        var sectionsOf = t.Sections.SelectMany(s => s.Enrolments.Select(e => (Section: s, Enrolment: e)))
            .ToLookup(x => x.Enrolment.StudentId);
        var students = t.Students.Where(s => sectionsOf[s.Id].Any()).Select(s => s.Id).ToList();
        var lastDay = t.SchoolDays[^1];
        var escalating = students
            .Where(id => !away.Contains((id, lastDay)) && t.SchoolDays.Count(d => away.Contains((id, d))) <= t.SchoolDays.Count / 20)
            .OrderBy(_ => random.Next()).Take(3 + random.Next(3)).ToList();
        var positiveWeight = students.Select(_ => 0.5 + random.NextDouble()).ToArray();
        var negativeWeight = students.Select(id => escalating.Contains(id) ? 0 : random.NextDouble() switch
        {
            < 0.5 => 0.2,
            < 0.85 => 1.0,
            < 0.97 => 3.0,
            _ => 8.0,
        }).ToArray();
        var plans = escalating.ToDictionary(id => id, id => Escalation(t, id, away));
        var ladder = negatives.GroupBy(x => x.DefaultSeverity).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();

        // The escalating students' incidents are all negative: the others lean positive to keep the school's share.
        var planned = plans.Values.Sum(p => p.Count);
        var expected = students.Count * IncidentsPerStudentDay * t.SchoolDays.Count;
        var positiveChance = Math.Min(0.9, PositiveShare * (expected + planned) / expected);
        var made = new List<(Incident Incident, DateOnly Date, int? RoomId)>();
        for (var d = 0; d < t.SchoolDays.Count; d++)
        {
            var date = t.SchoolDays[d];
            var count = (int)Math.Round(students.Count * IncidentsPerStudentDay * (0.6 + random.NextDouble() * 0.8));
            for (var i = 0; i < count; i++)
            {
                var positive = random.NextDouble() < positiveChance;
                var student = students[Weighted(random, positive ? positiveWeight : negativeWeight)];
                if (away.Contains((student, date)) || LessonOf(student, date) is not { } lesson)
                {
                    continue;
                }

                var type = positive ? positives[Weighted(random, [.. positives.Select(x => x.DefaultSeverity == 1 ? 1.0 : 0.4)])]
                    : negatives[Weighted(random, [.. negatives.Select(x => x.DefaultSeverity switch { 1 => 1.0, 2 => 0.8, 3 => 0.3, _ => 0.06 })])];
                var group = new List<int> { student };
                if (type.DefaultSeverity < 4 && random.NextDouble() < 0.12)
                {
                    var classmates = lesson.Section.Enrolments
                        .Where(e => e.On(date) && e.StudentId != student && !away.Contains((e.StudentId, date)))
                        .Select(e => e.StudentId).OrderBy(_ => random.Next()).Take(1 + random.Next(2));
                    group.AddRange(classmates);
                }

                var bump = !positive && type.DefaultSeverity < 4 && random.NextDouble() < 0.1 ? 1 : 0;
                made.Add(NewIncident(date, lesson.Section, lesson.Meeting, type, group, bump));
            }

            foreach (var (student, plan) in plans)
            {
                if (plan.TryGetValue(d, out var progressThrough) && LessonOf(student, date) is { } lesson)
                {
                    // Homework and lateness early in the term, disruption by the middle, defiance at the end; the first
                    // of them ends with the most serious kind there is.
                    var step = Math.Min(progressThrough < 0.4 ? 0 : progressThrough < 0.75 ? 1 : 2, ladder.Count - 1);
                    var kinds = student == escalating[0] && d == t.SchoolDays.Count - 1 ? ladder[^1] : ladder[step];
                    made.Add(NewIncident(date, lesson.Section, lesson.Meeting, kinds[random.Next(kinds.Count)], [student], 0));
                }
            }
        }

        // 3. Detentions: the reporting teacher's for serious incidents, the rule's where it fires.
        var detentions = new List<(Detention Detention, Incident? Incident)>();
        var busy = new Dictionary<(string, int), List<(DateOnly Date, TimeOnly Start, TimeOnly End)>>();
        foreach (var (incident, date, roomId) in made.Where(m => m.Incident.Polarity == BehaviourPolarity.Negative))
        {
            var minutes = incident.Severity >= 3 ? 60 : incident.Severity == 2 && random.NextDouble() < 0.15 ? 30 : 0;
            foreach (var student in incident.Students.Select(s => s.StudentId).Where(_ => minutes > 0))
            {
                var reason = $"{types.First(x => x.Id == incident.TypeId).Name}: {incident.Description}";
                if (Book(student, incident.ReporterId!.Value, roomId, date, AfterSchool, minutes, reason, escalating.Contains(student)) is { } detention)
                {
                    detentions.Add((detention, incident));
                }
            }
        }

        var firings = new List<(RuleFiring Firing, Detention? Detention)>();
        if (rule is { Measure: BehaviourRuleMeasure.Incidents or BehaviourRuleMeasure.NegativePoints })
        {
            var counted = made.Where(m => m.Incident.Polarity == BehaviourPolarity.Negative && (rule.TypeId is null || m.Incident.TypeId == rule.TypeId))
                .SelectMany(m => m.Incident.Students.Select(s => (s.StudentId, m.Incident, m.Date)))
                .GroupBy(x => x.StudentId).OrderBy(g => g.Key);
            foreach (var student in counted)
            {
                // The rule counts within its window, and from zero again after each firing.
                var window = new List<Incident>();
                foreach (var (_, incident, date) in student.OrderBy(x => x.Incident.OccurredAt))
                {
                    window.RemoveAll(w => w.OccurredAt <= incident.OccurredAt.AddDays(-rule.WindowDays));
                    window.Add(incident);
                    if ((rule.Measure == BehaviourRuleMeasure.Incidents ? window.Count : window.Sum(w => w.Points)) < rule.Threshold)
                    {
                        continue;
                    }

                    window.Clear();
                    var detention = rule is { Action: BehaviourRuleAction.Detention, DetentionSupervisorId: { } ruleSupervisor }
                        ? Book(student.Key, ruleSupervisor, rule.DetentionRoomId, date, rule.DetentionStart ?? AfterSchool,
                            rule.DetentionMinutes ?? 30, rule.Name, escalating.Contains(student.Key))
                        : null;
                    if (detention is not null)
                    {
                        detention.RuleId = rule.Id;
                        detentions.Add((detention, null));
                    }

                    firings.Add((new RuleFiring { RuleId = rule.Id, StudentId = student.Key, FiredAt = incident.OccurredAt }, detention));
                }
            }
        }

        // 4. Saved in order, each step's keys known to the next.
        foreach (var batch in made.Select(m => m.Incident).Chunk(BatchIncidents))
        {
            db.ChangeTracker.Clear();
            db.Incidents.AddRange(batch);
            await db.SaveChangesAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
        foreach (var (detention, incident) in detentions)
        {
            detention.IncidentId = incident?.Id;
        }

        db.Detentions.AddRange(detentions.Select(d => d.Detention));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        foreach (var (firing, detention) in firings)
        {
            firing.DetentionId = detention?.Id;
        }

        db.RuleFirings.AddRange(firings.Select(f => f.Firing));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        progress.Report($"  behaviour: {made.Count} incidents ({made.Count(m => m.Incident.Polarity == BehaviourPolarity.Positive)} positive), "
            + $"{detentions.Count} detentions, {firings.Count} rule firings, {escalating.Count} students escalating");

        (DemoSection Section, DemoMeeting Meeting)? LessonOf(int student, DateOnly date)
        {
            var lessons = sectionsOf[student].Where(x => x.Enrolment.On(date))
                .SelectMany(x => x.Section.Meetings.Where(m => m.Day == date.DayOfWeek && t.Periods.ContainsKey(m.PeriodId)).Select(m => (x.Section, m)))
                .ToList();
            return lessons.Count == 0 ? null : lessons[random.Next(lessons.Count)];
        }

        (Incident, DateOnly, int?) NewIncident(DateOnly date, DemoSection section, DemoMeeting meeting, BehaviourType type, List<int> group, int bump)
        {
            var period = t.Periods[meeting.PeriodId];
            var minutes = (int)(period.End - period.Start).TotalMinutes;
            var teacher = staff[section.TeacherId];
            var points = type.DefaultPoints + bump;
            var sign = type.Polarity == BehaviourPolarity.Positive ? 1 : -1;
            var incident = new Incident
            {
                SchoolId = schoolId,
                TypeId = type.Id,
                Polarity = type.Polarity,
                Severity = Math.Min(4, type.DefaultSeverity + bump),
                Points = points,
                OccurredAt = t.ToUtc(date, period.Start.AddMinutes(random.Next(2, Math.Max(3, minutes - 2)))),
                Location = section.RoomId is { } room && t.Rooms.TryGetValue(room, out var name) ? name : null,
                Description = Descriptions.TryGetValue(type.Name, out var texts) ? texts[random.Next(texts.Length)] : null,
                SectionId = section.Id,
                ReporterId = teacher.Id,
                ReportedByUserId = teacher.UserId,
                Students = [.. group.Select(id => new IncidentStudent { StudentId = id, Points = sign * points })],
            };
            return (incident, date, section.RoomId);
        }

        // The first sitting after the incident's day at which neither the supervisor nor the student has a detention:
        // the usual time, or straight after one or two sittings then, or the next school day.
        Detention? Book(int student, int supervisorId, int? roomId, DateOnly after, TimeOnly usual, int minutes, string reason, bool repeat)
        {
            var mine = Busy("staff", supervisorId);
            var theirs = Busy("student", student);
            var (date, sitting) = (DemoTimetable.NextWeekday(after), 0);
            for (var tries = 0; tries < 30; tries++, (date, sitting) = sitting < 2 ? (date, sitting + 1) : (DemoTimetable.NextWeekday(date), 0))
            {
                var start = usual.AddMinutes(sitting * minutes);
                var end = start.AddMinutes(minutes);
                if (mine.Concat(theirs).Any(b => b.Date == date && b.Start < end && start < b.End))
                {
                    continue;
                }

                mine.Add((date, start, end));
                theirs.Add((date, start, end));
                var (status, note) = date >= demo.Today ? (DetentionStatus.Scheduled, null)
                    : away.Contains((student, date)) ? (DetentionStatus.Missed, "Absent from school that day")
                    : random.NextDouble() < (repeat ? 0.3 : 0.12) ? (DetentionStatus.Missed, "Did not attend")
                    : (DetentionStatus.Completed, random.NextDouble() < 0.3 ? CompletedNotes[random.Next(CompletedNotes.Length)] : null);
                return new Detention
                {
                    SchoolId = schoolId,
                    StudentId = student,
                    Date = date,
                    StartTime = start,
                    DurationMinutes = minutes,
                    RoomId = roomId,
                    SupervisorId = supervisorId,
                    Reason = reason.Length <= 500 ? reason : reason[..500],
                    Status = status,
                    Note = note,
                };
            }

            return null;
        }

        List<(DateOnly Date, TimeOnly Start, TimeOnly End)> Busy(string kind, int id) =>
            busy.TryGetValue((kind, id), out var list) ? list : busy[(kind, id)] = [];
    }

    /// <summary>
    /// The school days (by index, with how far through the term each is) on which an escalating student has a negative
    /// incident: sparse at first, denser towards the end, the last on the last school day.
    /// </summary>
    private static Dictionary<int, double> Escalation(DemoTimetable t, int student, HashSet<(int, DateOnly)> away)
    {
        var days = t.SchoolDays.Count;
        var count = Math.Min(days, Math.Clamp(days / 3, 3, 20));
        var plan = new Dictionary<int, double>();
        for (var k = count; k >= 1; k--)
        {
            var through = Math.Sqrt((double)k / count);
            var index = (int)Math.Round(through * (days - 1));
            while (index >= 0 && (plan.ContainsKey(index) || away.Contains((student, t.SchoolDays[index]))))
            {
                index--;
            }

            if (index >= 0)
            {
                plan[index] = through;
            }
        }

        return plan;
    }

    private static int Weighted(Random random, double[] weights)
    {
        var pick = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            pick -= weights[i];
            if (pick < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}
