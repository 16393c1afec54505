using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Modules.Tutoring;
using Lyceum.Platform.Identity;

namespace Lyceum.IntegrationTests.Modules.Tutoring.Feeds;

/// <summary>
/// A school in Europe/London with two tutors: Tutor One teaches a weekly Maths series (Ann and Bob, 16:00–17:00 London
/// time) over a daylight-saving change, with one occurrence moved, one cancelled and one re-staffed with Bob alone, and
/// a one-off Physics session with Ann; Tutor Two a one-off Chemistry session with Cat. Ann's guardian has an account.
/// Everything is inserted directly (the sessions API is not this test's subject).
/// </summary>
internal sealed class FeedWorld
{
    public const string Zone = "Europe/London";

    public static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById(Zone);

    public required TutoringSeries Series { get; init; }

    /// <summary>The series' rows in order: [1] moved, [3] Bob alone, [4] cancelled (after the change).</summary>
    public required List<TutoringSession> Rows { get; init; }

    public required TutoringSession OneOff { get; init; }

    public required TutoringSession OtherTutors { get; init; }

    public required HttpClient Tutor { get; init; }

    public required HttpClient OtherTutor { get; init; }

    public required HttpClient Guardian { get; init; }

    public required Guid TutorUser { get; init; }

    public required int TutorStaff { get; init; }

    public required int Ann { get; init; }

    public TutoringSession Moved => Rows[1];

    public TutoringSession BobAlone => Rows[3];

    public TutoringSession Cancelled => Rows[4];

    public static async Task<FeedWorld> CreateAsync(LyceumApp app)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var school = new School { Name = $"Feed school {tag}", Code = $"F{tag}", TimeZone = Zone, Currency = "GBP" };
        await app.InsertAsync(school);
        var branch = new Branch { SchoolId = school.Id, Name = "Riverside" };
        await app.InsertAsync(branch);

        var (tutorUser, tutor) = await AccountAsync(app, RoleNames.Tutor);
        var (otherUser, otherTutor) = await AccountAsync(app, RoleNames.Tutor);
        var one = Staff(school.Id, "Tutor", "One", tutorUser);
        var two = Staff(school.Id, "Tutor", "Two", otherUser);
        await app.InsertAsync(one, two);

        var ann = Pupil(school.Id, "Ann", "Lee");
        var bob = Pupil(school.Id, "Bob", "Ray");
        var cat = Pupil(school.Id, "Cat", "Fox");
        await app.InsertAsync(ann, bob, cat);

        var (guardianUser, guardianClient) = await AccountAsync(app, RoleNames.Guardian);
        var parent = new Guardian { SchoolId = school.Id, FirstName = "Parent", LastName = "Lee", UserId = guardianUser };
        await app.InsertAsync(parent);
        await app.InsertAsync(new StudentGuardian { StudentId = ann.Id, GuardianId = parent.Id, Relationship = Relationship.Mother, ContactPriority = 1 });

        // Six weekly lessons at 16:00 London time, the change of offset between the third and the fourth.
        var firstDay = FirstLessonDay();
        var starts = Enumerable.Range(0, 6).Select(i => Utc(firstDay.AddDays(7 * i), new TimeOnly(16, 0))).ToList();
        var series = new TutoringSeries
        {
            SchoolId = school.Id,
            TutorId = one.Id,
            Subject = "Maths",
            RecurrenceRule = $"FREQ=WEEKLY;BYDAY={firstDay.DayOfWeek.ToString()[..2].ToUpperInvariant()};COUNT=6",
            TimeZone = Zone,
            FirstStartUtc = starts[0],
            DurationMinutes = 60,
        };
        await app.InsertAsync(series);

        var rows = starts.Select(start => Session(school.Id, one.Id, "Maths", start, start.AddHours(1), branch.Id, "Room 4", ann.Id, bob.Id)).ToList();
        foreach (var row in rows)
        {
            row.SeriesId = series.Id;
            row.RecurrenceIdUtc = row.StartUtc;
        }

        // Moved to the next day at 17:00 for 90 minutes.
        var moved = Utc(firstDay.AddDays(8), new TimeOnly(17, 0));
        (rows[1].StartUtc, rows[1].EndUtc, rows[1].Detached) = (moved, moved.AddMinutes(90), true);
        rows[3].Students.RemoveAll(l => l.StudentId == ann.Id);
        rows[3].Detached = true;
        rows[4].Status = SessionStatus.Cancelled;
        rows[4].CancelReason = "Tutor ill";
        await app.InsertAsync([.. rows]);

        var oneOffStart = Utc(firstDay.AddDays(2), new TimeOnly(10, 0));
        var oneOff = Session(school.Id, one.Id, "Physics", oneOffStart, oneOffStart.AddMinutes(45), null, null, ann.Id);
        oneOff.OnlineLink = "https://meet.example.org/physics";
        oneOff.Notes = "Bring last week's paper";
        var otherStart = Utc(firstDay.AddDays(3), new TimeOnly(11, 0));
        var others = Session(school.Id, two.Id, "Chemistry", otherStart, otherStart.AddHours(1), branch.Id, "Lab", cat.Id);
        await app.InsertAsync(oneOff, others);

        return new FeedWorld
        {
            Series = series,
            Rows = rows,
            OneOff = oneOff,
            OtherTutors = others,
            Tutor = tutor,
            OtherTutor = otherTutor,
            Guardian = guardianClient,
            TutorUser = tutorUser,
            TutorStaff = one.Id,
            Ann = ann.Id,
        };
    }

    /// <summary>
    /// A day three weeks before the next change of London's offset that is at least four weeks away, so that the
    /// whole series lies inside the feed's window (90 days back, a year ahead) whenever the test runs.
    /// </summary>
    public static DateOnly FirstLessonDay()
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(28);
        var summer = London.IsDaylightSavingTime(Utc(day, new TimeOnly(12, 0)));
        while (London.IsDaylightSavingTime(Utc(day.AddDays(1), new TimeOnly(12, 0))) == summer)
        {
            day = day.AddDays(1);
        }

        // day is the last one before the change: lessons on days -20, -13, -6 before it and +1, +8, +15 after.
        return day.AddDays(-20);
    }

    /// <summary>A wall-clock time in London as UTC, by .NET's own zone data (not by the library that writes the feed).</summary>
    public static DateTime Utc(DateOnly day, TimeOnly time) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(time, DateTimeKind.Unspecified), London);

    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Makes the signed-in client's feed: its address.</summary>
    public static async Task<Uri> NewFeedAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/api/v1/me/calendar-feed", null);
        var body = await response.JsonAsync(HttpStatusCode.Created);
        return new Uri(body["url"]!.GetValue<string>());
    }

    /// <summary>Reads a feed anonymously and has ical.js read it back.</summary>
    public static async Task<(string Ics, JsonNode Parsed)> ReadAsync(LyceumApp app, Uri feed)
    {
        using var anonymous = app.CreateClient();
        using var response = await anonymous.GetAsync(feed.PathAndQuery);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        return (text, await IcalJs.ReadAsync(text));
    }

    public static JsonNode[] OccurrencesOf(JsonNode parsed, string uid) =>
        [.. parsed["occurrences"]!.AsArray().Where(o => o!["uid"]!.GetValue<string>() == uid).Select(o => o!)];

    public static string[] Uids(JsonNode parsed) =>
        [.. parsed["events"]!.AsArray().Select(e => e!["uid"]!.GetValue<string>()).Distinct()];

    private static async Task<(Guid User, HttpClient Client)> AccountAsync(LyceumApp app, string role)
    {
        var (email, password) = await app.CreateUserAsync(role);
        return (await app.UserIdAsync(email), app.ClientWithToken(await app.TokenAsync(email, password)));
    }

    private static StaffMember Staff(int school, string first, string last, Guid user) => new()
    {
        SchoolId = school,
        StaffNumber = $"T{Guid.NewGuid():N}"[..10],
        Title = "Mx",
        FirstName = first,
        LastName = last,
        Email = $"{Guid.NewGuid():N}@lyceum.test",
        UserId = user,
    };

    private static Student Pupil(int school, string first, string last) => new()
    {
        SchoolId = school,
        StudentNumber = $"S{Guid.NewGuid():N}"[..10],
        FirstName = first,
        LastName = last,
        DateOfBirth = new DateOnly(2012, 5, 1),
        YearGroup = 9,
        AdmittedOn = new DateOnly(2023, 9, 1),
    };

    private static TutoringSession Session(int school, int tutor, string subject, DateTime start, DateTime end, int? branch, string? location, params int[] students) => new()
    {
        SchoolId = school,
        TutorId = tutor,
        Subject = subject,
        BranchId = branch,
        Location = location,
        StartUtc = start,
        EndUtc = end,
        TimeZone = Zone,
        Status = SessionStatus.Scheduled,
        Students = [.. students.Select(s => new TutoringSessionStudent { StudentId = s })],
    };
}

/// <summary>
/// Runs <c>tests/ical-check/check.mjs</c>: Mozilla's ical.js, under node, reads a feed back. test.sh installs node and
/// the package (<c>npm ci --prefix tests/ical-check</c>); without them this fails, it never skips.
/// </summary>
internal static class IcalJs
{
    public static async Task<JsonNode> ReadAsync(string ics)
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "ical-check");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "ical.js")),
            $"ical.js is not installed: run 'npm ci --prefix tests/ical-check' (test.sh does) in {RepositoryRoot()}.");
        var file = Path.Combine(Path.GetTempPath(), $"lyceum-feed-{Guid.NewGuid():N}.ics");
        await File.WriteAllTextAsync(file, ics);
        try
        {
            var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("check.mjs");
            start.ArgumentList.Add(file);
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("node is not installed (test.sh installs Debian's nodejs): " + e.Message, e);
            }

            using (process)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await process.WaitForExitAsync(timeout.Token);
                Assert.True(process.ExitCode == 0, $"ical.js could not read the feed ({process.ExitCode}): {await errors}\n{ics}");
                return JsonNode.Parse(await output)!;
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lyceum.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Lyceum.slnx not found above " + AppContext.BaseDirectory);
    }
}
