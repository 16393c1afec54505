using Lyceum.Modules.Attendance.Demo;
using Lyceum.Modules.Gradebook.EnterMarks;
using Lyceum.Modules.Gradebook.Grading;
using Lyceum.Modules.Gradebook.Scales;
using Lyceum.Platform.Data;
using Lyceum.Platform.Demo;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Gradebook.Demo;

/// <summary>
/// The current term's gradebooks so far in a demo school. Every section gets the school's default scale (years 10 and
/// 11 the 9–1 scale, as GCSE classes do), weighted categories by kind of course (homework, tests and a project; in
/// practical courses practical and theory work, some sections dropping each student's lowest homework) and
/// assessments over the term's school days so far: homework about weekly, a test every three or four weeks, a project
/// near the middle of the term, practical work every fortnight; then one or two upcoming ones, not yet marked. Work
/// older than a few days is published, the latest is not (and now and then not yet marked).
/// </summary>
/// <remarks>
/// <para>Marks follow each student's ability (one latent figure, correlated across courses), the course's difficulty
/// (mathematics and science lower and wider spread than art or PE), the section and the piece of work, with noise per
/// mark; a few students improve or decline over the term. Persistent absentees miss more work; a student away on the
/// day (see <see cref="AttendanceDemo.AwayKey"/>) is excused or has the work missing (homework: late, too).</para>
/// <para>A few students have a teacher's comment on their term grade; one or two grades are overridden, with the
/// reason. Nothing is published to term grades yet: the term is not over.</para>
/// </remarks>
public sealed class GradebookDemo(TimeProvider clock) : IDemoContributor
{
    private static readonly Dictionary<string, Subject> Subjects = new(StringComparer.Ordinal)
    {
        ["MA"] = Academic(67, 16, "Test", "Statistics investigation", ("Homework", 20), ("Tests", 60), ("Project", 20),
            ["Place value", "Fractions", "Decimals and percentages", "Algebraic expressions", "Linear equations", "Sequences",
                "Ratio and proportion", "Angles", "Area and perimeter", "Probability", "Averages and charts", "Indices"]),
        ["SC"] = Academic(68, 15, "Test", "Practical investigation", ("Homework", 20), ("Tests", 50), ("Project", 30),
            ["Cells", "Particles", "Forces", "Energy", "Chemical reactions", "Ecosystems", "Electricity", "Waves", "Acids and alkalis", "Space"]),
        ["EN"] = Academic(71, 12, "Assessment", "Creative writing portfolio", ("Homework", 20), ("Tests", 40), ("Coursework", 40),
            ["Descriptive writing", "Poetry and imagery", "Shakespeare", "Persuasive writing", "Novel study", "Non-fiction reading",
                "Punctuation", "Analytical paragraphs", "Short stories", "Speech writing"]),
        ["HI"] = Academic(71, 12, "Test", "Local history project", ("Homework", 20), ("Tests", 50), ("Project", 30),
            ["The Norman Conquest", "Medieval life", "The Tudors", "The English Civil War", "The Industrial Revolution",
                "The British Empire", "The First World War", "Using sources"]),
        ["GE"] = Academic(71, 12, "Test", "Fieldwork report", ("Homework", 20), ("Tests", 50), ("Project", 30),
            ["Map skills", "Rivers", "Weather and climate", "Population", "Cities", "Coasts", "Tectonic hazards", "Ecosystems"]),
        ["RS"] = Academic(72, 11, "Test", "Research project: a place of worship", ("Homework", 20), ("Tests", 50), ("Project", 30),
            ["Beliefs about God", "Festivals", "Places of worship", "Right and wrong", "Pilgrimage", "Sacred texts", "Rites of passage"]),
        ["FR"] = Academic(69, 14, "Test", "Presentation: my town", ("Homework", 20), ("Tests", 50), ("Speaking", 30),
            ["Greetings", "Family", "School", "Free time", "Food and drink", "Town and directions", "Holidays", "The past tense"]),
        ["ES"] = Academic(69, 14, "Test", "Presentation: my town", ("Homework", 20), ("Tests", 50), ("Speaking", 30),
            ["Greetings", "Family", "School", "Free time", "Food and drink", "Town and directions", "Holidays", "The past tense"]),
        ["CS"] = Academic(70, 14, "Test", "Programming project", ("Homework", 20), ("Tests", 50), ("Project", 30),
            ["Algorithms", "Binary", "Networks", "Python: selection", "Python: loops", "Data representation", "Online safety", "Spreadsheets"]),
        ["PE"] = Practical(76, 8,
            ["Football", "Netball", "Badminton", "Athletics", "Fitness circuit", "Gymnastics", "Basketball", "Dance"],
            ["Components of fitness", "Warming up", "The skeleton", "Muscles", "Healthy living", "Heart and lungs"]),
        ["AR"] = Practical(75, 9,
            ["Observational drawing", "Colour theory", "Portraits", "Printmaking", "Clay", "Still life"],
            ["Artist study", "Art vocabulary", "Analysing an artwork", "Sketchbook review"]),
        ["MU"] = Practical(74, 9,
            ["Keyboard performance", "Ensemble performance", "Composition", "Singing", "Rhythm work"],
            ["Notation", "Elements of music", "Listening", "Instruments of the orchestra"]),
        ["DR"] = Practical(76, 8,
            ["Improvisation", "Script work", "Physical theatre", "Devising", "Monologue"],
            ["Drama vocabulary", "Evaluating a performance", "Staging", "Theatre history"]),
        ["DT"] = Practical(74, 10,
            ["Design sketches", "Workshop skills", "Prototype", "Product build", "Finishing"],
            ["Materials", "Tools and processes", "Design briefs", "Health and safety"]),
    };

    private static readonly Subject Other = Academic(70, 12, "Test", "Project", ("Homework", 20), ("Tests", 50), ("Project", 30),
        ["Unit 1", "Unit 2", "Unit 3", "Unit 4", "Unit 5", "Unit 6"]);

    private static readonly string[] StrongComments =
    [
        "An excellent term: thorough, accurate work and real confidence in class.",
        "Consistently high standards. Keep stretching yourself with the extension tasks.",
        "A pleasure to teach; contributes thoughtful answers and helps others.",
    ];

    private static readonly string[] SteadyComments =
    [
        "A solid term. More care with checking work would lift the grade further.",
        "Works well in lessons; needs to show more of the working in tests.",
        "Good progress this term. Reading the feedback and acting on it is the next step.",
    ];

    private static readonly string[] StrugglingComments =
    [
        "Finds parts of the course difficult; coming to the lunchtime support sessions would help.",
        "Homework has not always been handed in, and it shows in the test results.",
        "Capable of more: needs to ask for help as soon as something is unclear.",
    ];

    private static readonly string[] ImprovingComments =
    [
        "Much improved since September: the extra effort is paying off.",
        "A real turnaround this half term. Keep it up.",
    ];

    private static readonly string[] DecliningComments =
    [
        "A dip in recent weeks after a good start; let's talk about how to get back on track.",
        "Recent work has been rushed and some is missing. Please see me about catching up.",
    ];

    private static readonly string[] AbsentComments =
    [
        "Missed lessons have held the grade back; the class page has the work to catch up on.",
    ];

    private static readonly string[] OverrideReasons =
    [
        "Moderated by the department after reviewing the project sample.",
        "Long illness this term: the grade reflects the work completed, agreed with the head of year.",
    ];

    public int Order => 40;

    public async Task ContributeAsync(DemoSchool demo, LyceumDbContext db, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var t = await DemoTimetable.OfAsync(demo, db, cancellationToken);
        var schoolId = demo.School.Id;
        var random = new Random(demo.Faker.Random.Int());
        var away = demo.Items.TryGetValue(AttendanceDemo.AwayKey, out var days) ? (HashSet<(int, DateOnly)>)days : [];
        if (t.Sections.Count == 0)
        {
            return;
        }

        // 1. Scales: the school's defaults (inside this transaction, so through this context), default and 9–1.
        await GradeScaleDefaults.EnsureAsync(db, schoolId, cancellationToken);
        var scales = await db.GradeScales.AsNoTracking().Include(s => s.Bands).Where(s => s.SchoolId == schoolId && s.ArchivedAt == null)
            .OrderByDescending(s => s.IsDefault).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        if (scales.Count == 0)
        {
            return;
        }

        var standard = scales[0];
        var gcse = scales.FirstOrDefault(s => s.Name == GradingScale.NineToOne().Name) ?? standard;

        // 2. Students: a latent ability (shared by their courses), how they change over the term, how reliable they are.
        var people = Learners(t, random, away);
        var aptitude = new Dictionary<(int, string), double>();
        double Aptitude(int student, string subject)
        {
            if (!aptitude.TryGetValue((student, subject), out var value))
            {
                aptitude[(student, subject)] = value = 0.75 * people[student].Ability + 0.66 * Normal(random);
            }

            return value;
        }

        // 3. Each section's categories and assessments, planned in memory, then saved (keys known for the marks).
        var staff = t.Staff.ToDictionary(s => s.Id);
        var termId = (int)demo.Items[RecordsDemo.CurrentTermKey];
        var plans = t.Sections.Select(s => Plan(s, t, termId, demo.Today, away, random)).ToList();
        db.ChangeTracker.Clear();
        db.SectionGradebooks.AddRange(plans.Select(p => new SectionGradebook
        {
            SectionId = p.Section.Id,
            ScaleId = p.Section.YearGroup >= 10 ? gcse.Id : standard.Id,
        }));
        db.AssessmentCategories.AddRange(plans.SelectMany(p => p.Categories));
        await db.SaveChangesAsync(cancellationToken);
        foreach (var plan in plans)
        {
            foreach (var work in plan.Work)
            {
                work.Row.CategoryId = plan.Categories[work.Kind.Slot].Id;
            }
        }

        db.ChangeTracker.Clear();
        db.Assessments.AddRange(plans.SelectMany(p => p.Work.Select(w => w.Row)));
        await db.SaveChangesAsync(cancellationToken);

        // 4. Marks for the work that is past and marked.
        var marks = new List<Mark>();
        foreach (var plan in plans)
        {
            var subject = plan.Subject;
            var by = staff.TryGetValue(plan.Section.TeacherId, out var teacher) ? teacher.Name : null;
            var sectionShift = Normal(random) * 3;
            var span = Math.Max(1, demo.Today.DayNumber - t.TermStart.DayNumber);
            foreach (var work in plan.Work.Where(w => w.Marked))
            {
                var date = work.Row.Date;
                var through = Math.Clamp((date.DayNumber - t.TermStart.DayNumber) / (double)span, 0, 1);
                var workShift = Normal(random) * 4 + work.Kind.Bias;
                foreach (var enrolment in plan.Section.Enrolments.Where(e => e.On(date)))
                {
                    var student = people[enrolment.StudentId];
                    var (status, late) = Status(random, work.Kind, student, through, away.Contains((enrolment.StudentId, date)));
                    decimal? points = null;
                    if (status is MarkStatus.Scored or MarkStatus.Late)
                    {
                        var percent = subject.Mean + sectionShift + subject.Spread * Aptitude(enrolment.StudentId, plan.Code)
                            + student.Trend * (through - 0.5) - 30 * student.Absence + workShift + Normal(random) * work.Kind.Noise;
                        points = Points(work.Row.MaxPoints, percent * (late ? 0.9 : 1), work.Kind.Halves);
                    }

                    marks.Add(new Mark { AssessmentId = work.Row.Id, StudentId = enrolment.StudentId, Status = status, Points = points, By = by });
                }
            }
        }

        // Audited like any mark, but written in bulk: through SaveChanges, 50,000 marks and their trail took ~15 s.
        await DemoBulkInsert.InsertAuditedAsync(db, marks, clock.GetUtcNow().UtcDateTime, cancellationToken);

        // 5. Term grades as they stand: a few comments, one or two overrides with their reason.
        var scaleOf = new Dictionary<int, GradingScale> { [standard.Id] = GradeScalesHandler.ToScale(standard), [gcse.Id] = GradeScalesHandler.ToScale(gcse) };
        var marksOf = marks.ToLookup(m => m.AssessmentId);
        var terms = new List<TermGrade>();
        var overridable = new List<(TermGrade Row, GradingScale Scale, string Grade)>();
        foreach (var plan in plans)
        {
            var scale = scaleOf[plan.Section.YearGroup >= 10 ? gcse.Id : standard.Id];
            var categories = plan.Categories.Select(GradebookReader.ToCalc).ToList();
            var assessments = plan.Work.Select(w => GradebookReader.ToCalc(w.Row)).ToList();
            var own = plan.Work.SelectMany(w => marksOf[w.Row.Id]).ToLookup(m => m.StudentId);
            foreach (var enrolment in plan.Section.Enrolments.Where(e => e.WithdrawnOn is null))
            {
                var student = people[enrolment.StudentId];
                var result = TermGradeCalculator.Compute(categories, assessments, [.. own[enrolment.StudentId].Select(GradebookReader.ToCalc)], scale);
                if (result.Percent is not { } percent || random.NextDouble() >= (Math.Abs(student.Trend) >= 10 ? 0.25 : 0.03))
                {
                    continue;
                }

                var texts = student.Trend >= 10 ? ImprovingComments
                    : student.Trend <= -10 ? DecliningComments
                    : student.Absence >= 0.1 ? AbsentComments
                    : percent >= 80 ? StrongComments
                    : percent >= 60 ? SteadyComments
                    : StrugglingComments;
                var row = new TermGrade { SectionId = plan.Section.Id, StudentId = enrolment.StudentId, Comment = texts[random.Next(texts.Length)] };
                terms.Add(row);
                if (result.Grade is { } grade && scale.Bands.Count > 1 && scale.Bands[0].Label != grade)
                {
                    overridable.Add((row, scale, grade));
                }
            }
        }

        var overrides = overridable.OrderBy(_ => random.Next()).Take(Math.Min(2, 1 + t.Students.Count / 200)).ToList();
        for (var i = 0; i < overrides.Count; i++)
        {
            // One grade up: the department's moderation, or a long illness taken into account.
            var (row, scale, grade) = overrides[i];
            var index = scale.Bands.ToList().FindIndex(b => b.Label == grade);
            row.OverrideGrade = scale.Bands[index - 1].Label;
            row.OverrideReason = OverrideReasons[i % OverrideReasons.Length];
        }

        db.TermGrades.AddRange(terms);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var all = plans.SelectMany(p => p.Work).ToList();
        progress.Report($"  gradebook: {plans.Count} sections, {all.Count} assessments ({all.Count(w => w.Row.PublishedAt is not null)} published, "
            + $"{all.Count(w => w.Row.Date >= demo.Today)} upcoming, {all.Count(w => w.Row.Date < demo.Today && !w.Marked)} not marked yet), {marks.Count} marks "
            + $"({Share(MarkStatus.Missing)} missing, {Share(MarkStatus.Excused)} excused, {Share(MarkStatus.Late)} late), "
            + $"{terms.Count} term comments, {overrides.Count} overrides");

        string Share(MarkStatus status) => marks.Count == 0 ? "0%" : $"{100.0 * marks.Count(m => m.Status == status) / marks.Count:0.0}%";
    }

    /// <summary>Each student's ability, trend over the term, share of days away and how often their work is late.</summary>
    private static Dictionary<int, Learner> Learners(DemoTimetable t, Random random, HashSet<(int, DateOnly)> away)
    {
        var awayDays = away.GroupBy(a => a.Item1).ToDictionary(g => g.Key, g => g.Count());
        var learners = new Dictionary<int, Learner>();
        foreach (var student in t.Students)
        {
            var kind = random.NextDouble();
            // About one in twelve changes noticeably over the term, up or down (percentage points from start to end).
            var trend = kind < 0.04 ? 10 + random.NextDouble() * 12 : kind < 0.08 ? -(10 + random.NextDouble() * 12) : Normal(random) * 2;
            var absence = t.SchoolDays.Count == 0 ? 0 : awayDays.GetValueOrDefault(student.Id) / (double)t.SchoolDays.Count;
            learners[student.Id] = new Learner(Normal(random), trend, absence, Math.Exp(Normal(random) * 0.8));
        }

        return learners;
    }

    /// <summary>How a student's work stands: away on the day → excused or missing (homework often late); otherwise mostly scored.</summary>
    private static (MarkStatus Status, bool Late) Status(Random random, WorkKind kind, Learner student, double through, bool awayThatDay)
    {
        var roll = random.NextDouble();
        if (awayThatDay)
        {
            return kind.CanBeLate switch
            {
                true when roll < 0.45 => (MarkStatus.Late, true),
                true when roll < 0.7 => (MarkStatus.Excused, false),
                true => (MarkStatus.Missing, false),
                false when roll < 0.7 => (MarkStatus.Excused, false),
                false => (MarkStatus.Missing, false),
            };
        }

        // Persistent absentees and students in decline miss more; a few hand work in late again and again.
        var missing = kind.Missing * (1 + 10 * student.Absence) * (student.Trend <= -10 ? 1 + 3 * through : 1);
        var late = kind.CanBeLate ? 0.025 * student.Lateness : 0;
        return roll switch
        {
            _ when roll < missing => (MarkStatus.Missing, false),
            _ when roll < missing + 0.003 => (MarkStatus.Excused, false),
            _ when roll < missing + 0.003 + late => (MarkStatus.Late, true),
            _ => (MarkStatus.Scored, false),
        };
    }

    /// <summary>A percentage as points out of <paramref name="max"/>: whole (or half) points, never below 0 or above the maximum.</summary>
    private static decimal Points(decimal max, double percent, bool halves)
    {
        var step = halves ? 2.0 : 1.0;
        var points = Math.Round((double)max * percent / 100 * step, MidpointRounding.AwayFromZero) / step;
        return Math.Clamp((decimal)points, 0m, max);
    }

    /// <summary>
    /// A section's categories and its term of work by week: from the term's start to a week or so after today, keeping
    /// everything before today and the first one or two pieces after it.
    /// </summary>
    private static SectionPlan Plan(DemoSection section, DemoTimetable t, int termId, DateOnly today, HashSet<(int, DateOnly)> away, Random random)
    {
        var code = section.Course[(section.Course.LastIndexOf('-') + 1)..];
        var subject = Subjects.GetValueOrDefault(code) ?? Other;
        var categories = subject.Categories.Select((c, i) => new AssessmentCategory
        {
            SectionId = section.Id,
            Name = c.Name,
            Weight = c.Weight,
            // Some teachers let each student's weakest homework go.
            DropLowest = !subject.Practical && i == WorkKind.Homework.Slot && random.NextDouble() < 0.35 ? 1 : 0,
            Position = i,
        }).ToList();

        // The section's lesson days by week of term (weeks from the Monday of the term's first week).
        var meets = section.Meetings.Where(m => t.Periods.ContainsKey(m.PeriodId)).Select(m => m.Day).ToHashSet();
        var monday = t.TermStart.AddDays(-(((int)t.TermStart.DayOfWeek + 6) % 7));
        var weeks = new SortedDictionary<int, List<DateOnly>>();
        for (var day = t.TermStart; day <= t.TermEnd; day = day.AddDays(1))
        {
            if (meets.Contains(day.DayOfWeek))
            {
                var week = (day.DayNumber - monday.DayNumber) / 7;
                (weeks.TryGetValue(week, out var list) ? list : weeks[week] = []).Add(day);
            }
        }

        var lastWeek = weeks.Count == 0 ? 0 : weeks.Keys.Max();
        var work = new List<Work>();
        string Topic(int week, string[] topics) => topics[Math.Min(topics.Length - 1, week * topics.Length / (lastWeek + 1))];
        // On the week's first (or last) lesson, or another that week if most of the class is away that day (a trip).
        void Add(WorkKind kind, int week, bool last, string title, decimal max, bool counts = true)
        {
            var dates = weeks.TryGetValue(week, out var list) ? (last ? list.AsEnumerable().Reverse() : list) : [];
            foreach (var date in dates)
            {
                var roll = section.Enrolments.Where(e => e.On(date)).ToList();
                if (roll.Count(e => away.Contains((e.StudentId, date))) * 2 > roll.Count)
                {
                    continue;
                }

                work.Add(new Work(kind, new Assessment
                {
                    SectionId = section.Id,
                    TermId = termId,
                    Title = title,
                    Date = date,
                    MaxPoints = max,
                    Counts = counts,
                }));
                return;
            }
        }

        if (subject.Practical)
        {
            var (practicalMax, theoryMax) = (random.NextDouble() < 0.5 ? 20m : 25m, random.NextDouble() < 0.5 ? 10m : 20m);
            var start = 1 + random.Next(2);
            for (var (week, n) = (start, 1); week <= lastWeek; week += 2, n++)
            {
                Add(WorkKind.Practical, week, true, $"Practical {n}: {Topic(week, subject.Topics)}", practicalMax);
            }

            for (var (week, n) = (start + 1, 1); week <= lastWeek; week += 2, n++)
            {
                Add(WorkKind.Theory, week, false, $"Theory {n}: {Topic(week, subject.Theory)}", theoryMax);
            }
        }
        else
        {
            var (homeworkMax, testMax) = (random.NextDouble() < 0.6 ? 10m : 20m, (decimal)(40 + 10 * random.Next(3)));
            for (var (week, n) = (1, 1); week <= lastWeek; week++)
            {
                // About weekly: a teacher skips a week now and then.
                if (random.NextDouble() >= 0.12)
                {
                    Add(WorkKind.Homework, week, false, $"Homework {n++}: {Topic(week, subject.Topics)}", homeworkMax);
                }
            }

            var firstTest = 3 + random.Next(2);
            if ((code is "MA" or "SC") && random.NextDouble() < 0.3)
            {
                Add(WorkKind.Practice, firstTest - 1, true, $"Practice quiz: {Topic(firstTest, subject.Topics)}", 10m, counts: false);
            }

            for (var (week, n) = (firstTest, 1); week <= lastWeek; week += 3 + random.Next(2), n++)
            {
                Add(WorkKind.Test, week, true, $"{subject.TestWord} {n}: {Topic(week, subject.Topics)}", testMax);
            }

            // Handed in near the middle of the term.
            Add(WorkKind.Project, (lastWeek / 2) - 1 + random.Next(3), true, subject.Project, (decimal)(30 + 10 * random.Next(3)));
        }

        // Everything up to yesterday and the next one or two; the latest past work is not yet published (sometimes not marked).
        var ordered = work.OrderBy(w => w.Row.Date).ThenBy(w => w.Kind.Slot).ToList();
        var upcoming = 1 + random.Next(2);
        var kept = ordered.Where(w => w.Row.Date < today).Concat(ordered.Where(w => w.Row.Date >= today).Take(upcoming)).ToList();
        var past = kept.Where(w => w.Row.Date < today).ToList();
        foreach (var w in past)
        {
            w.Marked = true;
            var age = today.DayNumber - w.Row.Date.DayNumber;
            if (age > 7 ? random.NextDouble() < 0.97 : age > 3 && random.NextDouble() < 0.4)
            {
                var published = w.Row.Date.AddDays(1 + random.Next(Math.Min(6, age - 1)));
                w.Row.PublishedAt = t.ToUtc(published, new TimeOnly(15, 30).AddMinutes(random.Next(300)));
            }
        }

        if (past.Count > 2 && past[^1].Row.PublishedAt is null && random.NextDouble() < 0.2)
        {
            past[^1].Marked = false;
        }

        return new SectionPlan(section, code, subject, categories, kept);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static Subject Academic(
        double mean, double spread, string testWord, string project,
        (string Name, decimal Weight) homework, (string Name, decimal Weight) tests, (string Name, decimal Weight) projects, string[] topics) =>
        new(mean, spread, false, testWord, project, [homework, tests, projects], topics, []);

    private static Subject Practical(double mean, double spread, string[] practical, string[] theory) =>
        new(mean, spread, true, "", "", [("Practical", 60m), ("Theory", 40m)], practical, theory);

    private sealed record Subject(
        double Mean, double Spread, bool Practical, string TestWord, string Project,
        IReadOnlyList<(string Name, decimal Weight)> Categories, string[] Topics, string[] Theory);

    private sealed record Learner(double Ability, double Trend, double Absence, double Lateness);

    /// <summary>
    /// A kind of work: its category (the position in the subject's list: homework, tests, project; or practical,
    /// theory), how it scores against the course's mean (percentage points), how noisy, how often it goes missing.
    /// </summary>
    private sealed record WorkKind(int Slot, double Bias, double Noise, double Missing, bool CanBeLate, bool Halves)
    {
        public static readonly WorkKind Homework = new(0, 5, 10, 0.012, true, false);
        public static readonly WorkKind Test = new(1, -3, 7, 0.002, false, true);
        public static readonly WorkKind Practice = new(1, 2, 9, 0.01, false, false);
        public static readonly WorkKind Project = new(2, 2, 8, 0.015, true, false);
        public static readonly WorkKind Practical = new(0, 2, 7, 0.004, false, false);
        public static readonly WorkKind Theory = new(1, 0, 9, 0.01, true, false);
    }

    private sealed class Work(WorkKind kind, Assessment row)
    {
        public WorkKind Kind { get; } = kind;

        public Assessment Row { get; } = row;

        public bool Marked { get; set; }
    }

    private sealed record SectionPlan(DemoSection Section, string Code, Subject Subject, List<AssessmentCategory> Categories, List<Work> Work);
}
