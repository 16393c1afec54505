using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Tutoring.Finance;
using Lyceum.Modules.Tutoring.Sessions;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Demo;
using Lyceum.Platform.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Tutoring.Demo;

/// <summary>
/// The tutoring centre of a demo school: a branch, six tutors with sign-ins (the demo tutor among them), about a tenth
/// of the students as tutees (the demo student and a sibling always), and three months of sessions around the demo's
/// today — the past eight weeks and the next four. Most are weekly series (some twice a week, some fortnightly; a few
/// small groups) whose rules <see cref="Recurrence"/> writes and expands (Ical.Net, in the school's zone) as for a
/// booking through the app, so a 16:00 lesson stays at 16:00 across the change of clocks; the rest are one-offs. Past sessions are mostly completed and logged, some were missed or cancelled;
/// future ones are scheduled, a few already cancelled, and one occurrence of a series has been moved. Completed
/// sessions are priced by the school's rates; the months before the current one are invoiced, one invoice per family,
/// numbered without gaps, most paid, some in part, one voided and re-issued.
/// </summary>
/// <remarks>
/// Sessions sit on a grid of hour-long slots (weekdays from 16:00, Saturdays from 09:30) and last 45 or 60 minutes, so
/// two bookings clash exactly when they share a slot's start: no tutor and no student is ever booked twice at once
/// (also counting cancelled sessions, whose slot stays taken). Tutors teach only inside their weekly availability, or
/// on the day of an exception that makes them available; on a day they are away their sessions are cancelled.
/// </remarks>
public sealed class TutoringDemo(TimeProvider clock) : IDemoContributor
{
    public const string BranchName = "Tutoring Centre";
    public const string JobTitle = "Tutor";

    private const int WeeksBack = 8;
    private const int WeeksAhead = 4;
    private const int MaxTutees = 60;

    /// <summary>The tutors: subjects, working days, room at the centre (null: online only), rate of their own.</summary>
    private static readonly (string[] Subjects, DayOfWeek[] Days, string? Room, decimal? Rate)[] Tutors =
    [
        (["Maths", "Physics"], [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Saturday], "Room 1", null),
        (["English", "French"], [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Thursday, DayOfWeek.Friday], "Room 2", null),
        (["Chemistry", "Biology"], [DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Saturday], "Room 3", null),
        (["Maths", "Chemistry"], [DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday, DayOfWeek.Saturday], "Room 4", 45m),
        (["Music", "English"], [DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], "Music room", null),
        (["Maths", "Biology", "Physics"], [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday], null, 30m),
    ];

    private static readonly (string Subject, double Weight)[] Demand =
        [("Maths", 0.3), ("English", 0.2), ("Physics", 0.1), ("Chemistry", 0.1), ("Biology", 0.1), ("French", 0.1), ("Music", 0.1)];

    private static readonly (string Subject, decimal Rate)[] SubjectRates = [("Physics", 40m), ("Chemistry", 40m), ("Biology", 38m), ("Music", 32m)];

    private static readonly Dictionary<string, string[]> Topics = new(StringComparer.Ordinal)
    {
        ["Maths"] = ["simultaneous equations", "quadratics", "fractions", "trigonometry", "probability", "circle theorems", "percentages", "graphs"],
        ["English"] = ["essay structure", "Macbeth, Act 3", "unseen poetry", "persuasive writing", "An Inspector Calls", "punctuation"],
        ["Physics"] = ["forces and motion", "electric circuits", "waves", "energy transfers", "radioactivity", "density"],
        ["Chemistry"] = ["moles", "bonding", "electrolysis", "rates of reaction", "organic chemistry", "the periodic table"],
        ["Biology"] = ["cell division", "photosynthesis", "the heart", "genetics", "homeostasis", "ecosystems"],
        ["French"] = ["the perfect tense", "speaking practice: holidays", "listening practice", "vocabulary: school", "the future tense"],
        ["Music"] = ["scales for the grade exam", "sight-reading", "aural tests", "composition", "the exam pieces"],
    };

    private static readonly string[] Progress =
    [
        "good progress", "needs more practice at home", "confident with it now", "practice questions set for next week",
        "found it hard at first, much better by the end", "excellent focus today",
    ];

    private static readonly string[] PastCancelReasons = ["Student unwell", "Family holiday", "School trip", "Tutor unwell", "Clash with a school event"];
    private static readonly string[] FutureCancelReasons = ["Family holiday", "School residential trip"];
    private static readonly string[] PaymentMethods = ["Bank transfer", "Bank transfer", "Card", "Cash"];

    private static readonly TimeOnly[] WeekdaySlots = [new(16, 0), new(17, 0), new(18, 0), new(19, 0)];
    private static readonly TimeOnly[] SaturdaySlots = [new(9, 30), new(10, 30), new(11, 30), new(12, 30)];
    private static readonly TimeOnly[] SundaySlots = [new(10, 0), new(11, 0)];

    public int Order => 50;

    public async Task ContributeAsync(DemoSchool demo, LyceumDbContext db, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var school = demo.School;
        var schoolId = school.Id;
        var random = new Random(demo.Faker.Random.Int());
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(school.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var now = clock.GetUtcNow().UtcDateTime;
        var today = demo.Today;
        var from = Monday(today).AddDays(-7 * WeeksBack);
        var to = Monday(today).AddDays(7 * WeeksAhead + 6);
        DateTime Utc(DateOnly date, TimeOnly time) => TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(time, DateTimeKind.Unspecified), zone);
        DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, zone);

        // 1. Who: tutees among the students (the demo student's family first), their paying guardian.
        var students = await db.Students.AsNoTracking().Where(s => s.SchoolId == schoolId && s.ArchivedAt == null).OrderBy(s => s.Id)
            .Select(s => new
            {
                s.Id,
                s.YearGroup,
                s.UserId,
                Payer = s.Guardians.OrderBy(g => g.ContactPriority).ThenBy(g => g.GuardianId).Select(g => (int?)g.GuardianId).FirstOrDefault(),
                Guardians = s.Guardians.Select(g => g.GuardianId).ToList(),
            })
            .ToListAsync(cancellationToken);
        students = [.. students.Where(s => s.Payer is not null)];
        if (students.Count == 0)
        {
            return;
        }

        // A tenth of the school, at most sixty; in a small school (the tests' sixty students) half of it, up to thirty.
        var count = Math.Min(students.Count, Math.Max(1, Math.Min(MaxTutees, Math.Max(demo.Students / 10, Math.Min(students.Count / 2, 30)))));
        var demoStudent = students.FirstOrDefault(s => s.UserId is not null);
        var family = demoStudent is null ? [] : students.Where(s => s.Id != demoStudent.Id && s.Guardians.Intersect(demoStudent.Guardians).Any()).Take(1).ToList();
        var tutees = (demoStudent is null ? [] : family.Prepend(demoStudent))
            .Concat(students.Where(s => s.Id != demoStudent?.Id && !family.Contains(s)).OrderBy(_ => random.Next()))
            .Take(count).ToList();
        var yearOf = tutees.ToDictionary(s => s.Id, s => s.YearGroup);
        var payerOf = tutees.ToDictionary(s => s.Id, s => s.Payer!.Value);

        // 2. The centre and its tutors, each with a Tutor sign-in (the demo tutor of DemoAccounts is the first).
        var branch = new Branch
        {
            SchoolId = schoolId,
            Name = BranchName,
            Address = $"{random.Next(2, 90)} {DemoNames.Streets[random.Next(DemoNames.Streets.Length)]}, {school.Address?.Split(',').ElementAtOrDefault(1)?.Trim() ?? "Town centre"}",
            Phone = school.Phone,
        };
        db.Branches.Add(branch);
        var tutors = await db.Staff.Where(s => s.SchoolId == schoolId && s.JobTitle == JobTitle && s.ArchivedAt == null).OrderBy(s => s.Id)
            .Take(Tutors.Length).ToListAsync(cancellationToken);
        var demoTutorAccount = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedEmail == $"{RoleNames.Tutor}@{Identity.Demo.DemoAccounts.Domain}".ToUpperInvariant())
            .Select(u => new { u.Id, u.PasswordHash }).FirstOrDefaultAsync(cancellationToken);
        var firstSchool = demoTutorAccount is not null && tutors.Any(t => t.UserId == demoTutorAccount.Id);
        var domain = school.Website?.Replace("https://", string.Empty, StringComparison.Ordinal) ?? "school.example";
        var emails = (await db.Staff.Where(s => s.SchoolId == schoolId).Select(s => s.Email).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var added = new List<StaffMember>();
        while (tutors.Count < Tutors.Length)
        {
            var male = random.Next(2) == 0;
            var first = Pick(random, male ? DemoNames.Male : DemoNames.Female);
            var last = Pick(random, DemoNames.Surnames);
            var email = $"{Ascii(first)}.{Ascii(last)}@{domain}";
            for (var n = 2; !emails.Add(email); n++)
            {
                email = $"{Ascii(first)}.{Ascii(last)}{n}@{domain}";
            }

            var tutor = new StaffMember
            {
                SchoolId = schoolId,
                StaffNumber = $"TU{tutors.Count + 1:000}",
                Title = male ? "Mr" : Pick(random, ["Ms", "Mrs", "Miss"]),
                FirstName = first,
                LastName = last,
                Email = email,
                Phone = $"07{random.Next(100, 999)} {random.Next(100000, 999999)}",
                JobTitle = JobTitle,
            };
            tutors.Add(tutor);
            added.Add(tutor);
        }

        db.Staff.AddRange(added);
        await db.SaveChangesAsync(cancellationToken);
        var tutorRole = await db.Roles.Where(r => r.Name == RoleNames.Tutor).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        var signIns = new List<string>();
        for (var i = 0; i < tutors.Count; i++)
        {
            if (tutors[i].UserId is not null || tutorRole is null)
            {
                continue;
            }

            // The first school's tutors sign in as tutor2@… to tutor6@… (README); other schools' with their work address.
            var email = firstSchool ? $"{RoleNames.Tutor.ToLowerInvariant()}{i + 1}@{Identity.Demo.DemoAccounts.Domain}" : tutors[i].Email;
            var user = new LyceumUser
            {
                Id = new Guid(Bytes(random)),
                UserName = email,
                NormalizedUserName = email.ToUpperInvariant(),
                Email = email,
                NormalizedEmail = email.ToUpperInvariant(),
                EmailConfirmed = true,
                DisplayName = $"{tutors[i].FirstName} {tutors[i].LastName}",
                SecurityStamp = new Guid(Bytes(random)).ToString("N"),
                ConcurrencyStamp = new Guid(Bytes(random)).ToString(),
                LockoutEnabled = true,
                CreatedAt = now,
                // The demo accounts' password (one hash: hashing again costs ~60 ms a tutor and gives the same sign-in).
                PasswordHash = demoTutorAccount?.PasswordHash,
            };
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = user.Id, RoleId = tutorRole.Value });
            tutors[i].UserId = user.Id;
            db.Entry(tutors[i]).Property(s => s.UserId).IsModified = true;
            signIns.Add(email);
        }

        await db.SaveChangesAsync(cancellationToken);

        // 3. Weekly availability (their working days), and exceptions: one tutor away for a day ahead, one away for an
        // afternoon in the past, one available on a Sunday for a mock-exam group.
        var availability = new List<TutorAvailability>();
        for (var i = 0; i < tutors.Count; i++)
        {
            availability.AddRange(Tutors[i].Days.Select(d => new TutorAvailability
            {
                SchoolId = schoolId,
                TutorId = tutors[i].Id,
                Day = d,
                StartTime = d == DayOfWeek.Saturday ? new TimeOnly(9, 0) : new TimeOnly(15, 45),
                EndTime = d == DayOfWeek.Saturday ? new TimeOnly(13, 30) : new TimeOnly(20, 0),
            }));
        }

        var awayDay = NextOn(today.AddDays(8), Tutors[1].Days);
        var afternoonOff = NextOn(from.AddDays(17), Tutors[2].Days.Where(d => d != DayOfWeek.Saturday).ToArray());
        var sunday = from.AddDays(7 * (WeeksBack - 3) + 6);
        var exceptions = new List<TutorAvailabilityException>
        {
            new() { SchoolId = schoolId, TutorId = tutors[1].Id, Date = awayDay, Reason = "Training day" },
            new()
            {
                SchoolId = schoolId, TutorId = tutors[2].Id, Date = afternoonOff, StartTime = new TimeOnly(15, 45), EndTime = new TimeOnly(18, 0),
                Reason = "Hospital appointment",
            },
            new()
            {
                SchoolId = schoolId, TutorId = tutors[4].Id, Date = sunday, StartTime = new TimeOnly(10, 0), EndTime = new TimeOnly(12, 0),
                Available = true, Reason = "Mock exam practice",
            },
        };

        // 4. Bookings on the slot grid, clash-free for tutors and students.
        var tutorBusy = new HashSet<(int, DateTime)>();
        var studentBusy = new HashSet<(int, DateTime)>();
        var series = new List<(TutoringSeries Series, List<Booked> Sessions)>();
        var oneOffs = new List<Booked>();
        var links = new Dictionary<int, string>();
        bool Free(int tutor, IEnumerable<int> group, DateTime local) =>
            !tutorBusy.Contains((tutor, local)) && group.All(s => !studentBusy.Contains((s, local)));
        void Take(int tutor, IEnumerable<int> group, DateTime local)
        {
            tutorBusy.Add((tutor, local));
            foreach (var s in group)
            {
                studentBusy.Add((s, local));
            }
        }

        void Release(int tutor, IEnumerable<int> group, DateTime local)
        {
            tutorBusy.Remove((tutor, local));
            foreach (var s in group)
            {
                studentBusy.Remove((s, local));
            }
        }

        string? Link(int tutor, bool online) =>
            online ? $"https://meet.example.com/{Ascii(tutors[tutor].LastName)}-{random.Next(100000, 999999)}" : null;

        // A weekly series: a day (or two) of the tutor's and a slot where every occurrence is free for all of them.
        bool BookSeries(int tutor, string subject, int[] group, int minutes, int interval, bool twice, DateOnly start, DateOnly until, bool online)
        {
            var days = Tutors[tutor].Days;
            for (var attempt = 0; attempt < 40; attempt++)
            {
                var chosen = twice
                    ? PickTwo(random, [.. days.Where(d => d != DayOfWeek.Saturday)])
                    : [days[random.Next(days.Length)]];
                if (chosen.Length == 0)
                {
                    return false;
                }

                var slots = SlotsOn(chosen[0]);
                var time = slots[random.Next(slots.Length)];
                var first = NextOn(start, chosen);
                if (first > until)
                {
                    return false;
                }

                // The rule as a booking through the app writes it (days, interval, until), expanded as the app does.
                var firstLocal = first.ToDateTime(time, DateTimeKind.Unspecified);
                var errors = new FieldErrors();
                var rule = Recurrence.Normalise(new RecurrenceRequest(Days: chosen, Interval: interval, Until: until), firstLocal, school.TimeZone, errors);
                IReadOnlyList<DateTime> locals = rule is null ? [] : Recurrence.Expand(rule, firstLocal, school.TimeZone, errors);
                if (rule is null || errors.Any || locals.Count == 0 || !locals.All(l => Free(tutor, group, l)))
                {
                    continue;
                }

                var starts = locals.Select(l => SessionTimes.ToUtc(l, zone)).ToList();

                var row = new TutoringSeries
                {
                    SchoolId = schoolId,
                    TutorId = tutors[tutor].Id,
                    Subject = subject,
                    RecurrenceRule = rule,
                    TimeZone = school.TimeZone,
                    FirstStartUtc = starts[0],
                    DurationMinutes = minutes,
                };
                var link = Link(tutor, online);
                var booked = starts.Select(s => new Booked(tutor, subject, group, s, minutes, online ? null : Tutors[tutor].Room, link) { RecurrenceId = s }).ToList();
                foreach (var l in locals)
                {
                    Take(tutor, group, l);
                }

                series.Add((row, booked));
                return true;
            }

            return false;
        }

        bool BookOnce(int tutor, string subject, int[] group, int minutes, DateOnly date, TimeOnly time, bool online)
        {
            var local = date.ToDateTime(time, DateTimeKind.Unspecified);
            if (!Free(tutor, group, local))
            {
                return false;
            }

            Take(tutor, group, local);
            oneOffs.Add(new Booked(tutor, subject, group, Utc(date, time), minutes, online ? null : Tutors[tutor].Room, Link(tutor, online)));
            return true;
        }

        int TutorFor(string subject) =>
            Enumerable.Range(0, Tutors.Length).Where(i => Tutors[i].Subjects.Contains(subject)).OrderBy(_ => random.Next()).First();
        int Minutes(int student) => yearOf[student] <= 8 && random.NextDouble() < 0.5 ? 45 : 60;

        // Small groups first (they need everyone free at once): two or three students of one year group.
        var groups = Math.Max(1, tutees.Count / 15);
        for (var g = 0; g < groups; g++)
        {
            var subject = g % 2 == 0 ? "Maths" : Pick(random, ["Chemistry", "English", "Biology"]);
            var year = tutees[random.Next(tutees.Count)].YearGroup;
            var members = tutees.Where(s => s.YearGroup == year).OrderBy(_ => random.Next()).Take(2 + random.Next(2)).Select(s => s.Id).ToArray();
            if (members.Length >= 2)
            {
                var tutor = Enumerable.Range(0, Tutors.Length).Where(i => Tutors[i].Room is not null && Tutors[i].Subjects.Contains(subject)).OrderBy(_ => random.Next()).First();
                BookSeries(tutor, subject, members, 60, 1, false, from, to, online: false);
            }
        }

        // Then each tutee: one subject, a second for a quarter of them; weekly mostly, some twice a week or
        // fortnightly, some a handful of one-offs; some started later than the window, some stopped before today.
        foreach (var tutee in tutees)
        {
            var subjects = new List<string> { Weighted(random, Demand) };
            if (random.NextDouble() < 0.25)
            {
                subjects.Add(Weighted(random, [.. Demand.Where(d => d.Subject != subjects[0])]));
            }

            foreach (var subject in subjects)
            {
                var tutor = TutorFor(subject);
                var online = Tutors[tutor].Room is null || random.NextDouble() < 0.2;
                var kind = random.NextDouble();
                var start = random.NextDouble() < 0.75 ? from : from.AddDays(7 * random.Next(1, 6));
                var until = random.NextDouble() < 0.88 ? to : today.AddDays(-7 * random.Next(1, 4));
                var minutes = Minutes(tutee.Id);
                if (kind < 0.1)
                {
                    // Exam preparation booked as it came: three to five single sessions.
                    for (var n = 3 + random.Next(3); n > 0; n--)
                    {
                        var date = from.AddDays(random.Next(to.DayNumber - from.DayNumber + 1));
                        if (Tutors[tutor].Days.Contains(date.DayOfWeek))
                        {
                            var slots = SlotsOn(date.DayOfWeek);
                            BookOnce(tutor, subject, [tutee.Id], minutes, date, slots[random.Next(slots.Length)], online);
                        }
                    }
                }
                else
                {
                    BookSeries(tutor, subject, [tutee.Id], minutes, kind < 0.2 ? 2 : 1, kind is >= 0.2 and < 0.32, start, until, online);
                }
            }
        }

        // The Sunday of mock-exam practice: a group with the tutor who made herself available.
        var mock = tutees.Where(s => s.YearGroup >= 10).OrderBy(_ => random.Next()).Take(3).Select(s => s.Id).ToArray();
        if (mock.Length >= 2)
        {
            BookOnce(4, "English", mock, 60, sunday, SundaySlots[0], online: false);
        }

        // 5. Sessions as rows: an occurrence of a series moved on its own (one past, one ahead), statuses by date.
        var all = series.SelectMany(s => s.Sessions).Concat(oneOffs).ToList();
        foreach (var past in (bool[])[true, false])
        {
            var candidates = series.SelectMany(s => s.Sessions)
                .Where(b => (Local(b.StartUtc) < today.ToDateTime(TimeOnly.MinValue)) == past && b.Group.Length == 1 && !b.Moved)
                .ToList();
            foreach (var b in candidates.OrderBy(_ => random.Next()).Take(10))
            {
                var date = DateOnly.FromDateTime(Local(b.StartUtc));
                var options = Enumerable.Range(-3, 7).Select(d => date.AddDays(d))
                    .Where(d => d != date && Tutors[b.Tutor].Days.Contains(d.DayOfWeek) && (past ? d < today : d > today))
                    .SelectMany(d => SlotsOn(d.DayOfWeek).Select(t => d.ToDateTime(t, DateTimeKind.Unspecified)))
                    .Where(l => Free(b.Tutor, b.Group, l)).ToList();
                if (options.Count > 0)
                {
                    var local = options[random.Next(options.Count)];
                    Release(b.Tutor, b.Group, Local(b.StartUtc));
                    Take(b.Tutor, b.Group, local);
                    b.StartUtc = TimeZoneInfo.ConvertTimeToUtc(local, zone);
                    b.Moved = true;
                    break;
                }
            }
        }

        var rates = new List<TutoringRate> { new() { SchoolId = schoolId, HourlyRate = 36m } };
        rates.AddRange(SubjectRates.Select(r => new TutoringRate { SchoolId = schoolId, Subject = r.Subject, HourlyRate = r.Rate }));
        rates.AddRange(Enumerable.Range(0, tutors.Count).Where(i => Tutors[i].Rate is not null)
            .Select(i => new TutoringRate { SchoolId = schoolId, TutorId = tutors[i].Id, HourlyRate = Tutors[i].Rate!.Value }));
        // A sibling rate and a bursary.
        rates.Add(new TutoringRate { SchoolId = schoolId, StudentId = tutees[0].Id, HourlyRate = 30m });
        if (tutees.Count > 5)
        {
            rates.Add(new TutoringRate { SchoolId = schoolId, StudentId = tutees[5].Id, HourlyRate = 20m });
        }

        var sessions = new List<(TutoringSession Row, Booked Booking, List<TutoringSessionStudent> Students)>();
        var futureCancels = 0;
        foreach (var b in all.OrderBy(b => b.StartUtc).ThenBy(b => b.Tutor))
        {
            var local = Local(b.StartUtc);
            var date = DateOnly.FromDateTime(local);
            var tutor = tutors[b.Tutor];
            var row = new TutoringSession
            {
                SchoolId = schoolId,
                RecurrenceIdUtc = b.RecurrenceId,
                Detached = b.Moved,
                TutorId = tutor.Id,
                Subject = b.Subject,
                BranchId = b.Room is null ? null : branch.Id,
                Location = b.Room,
                OnlineLink = b.Link,
                StartUtc = b.StartUtc,
                EndUtc = b.StartUtc.AddMinutes(b.Minutes),
                TimeZone = school.TimeZone,
                Status = SessionStatus.Scheduled,
                Notes = b.Group.Length > 1 && random.NextDouble() < 0.5 ? "Bring past papers" : null,
            };
            var people = b.Group.Select(s => new TutoringSessionStudent { StudentId = s, Attendance = SessionAttendance.Unmarked }).ToList();
            var away = exceptions.Any(e => e.TutorId == tutor.Id && !e.Available && e.Date == date
                && (e.StartTime is null || (e.StartTime <= TimeOnly.FromDateTime(local) && TimeOnly.FromDateTime(local) < e.EndTime)));
            if (away)
            {
                row.Status = SessionStatus.Cancelled;
                row.CancelReason = exceptions.Single(e => e.TutorId == tutor.Id && e.Date == date).Reason == "Training day"
                    ? "Tutor away: training day" : "Tutor unavailable: hospital appointment";
            }
            else if (date >= today)
            {
                if (futureCancels < 2 && b.Group.Length == 1 && !b.Moved && random.NextDouble() < 0.02)
                {
                    (row.Status, row.CancelReason) = (SessionStatus.Cancelled, FutureCancelReasons[futureCancels++]);
                }
            }
            else
            {
                var roll = random.NextDouble();
                if (roll < 0.08 && !b.Moved)
                {
                    (row.Status, row.CancelReason) = (SessionStatus.Cancelled, Pick(random, PastCancelReasons));
                }
                else if (roll < 0.13 && b.Group.Length == 1 && !b.Moved)
                {
                    row.Status = SessionStatus.NoShow;
                    row.LogNote = Pick(random, ["Did not arrive; guardian contacted", "No-show, no message", "Did not join the call"]);
                    people[0].Attendance = SessionAttendance.Absent;
                }
                else
                {
                    row.Status = SessionStatus.Completed;
                    row.LogNote = $"Covered {Pick(random, Topics[b.Subject])}: {Pick(random, Progress)}.";
                    foreach (var p in people)
                    {
                        p.Attendance = random.NextDouble() switch
                        {
                            < 0.06 when people.Count > 1 => SessionAttendance.Absent,
                            < 0.12 => SessionAttendance.Late,
                            _ => SessionAttendance.Present,
                        };
                    }

                    if (people.All(p => p.Attendance == SessionAttendance.Absent))
                    {
                        people[0].Attendance = SessionAttendance.Present;
                    }

                    // An intensive session before a mock, at a price of its own.
                    if (b.Group.Length == 1 && random.NextDouble() < 0.01)
                    {
                        row.RateOverride = 50m;
                    }
                }

                if (row.Status != SessionStatus.Cancelled)
                {
                    row.LoggedAt = row.EndUtc.AddMinutes(random.Next(5, 240));
                    row.LoggedByUserId = tutor.UserId;
                }
            }

            if (row.Status == SessionStatus.Completed)
            {
                foreach (var p in people)
                {
                    p.Rate = TutoringPricing.RateFor(rates, row, p.StudentId);
                    p.Amount = p.Rate is { } hourly ? TutoringPricing.Amount(hourly, row) : null;
                }
            }

            sessions.Add((row, b, people));
        }

        db.ChangeTracker.Clear();
        db.TutorAvailability.AddRange(availability);
        db.TutorAvailabilityExceptions.AddRange(exceptions);
        db.TutoringRates.AddRange(rates);
        db.TutoringSeries.AddRange(series.Select(s => s.Series));
        await db.SaveChangesAsync(cancellationToken);
        var seriesOf = series.SelectMany(s => s.Sessions.Select(b => (b, s.Series.Id))).ToDictionary(x => x.b, x => x.Id);
        foreach (var (row, b, _) in sessions)
        {
            row.SeriesId = seriesOf.TryGetValue(b, out var id) ? id : null;
        }

        await DemoBulkInsert.InsertAuditedAsync(db, [.. sessions.Select(s => s.Row)], now, cancellationToken);
        db.ChangeTracker.Clear();
        foreach (var (row, _, people) in sessions)
        {
            people.ForEach(p => p.SessionId = row.Id);
        }

        db.TutoringSessionStudents.AddRange(sessions.SelectMany(s => s.Students));
        await db.SaveChangesAsync(cancellationToken);

        // 6. Invoices for the months before this one: one per family (its first-priority guardian), numbered from 1.
        var periodTo = new DateOnly(today.Year, today.Month, 1).AddDays(-1);
        var periodFrom = new DateOnly(from.Year, from.Month, 1);
        var issued = periodTo.AddDays(1);
        var billable = sessions.Where(s => s.Row.Status == SessionStatus.Completed && DateOnly.FromDateTime(Local(s.Row.StartUtc)) <= periodTo)
            .SelectMany(s => s.Students.Where(p => p.Amount is not null).Select(p => (Session: s, Student: p)))
            .GroupBy(x => payerOf[x.Student.StudentId]).OrderBy(g => g.Key).ToList();
        var invoices = new List<(Invoice Invoice, List<(InvoiceLine Line, TutoringSessionStudent Student)> Lines)>();
        var number = 0;
        foreach (var familyLines in billable)
        {
            var lines = familyLines.OrderBy(x => x.Session.Row.StartUtc).ThenBy(x => x.Student.StudentId)
                .Select((x, i) => (Line: new InvoiceLine
                {
                    Position = i + 1,
                    SessionStudentId = x.Student.Id,
                    StudentId = x.Student.StudentId,
                    Date = DateOnly.FromDateTime(Local(x.Session.Row.StartUtc)),
                    Description = $"{x.Session.Row.Subject}{(x.Session.Booking.Group.Length > 1 ? " (group)" : string.Empty)} with "
                        + $"{tutors[x.Session.Booking.Tutor].FirstName} {tutors[x.Session.Booking.Tutor].LastName}, {x.Session.Booking.Minutes} min",
                    Hours = x.Session.Booking.Minutes / 60m,
                    Rate = x.Student.Rate!.Value,
                    Amount = x.Student.Amount!.Value,
                }, x.Student)).ToList();
            invoices.Add((NewInvoice(schoolId, school.Currency, familyLines.Key, ++number, periodFrom, periodTo, issued, Utc(issued, new TimeOnly(9, 0)), lines), lines));
        }

        // One was sent before the family's last session of the month was logged: voided, and re-issued with it.
        var voided = invoices.Where(i => i.Lines.Count >= 3).Select(i => i.Invoice).LastOrDefault();
        if (voided is not null)
        {
            var lines = invoices.Single(i => i.Invoice == voided).Lines;
            List<(InvoiceLine Line, TutoringSessionStudent Student)> again = [.. lines.Select(l => (new InvoiceLine
            {
                Position = l.Line.Position,
                SessionStudentId = l.Line.SessionStudentId,
                StudentId = l.Line.StudentId,
                Date = l.Line.Date,
                Description = l.Line.Description,
                Hours = l.Line.Hours,
                Rate = l.Line.Rate,
                Amount = l.Line.Amount,
            }, l.Student))];
            invoices.Add((NewInvoice(schoolId, school.Currency, voided.GuardianId, ++number, periodFrom, periodTo, issued.AddDays(2),
                Utc(issued.AddDays(2), new TimeOnly(10, 0)), again), again));
            lines.RemoveAt(lines.Count - 1);
            voided.Lines.RemoveAt(voided.Lines.Count - 1);
            voided.Total = lines.Sum(l => l.Line.Amount);
            voided.Status = InvoiceStatus.Void;
            voided.VoidedAt = voided.SentAt!.Value.AddDays(2);
            voided.VoidReason = "Sent before the last session of the month was logged; re-issued with it";
        }

        // Payments: most in full, some in part, some not yet; never after today.
        var payments = new List<Payment>();
        foreach (var invoice in invoices.Select(i => i.Invoice).Where(i => i.Status == InvoiceStatus.Sent))
        {
            var roll = random.NextDouble();
            var days = Math.Max(0, today.DayNumber - invoice.IssuedOn!.Value.DayNumber);
            if (roll < 0.15 || (days == 0 && roll < 0.5))
            {
                continue;
            }

            var amount = roll < 0.28 ? Math.Max(1m, Math.Floor(invoice.Total / 2m)) : invoice.Total;
            payments.Add(new Payment
            {
                SchoolId = schoolId,
                Amount = amount,
                PaidOn = invoice.IssuedOn.Value.AddDays(random.Next(0, Math.Min(days, 20) + 1)),
                Method = Pick(random, PaymentMethods),
                Reference = $"INV-{invoice.Number:0000}",
                Invoice = invoice,
            });
            invoice.Paid = amount;
            invoice.Status = amount == invoice.Total ? InvoiceStatus.Paid : InvoiceStatus.Sent;
        }

        db.ChangeTracker.Clear();
        db.Invoices.AddRange(invoices.Select(i => i.Invoice));
        db.Payments.AddRange(payments);
        var counter = await db.InvoiceCounters.FirstOrDefaultAsync(c => c.SchoolId == schoolId, cancellationToken);
        if (counter is null)
        {
            db.InvoiceCounters.Add(new InvoiceCounter { SchoolId = schoolId, NextNumber = number + 1, Version = new Guid(Bytes(random)) });
        }
        else
        {
            (counter.NextNumber, counter.Version) = (number + 1, new Guid(Bytes(random)));
            db.Entry(counter).State = EntityState.Modified;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (voided is not null)
        {
            var reissued = invoices[^1].Invoice;
            reissued.ReplacesId = voided.Id;
            db.Entry(reissued).Property(i => i.ReplacesId).IsModified = true;
        }

        // The live invoices' lines bill the sessions (a voided invoice's lines stay as history, linked to nothing).
        foreach (var (invoice, lines) in invoices.Where(i => i.Invoice.Status != InvoiceStatus.Void))
        {
            foreach (var (line, student) in lines)
            {
                student.InvoiceLineId = line.Id;
                db.Attach(student).Property(s => s.InvoiceLineId).IsModified = true;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        progress.Report($"  tutoring: {tutors.Count} tutors ({string.Join(", ", signIns)}), {tutees.Count} tutees, {series.Count} series, "
            + $"{sessions.Count} sessions ({sessions.Count(s => s.Row.Status == SessionStatus.Completed)} completed), {invoices.Count} invoices, {payments.Count} payments");
    }

    private static Invoice NewInvoice(
        int schoolId, string currency, int guardianId, int number, DateOnly from, DateOnly to, DateOnly issued, DateTime sentAt,
        List<(InvoiceLine Line, TutoringSessionStudent Student)> lines) => new()
        {
            SchoolId = schoolId,
            Number = number,
            GuardianId = guardianId,
            Status = InvoiceStatus.Sent,
            Currency = currency,
            PeriodFrom = from,
            PeriodTo = to,
            IssuedOn = issued,
            DueOn = issued.AddDays(14),
            Total = lines.Sum(l => l.Line.Amount),
            SentAt = sentAt,
            Lines = [.. lines.Select(l => l.Line)],
        };

    private static TimeOnly[] SlotsOn(DayOfWeek day) => day switch
    {
        DayOfWeek.Saturday => SaturdaySlots,
        DayOfWeek.Sunday => SundaySlots,
        _ => WeekdaySlots,
    };

    private static DateOnly Monday(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    /// <summary>The first date on or after <paramref name="date"/> that falls on one of <paramref name="days"/>.</summary>
    private static DateOnly NextOn(DateOnly date, DayOfWeek[] days)
    {
        while (!days.Contains(date.DayOfWeek))
        {
            date = date.AddDays(1);
        }

        return date;
    }

    private static DayOfWeek[] PickTwo(Random random, DayOfWeek[] days)
    {
        // Two days with a day between them where the tutor has such (Tuesday and Thursday rather than Monday and Tuesday).
        var pairs = days.SelectMany(a => days.Where(b => b - a >= 2).Select(b => new[] { a, b })).ToList();
        return pairs.Count == 0 ? [] : pairs[random.Next(pairs.Count)];
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Weighted(Random random, (string Subject, double Weight)[] items)
    {
        var pick = random.NextDouble() * items.Sum(i => i.Weight);
        foreach (var (subject, weight) in items)
        {
            pick -= weight;
            if (pick < 0)
            {
                return subject;
            }
        }

        return items[^1].Subject;
    }

    private static byte[] Bytes(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Ascii(string text)
    {
        var ascii = new string([.. text.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        return ascii.Length > 0 ? ascii : "x";
    }

    /// <summary>One planned session: its tutor (index), group, UTC start and, for an occurrence of a series, the start the rule gave it.</summary>
    private sealed class Booked(int tutor, string subject, int[] group, DateTime startUtc, int minutes, string? room, string? link)
    {
        public int Tutor { get; } = tutor;

        public string Subject { get; } = subject;

        public int[] Group { get; } = group;

        public DateTime StartUtc { get; set; } = startUtc;

        public int Minutes { get; } = minutes;

        public string? Room { get; } = room;

        public string? Link { get; } = link;

        public DateTime? RecurrenceId { get; init; }

        public bool Moved { get; set; }
    }
}
