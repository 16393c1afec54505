using Bogus;
using Lyceum.Modules.Academics;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Data;

namespace Lyceum.Platform.Demo;

/// <summary>
/// The records part of a demo school: an English-style 11–16 secondary school with year groups 7–11, a six-period
/// day, nine departments, families of one to three children with one or two guardians, and a clash-free timetable
/// built from option blocks. Every student takes the four core subjects and one to four options (5–8 sections).
/// </summary>
/// <remarks>
/// The timetable is clash-free by construction: within a year group each block has its own slots, so a student never
/// has two sections at once; teachers and rooms are then given only sections whose slots are free for them, and a
/// department hires another teacher (or gets another room) when nobody is free. So the staff count follows the
/// school's size (about 40 for 600 students).
/// </remarks>
public sealed class RecordsDemo : IDemoContributor
{
    public const string CurrentTermKey = "records.currentTerm";
    public const string SectionsKey = "records.sections";

    private const int SlotsPerDay = 6;
    private const int Days = 5;
    private const int SectionSize = 30;
    private const int MaxTeachingPeriods = 26;
    private const int BatchStudents = 500;

    private static readonly int[] YearGroups = [7, 8, 9, 10, 11];

    // Block sizes in periods a week: 6 × 4 + 2 × 3 = 30, the whole week.
    private static readonly int[] BlockSizes = [4, 4, 4, 4, 4, 4, 3, 3];
    private static readonly int[] CoreBlocks = [0, 1, 2, 6];
    private static readonly int[] OptionBlocks = [3, 4, 5, 7];

    private static readonly (string Code, string Name, string Room, int RoomCapacity)[] DepartmentList =
    [
        ("EN", "English", "E", 30), ("MA", "Mathematics", "M", 30), ("SC", "Science", "Lab ", 28),
        ("HU", "Humanities", "H", 30), ("ML", "Modern Languages", "L", 30), ("AR", "Creative Arts", "A", 30),
        ("CS", "Computing", "C", 30), ("DT", "Design and Technology", "D", 24), ("PE", "Physical Education", "Sports Hall ", 60),
    ];

    private static readonly (string Code, string Name, string Department, int Block)[] Subjects =
    [
        ("EN", "English", "EN", 0), ("MA", "Mathematics", "MA", 1), ("SC", "Science", "SC", 2), ("PE", "Physical Education", "PE", 6),
        ("HI", "History", "HU", 3), ("GE", "Geography", "HU", 3),
        ("FR", "French", "ML", 4), ("ES", "Spanish", "ML", 4),
        ("AR", "Art", "AR", 5), ("MU", "Music", "AR", 5), ("CS", "Computing", "CS", 5),
        ("DT", "Design and Technology", "DT", 7), ("RS", "Religious Studies", "HU", 7), ("DR", "Drama", "AR", 7),
    ];

    private static readonly (string Job, string? Department)[] SupportStaff =
    [
        ("Headteacher", null), ("Deputy Headteacher", null), ("Business Manager", null), ("Office Manager", null),
        ("Receptionist", null), ("Attendance Officer", null), ("Exams Officer", null), ("SENCo", null),
        ("IT Technician", null),
    ];

    public int Order => 0;

    public async Task ContributeAsync(DemoSchool demo, LyceumDbContext db, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var f = demo.Faker;
        var school = demo.School;
        var domain = school.Website!.Replace("https://", string.Empty, StringComparison.Ordinal);

        // 1. Structure: year, terms, bell schedule, departments, courses.
        var startYear = demo.Today.Month >= 8 ? demo.Today.Year : demo.Today.Year - 1;
        var year = new AcademicYear
        {
            School = school,
            Name = $"{startYear}–{(startYear + 1) % 100:00}",
            StartDate = new DateOnly(startYear, 9, 1),
            EndDate = new DateOnly(startYear + 1, 7, 20),
            Terms =
            [
                new Term { Name = "Autumn", StartDate = new DateOnly(startYear, 9, 1), EndDate = new DateOnly(startYear, 12, 19) },
                new Term { Name = "Spring", StartDate = new DateOnly(startYear + 1, 1, 5), EndDate = new DateOnly(startYear + 1, 3, 27) },
                new Term { Name = "Summer", StartDate = new DateOnly(startYear + 1, 4, 13), EndDate = new DateOnly(startYear + 1, 7, 20) },
            ],
        };
        var term = year.Terms.FirstOrDefault(t => t.EndDate >= demo.Today) ?? year.Terms[^1];
        var periods = new[] { ("P1", 8, 50), ("P2", 9, 40), ("P3", 10, 50), ("P4", 11, 40), ("P5", 13, 30), ("P6", 14, 20) }
            .Select((p, i) => new Period
            {
                SchoolId = 0,
                Name = p.Item1,
                Order = i + 1,
                StartTime = new TimeOnly(p.Item2, p.Item3),
                EndTime = new TimeOnly(p.Item2, p.Item3).AddMinutes(50),
            }).ToArray();
        var departments = DepartmentList.ToDictionary(d => d.Code, d => new Department { Name = d.Name, Code = d.Code });
        var courses = new Dictionary<(int Year, string Subject), Course>();
        foreach (var y in YearGroups)
        {
            foreach (var s in Subjects)
            {
                courses[(y, s.Code)] = new Course
                {
                    Code = $"Y{y}-{s.Code}",
                    Name = $"Year {y} {s.Name}",
                    YearGroup = y,
                    PeriodsPerWeek = BlockSizes[s.Block],
                    Department = departments[s.Department],
                };
            }
        }

        db.Schools.Add(school);
        db.AcademicYears.Add(year);
        await db.SaveChangesAsync(cancellationToken);
        // The main site and a second one, as many schools have.
        db.Branches.AddRange(
            new Branch { SchoolId = school.Id, Name = "Main site", Address = school.Address, Phone = school.Phone },
            // Without the faker: the rest of the demo draws the same values as before branches existed.
            new Branch { SchoolId = school.Id, Name = "Sixth-form centre", Address = $"2 {DemoNames.Streets[school.Id % DemoNames.Streets.Length]}", Phone = school.Phone });
        foreach (var p in periods)
        {
            p.SchoolId = school.Id;
        }

        foreach (var d in departments.Values)
        {
            d.SchoolId = school.Id;
        }

        foreach (var c in courses.Values)
        {
            c.SchoolId = school.Id;
        }

        db.Periods.AddRange(periods);
        db.Departments.AddRange(departments.Values);
        db.Courses.AddRange(courses.Values);
        await db.SaveChangesAsync(cancellationToken);

        // 2. Families and students, in memory first: options decide how many sections each course needs.
        var students = MakeFamilies(demo, domain, startYear, out var links);
        foreach (var (student, _) in students)
        {
            student.AcademicYearId = year.Id;
        }

        // 3. Sections per year, block and subject; students spread over them.
        var sections = new List<(Section Section, int Block, string Department, int Year)>();
        var enrolments = new List<(Student Student, Section Section)>();
        foreach (var y in YearGroups)
        {
            var cohort = students.Where(s => s.Student.YearGroup == y).ToList();
            foreach (var subject in Subjects)
            {
                var takers = cohort.Where(s => s.Subjects.Contains(subject.Code)).Select(s => s.Student).ToList();
                var count = (takers.Count + SectionSize - 1) / SectionSize;
                var made = Enumerable.Range(1, count).Select(k => new Section
                {
                    Name = $"{y}{subject.Code}{k}",
                    CourseId = courses[(y, subject.Code)].Id,
                    TermId = term.Id,
                    // A couple of places to spare, as a timetabler leaves them: a newcomer can join mid-year.
                    Capacity = SectionSize + 2,
                    Meetings = [.. SlotsOf(y, subject.Block).Select(slot => new SectionMeeting
                    {
                        Day = DayOfWeek.Monday + slot / SlotsPerDay,
                        PeriodId = periods[slot % SlotsPerDay].Id,
                    })],
                }).ToList();
                sections.AddRange(made.Select(s => (s, subject.Block, subject.Department, y)));
                enrolments.AddRange(takers.Select((student, i) => (student, made[i % count])));
            }
        }

        // 4. Teachers and rooms: each takes only sections whose slots it has free.
        var staff = new List<StaffMember>();
        var teachers = departments.Keys.ToDictionary(k => k, _ => new List<(StaffMember Teacher, HashSet<int> Busy)>());
        var rooms = departments.Keys.ToDictionary(k => k, _ => new List<(Room Room, HashSet<int> Busy)>());
        var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (section, block, department, y) in sections)
        {
            var slots = SlotsOf(y, block).ToHashSet();
            var teacher = teachers[department]
                .Where(t => !t.Busy.Overlaps(slots) && t.Busy.Count + slots.Count <= MaxTeachingPeriods)
                .OrderBy(t => t.Busy.Count)
                .FirstOrDefault();
            if (teacher.Teacher is null)
            {
                var deptName = departments[department].Name;
                var member = NewStaff(f, school, domain, emails, staff.Count + 1,
                    teachers[department].Count == 0 ? $"Head of {deptName}" : $"Teacher of {deptName}");
                member.DepartmentId = departments[department].Id;
                staff.Add(member);
                teacher = (member, []);
                teachers[department].Add(teacher);
            }

            teacher.Busy.UnionWith(slots);
            section.Teacher = teacher.Teacher;

            var room = rooms[department].FirstOrDefault(r => !r.Busy.Overlaps(slots));
            if (room.Room is null)
            {
                var spec = DepartmentList.First(d => d.Code == department);
                room = (new Room
                {
                    SchoolId = school.Id,
                    Name = $"{spec.Room}{rooms[department].Count + 1}",
                    Building = department is "PE" ? "Sports Centre" : "Main Building",
                    Capacity = spec.RoomCapacity,
                }, []);
                rooms[department].Add(room);
            }

            room.Busy.UnionWith(slots);
            section.Room = room.Room;
        }

        foreach (var (job, _) in SupportStaff)
        {
            staff.Add(NewStaff(f, school, domain, emails, staff.Count + 1, job));
        }

        db.ChangeTracker.Clear();
        db.Staff.AddRange(staff);
        db.Rooms.AddRange(rooms.Values.SelectMany(r => r).Select(r => r.Room));
        db.Sections.AddRange(sections.Select(s => s.Section));
        await db.SaveChangesAsync(cancellationToken);
        progress.Report($"  {staff.Count} staff, {sections.Count} sections, {rooms.Values.Sum(r => r.Count)} rooms");

        // 5. People, in batches so that a 15,000-student seed neither tracks everything at once nor stays silent.
        var bySection = enrolments.ToLookup(e => e.Student, e => e.Section.Id);
        var guardiansOf = links.ToLookup(l => l.Student);
        var saved = 0;
        foreach (var batch in students.Select(s => s.Student).Chunk(BatchStudents))
        {
            db.ChangeTracker.Clear();
            foreach (var student in batch)
            {
                student.Enrollments = [.. bySection[student].Select(id => new Enrollment { SectionId = id, EnrolledOn = term.StartDate })];
                student.Guardians = [.. guardiansOf[student]];
                foreach (var link in student.Guardians.Where(l => l.Guardian!.Id != 0))
                {
                    // A sibling in an earlier batch already saved this guardian: link by key, do not insert again.
                    link.GuardianId = link.Guardian!.Id;
                    link.Guardian = null;
                }
            }

            db.Students.AddRange(batch);
            await db.SaveChangesAsync(cancellationToken);
            saved += batch.Length;
            progress.Report($"  students {saved}/{students.Count}");
        }

        demo.Items[CurrentTermKey] = term.Id;
        demo.Items[SectionsKey] = sections.Select(s => s.Section.Id).ToArray();
    }

    /// <summary>The week's slots (day × 6 + period) of a block in a year group; year groups rotate so departments spread out.</summary>
    internal static IEnumerable<int> SlotsOf(int yearGroup, int block)
    {
        var sequence = BlockSizes.SelectMany((size, b) => Enumerable.Repeat(b, size)).ToArray();
        var shift = 4 * (yearGroup - YearGroups[0]);
        for (var day = 0; day < Days; day++)
        {
            for (var period = 0; period < SlotsPerDay; period++)
            {
                if (sequence[(period * Days + day + shift) % sequence.Length] == block)
                {
                    yield return day * SlotsPerDay + period;
                }
            }
        }
    }

    private static List<(Student Student, HashSet<string> Subjects)> MakeFamilies(
        DemoSchool demo, string domain, int startYear, out List<StudentGuardian> links)
    {
        var f = demo.Faker;
        var school = demo.School;
        links = [];
        // Balanced year groups, shuffled so that siblings land in different years.
        var pool = f.Random.Shuffle(Enumerable.Range(0, demo.Students).Select(i => YearGroups[i % YearGroups.Length])).ToList();
        var students = new List<(Student, HashSet<string>)>(demo.Students);
        var formCounts = new Dictionary<int, int>();
        var perYear = pool.GroupBy(y => y).ToDictionary(g => g.Key, g => g.Count());
        var next = 0;
        while (next < pool.Count)
        {
            var children = Math.Min(f.Random.WeightedRandom([1, 2, 3], [0.6f, 0.32f, 0.08f]), pool.Count - next);
            var surname = f.PickRandom(DemoNames.Surnames);
            var address = $"{f.Random.Int(1, 180)} {f.PickRandom(DemoNames.Streets)}, {f.PickRandom(DemoNames.Towns)}, {f.Address.ZipCode()}";
            var guardians = new List<(Guardian Guardian, Relationship Relationship)>();
            var single = f.Random.Bool(0.2f);
            var first = single && f.Random.Bool(0.3f)
                ? f.PickRandom(Relationship.Grandparent, Relationship.Carer, Relationship.Father)
                : Relationship.Mother;
            guardians.Add((NewGuardian(f, school, first, f.Random.Bool(0.85f) ? surname : f.PickRandom(DemoNames.Surnames), address), first));
            if (!single)
            {
                var second = f.Random.Bool(0.9f) ? Relationship.Father : Relationship.Stepfather;
                guardians.Add((NewGuardian(f, school, second, surname, address), second));
            }

            for (var c = 0; c < children; c++, next++)
            {
                var y = pool[next];
                var gender = f.Random.WeightedRandom([Gender.Female, Gender.Male, Gender.Unspecified], [0.49f, 0.49f, 0.02f]);
                var firstName = f.PickRandom(gender == Gender.Male ? DemoNames.Male : DemoNames.Female);
                var number = next + 1;
                var index = formCounts[y] = formCounts.GetValueOrDefault(y) + 1;
                var forms = Math.Max(1, (perYear[y] + SectionSize - 1) / SectionSize);
                var born = new DateOnly(startYear - y - 5, 9, 1).AddDays(f.Random.Int(0, 364));
                var student = new Student
                {
                    SchoolId = school.Id,
                    StudentNumber = $"{100000 + number}",
                    FirstName = firstName,
                    LastName = surname,
                    PreferredName = f.Random.Bool(0.05f) ? firstName[..Math.Min(3, firstName.Length)] : null,
                    DateOfBirth = born,
                    Gender = gender,
                    YearGroup = y,
                    FormGroup = $"{y}{FormLetter((index - 1) % forms)}",
                    Email = $"{Ascii(firstName)}.{Ascii(surname)}{number}@students.{domain}",
                    Address = address,
                    AdmittedOn = new DateOnly(startYear - (y - YearGroups[0]), 9, 1),
                };

                var options = f.PickRandom(OptionBlocks, f.Random.Int(1, OptionBlocks.Length)).ToHashSet();
                var subjects = Subjects
                    .Where(s => CoreBlocks.Contains(s.Block))
                    .Select(s => s.Code)
                    .Concat(options.Select(b => f.PickRandom(Subjects.Where(s => s.Block == b).ToArray()).Code))
                    .ToHashSet();
                students.Add((student, subjects));

                for (var g = 0; g < guardians.Count; g++)
                {
                    links.Add(new StudentGuardian
                    {
                        Student = student,
                        Guardian = guardians[g].Guardian,
                        Relationship = guardians[g].Relationship,
                        LivesWith = g == 0 || f.Random.Bool(0.85f),
                        MayCollect = true,
                        ReceivesMail = g == 0 || f.Random.Bool(0.7f),
                        HasParentalResponsibility = guardians[g].Relationship is not (Relationship.Grandparent or Relationship.Carer),
                        ContactPriority = g + 1,
                    });
                }
            }
        }

        return students;
    }

    private static Guardian NewGuardian(Faker f, School school, Relationship relationship, string surname, string address)
    {
        var male = relationship is Relationship.Father or Relationship.Stepfather || (relationship is not Relationship.Mother && f.Random.Bool());
        var first = f.PickRandom(male ? DemoNames.Male : DemoNames.Female);
        return new Guardian
        {
            SchoolId = school.Id,
            Title = male ? "Mr" : f.PickRandom("Mrs", "Ms", "Miss"),
            FirstName = first,
            LastName = surname,
            Email = $"{Ascii(first)}.{Ascii(surname)}{f.Random.Int(1, 999)}@{f.PickRandom("example.com", "example.org", "example.net")}",
            Phone = f.Phone.PhoneNumber("07### ######"),
            Address = address,
        };
    }

    private static StaffMember NewStaff(Faker f, School school, string domain, HashSet<string> emails, int number, string job)
    {
        var male = f.Random.Bool();
        var first = f.PickRandom(male ? DemoNames.Male : DemoNames.Female);
        var last = f.PickRandom(DemoNames.Surnames);
        var email = $"{Ascii(first)[0]}.{Ascii(last)}@{domain}";
        for (var n = 2; !emails.Add(email); n++)
        {
            email = $"{Ascii(first)[0]}.{Ascii(last)}{n}@{domain}";
        }

        return new StaffMember
        {
            SchoolId = school.Id,
            StaffNumber = $"ST{number:000}",
            Title = male ? f.PickRandom("Mr", "Mr", "Dr") : f.PickRandom("Mrs", "Ms", "Miss", "Dr"),
            FirstName = first,
            LastName = last,
            Email = email,
            Phone = f.Phone.PhoneNumber("01### ######"),
            JobTitle = job,
        };
    }

    private static string FormLetter(int index) =>
        index < 26 ? ((char)('A' + index)).ToString() : $"{(char)('A' + index / 26 - 1)}{(char)('A' + index % 26)}";

    private static string Ascii(string text)
    {
        var ascii = new string([.. text.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        return ascii.Length > 0 ? ascii : "x";
    }
}
