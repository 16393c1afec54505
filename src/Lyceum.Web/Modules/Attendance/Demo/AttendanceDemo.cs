using Lyceum.Platform.Data;
using Lyceum.Platform.Demo;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Attendance.Demo;

/// <summary>
/// The current term's registers so far in a demo school: every lesson's register from the term's start to yesterday
/// (today's are left untaken, for the missing-registers view), except year 7, which takes daily AM and PM registers
/// per form with a form tutor. Attendance is about 95%, lower on Mondays and Fridays; 5–8% of students are persistent
/// absentees (some above 20%); absences are mostly whole days and mostly unauthorised, with some illness, medical
/// appointments, lates and a few educational visits.
/// </summary>
/// <remarks>
/// Written a week at a time and the tracker cleared after each, so a 600-student term (about 150,000 marks) neither
/// tracks everything at once nor keeps the start waiting long. Marks are not audited; each register is.
/// </remarks>
public sealed class AttendanceDemo : IDemoContributor
{
    /// <summary>
    /// Items key: the <c>(StudentId, Date)</c> pairs on which a student missed lessons (absent for any part of the day,
    /// or out on a visit), so that later contributors do not put them in a classroom that day.
    /// </summary>
    public const string AwayKey = "attendance.away";

    /// <summary>The year group that takes daily registers; the others take one at every lesson.</summary>
    public const int DailyYearGroup = 7;

    private const int DaysPerSave = 5;

    // Absence on each weekday relative to the week's average: Monday and Friday are when students stay away.
    private static readonly Dictionary<DayOfWeek, double> DayFactor = new()
    {
        [DayOfWeek.Monday] = 1.5,
        [DayOfWeek.Tuesday] = 0.75,
        [DayOfWeek.Wednesday] = 0.7,
        [DayOfWeek.Thursday] = 0.75,
        [DayOfWeek.Friday] = 1.6,
    };

    private static readonly string[] LateNotes =
        ["Bus was late", "Traffic on the way in", "Held up at the office", "Overslept", "Came from the medical room", "Kept back by the previous teacher"];

    private static readonly string[] MedicalNotes =
        ["Dentist", "Doctor's appointment", "Hospital appointment", "Orthodontist", "Optician"];

    private static readonly string[] UnexplainedNotes =
        ["No contact from home", "Parent phoned, no reason given", "Did not return after lunch"];

    private static readonly (string Subject, string Note)[] Visits =
    [
        ("GE", "Geography field trip"), ("SC", "Science museum visit"), ("DR", "Theatre trip"),
        ("HI", "Museum visit"), ("AR", "Gallery visit"), ("FR", "Language day at the university"),
    ];

    public int Order => 20;

    public async Task ContributeAsync(DemoSchool demo, LyceumDbContext db, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var t = await DemoTimetable.OfAsync(demo, db, cancellationToken);
        var schoolId = demo.School.Id;
        var random = new Random(demo.Faker.Random.Int());

        // 1. Codes, registration modes and form tutors.
        var codes = await db.AttendanceCodes.AsNoTracking().Where(c => c.SchoolId == schoolId)
            .ToDictionaryAsync(c => c.Code, c => c.Id, cancellationToken);
        if (codes.Count == 0)
        {
            var defaults = AttendanceDefaults.For(schoolId);
            db.AttendanceCodes.AddRange(defaults);
            await db.SaveChangesAsync(cancellationToken);
            codes = defaults.ToDictionary(c => c.Code, c => c.Id);
        }

        var code = new Codes(codes["/"], codes["N"], codes["L"], codes["E"], codes["M"], codes["V"]);
        var yearGroups = t.Students.Select(s => s.YearGroup).Distinct().Order().ToList();
        var daily = yearGroups.Contains(DailyYearGroup) ? DailyYearGroup : yearGroups.FirstOrDefault();
        db.YearGroupRegistrations.AddRange(yearGroups.Select(y => new YearGroupRegistration
        {
            SchoolId = schoolId,
            YearGroup = y,
            Mode = y == daily ? RegistrationMode.Daily : RegistrationMode.Lessons,
        }));
        var forms = t.Students.Where(s => s.YearGroup == daily && s.FormGroup is not null)
            .Select(s => s.FormGroup!).Distinct().Order(StringComparer.Ordinal).ToList();
        // A teacher with a demo sign-in tutors the first form, so that account has a daily register too.
        var teachers = t.Staff.Where(s => s.Teaches).OrderBy(s => s.UserId is null).ThenBy(_ => random.Next()).ToList();
        var tutors = teachers.Count == 0 ? [] : forms.Select((form, i) => (Form: form, Tutor: teachers[i % teachers.Count])).ToList();
        db.FormTutors.AddRange(tutors.Select(f => new FormTutor { SchoolId = schoolId, FormGroup = f.Form, StaffMemberId = f.Tutor.Id }));
        await db.SaveChangesAsync(cancellationToken);

        // 2. Who is away when: decided per student and day first, so a day's absence covers all its lessons.
        var pattern = Patterns(t, random);
        var away = Absences(t, random, code, pattern);
        var visits = PlanVisits(t, random);

        // 3. Registers, a week at a time.
        var staff = t.Staff.ToDictionary(s => s.Id);
        var periods = t.Periods.Values.OrderBy(p => p.Start).ToList();
        var firstOfHalf = new HashSet<int>(periods.Where(p => p.Morning).Take(1).Concat(periods.Where(p => !p.Morning).Take(1)).Select(p => p.Id));
        var amStart = periods.Count > 0 ? periods[0].Start.AddMinutes(-15) : new TimeOnly(8, 35);
        var pmStart = periods.FirstOrDefault(p => !p.Morning)?.Start.AddMinutes(-10) ?? new TimeOnly(13, 20);
        var lessonSections = t.Sections.Where(s => s.YearGroup != daily).ToList();
        var formMembers = forms.ToDictionary(f => f, f => t.Students.Where(s => s.YearGroup == daily && s.FormGroup == f).ToList());
        var marks = new Marker(random, code, away, visits, pattern);
        var (registerCount, markCount) = (0, 0);
        foreach (var week in t.SchoolDays.Chunk(DaysPerSave))
        {
            db.ChangeTracker.Clear();
            var registers = new List<(Register Register, List<AttendanceMark> Marks)>();
            foreach (var date in week)
            {
                foreach (var section in lessonSections)
                {
                    foreach (var meeting in section.Meetings.Where(m => m.Day == date.DayOfWeek))
                    {
                        if (!t.Periods.TryGetValue(meeting.PeriodId, out var period))
                        {
                            continue;
                        }

                        var teacher = staff[section.TeacherId];
                        registers.Add((new Register
                        {
                            SchoolId = schoolId,
                            Slot = Register.LessonSlot(section.Id, date, period.Id),
                            Date = date,
                            SectionId = section.Id,
                            PeriodId = period.Id,
                            TakenAt = t.ToUtc(date, period.Start.AddMinutes(random.Next(1, 9))),
                            TakenBy = teacher.Name,
                            TakenByUserId = teacher.UserId,
                        }, [.. section.Enrolments.Where(e => e.On(date))
                            .Select(e => marks.Mark(e.StudentId, date, period.Morning, firstOfHalf.Contains(period.Id), period.Start))]));
                    }
                }

                foreach (var (form, tutor) in tutors)
                {
                    foreach (var session in (DaySession[])[DaySession.AM, DaySession.PM])
                    {
                        var start = session == DaySession.AM ? amStart : pmStart;
                        registers.Add((new Register
                        {
                            SchoolId = schoolId,
                            Slot = Register.DailySlot(schoolId, form, date, session),
                            Date = date,
                            FormGroup = form,
                            Session = session,
                            TakenAt = t.ToUtc(date, start.AddMinutes(random.Next(0, 6))),
                            TakenBy = tutor.Name,
                            TakenByUserId = tutor.UserId,
                        }, [.. formMembers[form].Where(s => s.AdmittedOn <= date)
                            .Select(s => marks.Mark(s.Id, date, session == DaySession.AM, true, start))]));
                    }
                }
            }

            // Registers through EF (audited, keys generated); then their marks in bulk with the keys known.
            db.Registers.AddRange(registers.Select(r => r.Register));
            await db.SaveChangesAsync(cancellationToken);
            foreach (var (register, list) in registers)
            {
                list.ForEach(m => m.RegisterId = register.Id);
            }

            var written = registers.SelectMany(r => r.Marks).ToList();
            await DemoBulkInsert.InsertAsync(db, written, cancellationToken);
            registerCount += registers.Count;
            markCount += written.Count;
        }

        db.ChangeTracker.Clear();
        demo.Items[AwayKey] = away.Keys.Concat(visits.SelectMany(v => v.Value.Students.Select(s => (s, v.Key)))).ToHashSet();
        progress.Report($"  attendance: {registerCount} registers, {markCount} marks over {t.SchoolDays.Count} days; year {daily} registers daily ({forms.Count} forms)");
    }

    /// <summary>How often each student is absent or late: most rarely, 5–8% persistently (some above 20% of sessions).</summary>
    private static Dictionary<int, Pattern> Patterns(DemoTimetable t, Random random)
    {
        var students = t.Students;
        var persistent = (int)Math.Round(students.Count * (0.05 + random.NextDouble() * 0.03));
        var chosen = students.Select(s => s.Id).OrderBy(_ => random.Next()).Take(persistent).ToList();
        var patterns = new Dictionary<int, Pattern>();
        for (var i = 0; i < chosen.Count; i++)
        {
            // Two in five persistent absentees are severe (20–32%), the others 13–19%.
            var rate = i % 5 < 2 ? 0.2 + random.NextDouble() * 0.12 : 0.13 + random.NextDouble() * 0.06;
            patterns[chosen[i]] = new Pattern(rate, Truancy: 0.75, Late: 0.03);
        }

        foreach (var student in students.Where(s => !patterns.ContainsKey(s.Id)))
        {
            var kind = random.NextDouble();
            var rate = kind switch
            {
                < 0.45 => 0.002 + random.NextDouble() * 0.013,
                < 0.9 => 0.015 + random.NextDouble() * 0.03,
                _ => 0.045 + random.NextDouble() * 0.015,
            };
            var late = random.NextDouble() switch
            {
                < 0.7 => 0.004,
                < 0.95 => 0.015,
                _ => 0.06,
            };
            patterns[student.Id] = new Pattern(rate, Truancy: 0.45, Late: late);
        }

        return patterns;
    }

    /// <summary>Each student's absences by day: whole days (truancy, illness over one to three days) or half days (appointments, not back after lunch).</summary>
    private static Dictionary<(int, DateOnly), Absence> Absences(DemoTimetable t, Random random, Codes code, Dictionary<int, Pattern> patterns)
    {
        var parts = new Dictionary<(int, DateOnly), Absence>();
        foreach (var student in t.Students)
        {
            var pattern = patterns[student.Id];
            var ill = 0;
            foreach (var day in t.SchoolDays)
            {
                if (ill > 0)
                {
                    ill--;
                    parts[(student.Id, day)] = new Absence(Part.Day, random.NextDouble() < 0.8 ? code.Excused : code.Absent, "Illness");
                    continue;
                }

                if (random.NextDouble() >= pattern.Rate * DayFactor[day.DayOfWeek])
                {
                    continue;
                }

                var kind = random.NextDouble();
                var rest = (1 - pattern.Truancy) / 3;
                parts[(student.Id, day)] = kind switch
                {
                    _ when kind < pattern.Truancy => new Absence(Part.Day, code.Absent, random.NextDouble() < 0.15 ? Pick(random, UnexplainedNotes[..2]) : null),
                    _ when kind < pattern.Truancy + rest => Ill(),
                    _ when kind < pattern.Truancy + 2 * rest => new Absence(random.NextDouble() < 0.6 ? Part.Morning : Part.Afternoon, code.Medical, Pick(random, MedicalNotes)),
                    _ => new Absence(Part.Afternoon, code.Absent, random.NextDouble() < 0.3 ? UnexplainedNotes[2] : null),
                };
            }

            Absence Ill()
            {
                ill = random.Next(0, 3);
                return new Absence(Part.Day, random.NextDouble() < 0.8 ? code.Excused : code.Absent, "Illness");
            }
        }

        return parts;
    }

    /// <summary>A few day trips: everyone taking one course is out on a day of the term.</summary>
    private static Dictionary<DateOnly, (HashSet<int> Students, string Note)> PlanVisits(DemoTimetable t, Random random)
    {
        var visits = new Dictionary<DateOnly, (HashSet<int>, string)>();
        var count = Math.Min(Visits.Length, t.SchoolDays.Count / 12);
        foreach (var (subject, note) in Visits.OrderBy(_ => random.Next()).Take(count))
        {
            var courses = t.Sections.Select(s => s.Course).Where(c => c.EndsWith($"-{subject}", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToList();
            var free = t.SchoolDays.Where(d => !visits.ContainsKey(d)).ToList();
            if (courses.Count == 0 || free.Count == 0)
            {
                continue;
            }

            var course = courses[random.Next(courses.Count)];
            var date = free[random.Next(free.Count)];
            var students = t.Sections.Where(s => s.Course == course).SelectMany(s => s.Enrolments).Where(e => e.On(date)).Select(e => e.StudentId).ToHashSet();
            visits[date] = (students, note);
        }

        return visits;
    }

    private static string Pick(Random random, string[] options) => options[random.Next(options.Length)];

    private enum Part
    {
        Day,
        Morning,
        Afternoon,
    }

    private sealed record Absence(Part Part, int CodeId, string? Note);

    private sealed record Pattern(double Rate, double Truancy, double Late);

    private sealed record Codes(int Present, int Absent, int Late, int Excused, int Medical, int Visit);

    /// <summary>One student's mark in one lesson or session, from the day's plan; lates are drawn per lesson.</summary>
    private sealed class Marker(
        Random random, Codes code, Dictionary<(int, DateOnly), Absence> absences,
        Dictionary<DateOnly, (HashSet<int> Students, string Note)> visits, Dictionary<int, Pattern> patterns)
    {
        public AttendanceMark Mark(int studentId, DateOnly date, bool morning, bool startOfHalf, TimeOnly start)
        {
            var mark = new AttendanceMark { StudentId = studentId, Date = date, CodeId = code.Present };
            if (absences.TryGetValue((studentId, date), out var absence)
                && (absence.Part == Part.Day || (absence.Part == Part.Morning) == morning))
            {
                mark.CodeId = absence.CodeId;
                mark.Note = absence.Note;
            }
            else if (visits.TryGetValue(date, out var visit) && visit.Students.Contains(studentId))
            {
                mark.CodeId = code.Visit;
                mark.Note = visit.Note;
            }
            else if (random.NextDouble() < patterns.GetValueOrDefault(studentId)?.Late * (startOfHalf ? 3 : 0.4))
            {
                // Mostly a few minutes, now and then most of twenty.
                var minutes = 1 + (int)(Math.Pow(random.NextDouble(), 2) * 20);
                mark.CodeId = code.Late;
                mark.LateMinutes = minutes;
                mark.TimeIn = start.AddMinutes(minutes);
                mark.Note = random.NextDouble() < 0.3 ? LateNotes[random.Next(LateNotes.Length)] : null;
            }

            return mark;
        }
    }
}
