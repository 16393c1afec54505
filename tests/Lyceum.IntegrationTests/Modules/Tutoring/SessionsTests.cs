using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Tutoring.TutoringWorld;

namespace Lyceum.IntegrationTests.Modules.Tutoring;

/// <summary>
/// Booking, the calendar's query, moving, cancelling and clashes through /api/v1/tutoring: a coordinator books
/// "Algebra with Maria, Tuesdays and Thursdays 16:00–17:00" across the October clock change, and the lessons stay at
/// 16:00 London time.
/// </summary>
[Collection("app")]
public sealed class SessionsTests(AppFixture fixture)
{
    // Tue 14 Oct 2031 to Thu 6 Nov 2031; UK clocks go back on Sun 26 Oct 2031.
    private static object Series(TutoringWorld w, object? recurrence = null, string start = "2031-10-14T16:00:00", string end = "2031-10-14T17:00:00") => new
    {
        tutorId = w.Maria,
        studentIds = new[] { w.Ann },
        subject = "Algebra",
        start,
        end,
        branchId = w.Branch,
        recurrence = recurrence ?? new { days = new[] { "tuesday", "thursday" }, until = "2031-11-06" },
    };

    [Theory, AllProviders]
    public async Task A_weekly_series_stays_at_four_oclock_London_time_across_the_clock_change(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);

        var booking = await BookedAsync(w.Coordinator, Series(w));

        Assert.Equal(8, booking["count"]!.GetValue<int>());
        var sessions = booking["sessions"]!.AsArray();
        Assert.All(sessions, s => Assert.EndsWith("T16:00:00", Str(s!, "start")));
        Assert.All(sessions, s => Assert.EndsWith("T17:00:00", Str(s!, "end")));
        Assert.Equal(["2031-10-14T15:00:00Z", "2031-10-16T15:00:00Z", "2031-10-21T15:00:00Z", "2031-10-23T15:00:00Z",
                      "2031-10-28T16:00:00Z", "2031-10-30T16:00:00Z", "2031-11-04T16:00:00Z", "2031-11-06T16:00:00Z"],
            sessions.Select(s => Str(s!, "startUtc")));
        Assert.Contains("BYDAY=TU,TH", Str(sessions[0]!, "recurrenceRule"));

        // The calendar's week shows the two lessons of that week, to the coordinator and to Maria.
        var week = await WeekAsync(w.Coordinator, "2031-10-27", "2031-11-02", "&schoolId=" + w.School.School);
        Assert.Equal(["2031-10-28T16:00:00", "2031-10-30T16:00:00"], week.Select(s => Str(s!, "start")));
        Assert.Equal(2, (await WeekAsync(w.MariaClient, "2031-10-27", "2031-11-02", "&schoolId=" + w.School.School)).Count);
        Assert.Equal("scheduled", Str(week[0]!, "status"));
        Assert.Equal("Tutoring Centre", Str(week[0]!, "branch"));
    }

    [Theory, AllProviders]
    public async Task A_raw_rule_with_a_count_and_an_interval_is_read_by_Ical_Net(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);

        var booking = await BookedAsync(w.Coordinator, Series(w, new { rule = "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3" }));

        Assert.Equal(["2031-10-14T16:00:00", "2031-10-28T16:00:00", "2031-11-11T16:00:00"], booking["sessions"]!.AsArray().Select(s => Str(s!, "start")));
    }

    [Theory, AllProviders]
    public async Task Double_booking_a_tutor_or_a_student_is_refused_with_the_other_session_named_unless_a_coordinator_overrides(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);
        await BookedAsync(w.Coordinator, Series(w));

        // Maria again on Thu 23 Oct at 16:30, with Bob.
        var tutorClash = await (await BookAsync(w.Coordinator, new
        {
            tutorId = w.Maria,
            studentIds = new[] { w.Bob },
            subject = "Geometry",
            start = "2031-10-23T16:30:00",
            end = "2031-10-23T17:30:00",
        })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Mx Maria Papadopoulou already teaches Algebra on Thu 23 Oct 2031 16:00–17:00", tutorClash["detail"]!.GetValue<string>());
        Assert.Equal("tutor", tutorClash["conflicts"]![0]!["kind"]!.GetValue<string>());

        // Ann with Nikos at the same time as her Algebra.
        var studentClash = await (await BookAsync(w.Coordinator, new
        {
            tutorId = w.Nikos,
            studentIds = new[] { w.Ann, w.Cat },
            subject = "Physics",
            start = "2031-10-21T15:30:00",
            end = "2031-10-21T16:30:00",
        })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Ann Adams already has Algebra with Mx Maria Papadopoulou on Tue 21 Oct 2031 16:00–17:00", studentClash["detail"]!.GetValue<string>());

        // The coordinator books it anyway, with a reason, which is kept (and audited with the row).
        var overridden = await BookedAsync(w.Coordinator, new
        {
            tutorId = w.Nikos,
            studentIds = new[] { w.Ann, w.Cat },
            subject = "Physics",
            start = "2031-10-21T15:30:00",
            end = "2031-10-21T16:30:00",
            overrideConflicts = true,
            overrideReason = "Ann leaves Algebra early that day",
        });
        var id = IdOf(overridden["sessions"]![0]!);
        Assert.Equal("Ann leaves Algebra early that day", Str(overridden["sessions"]![0]!, "conflictOverrideReason"));
        Assert.True(await app.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Entity == "TutoringSession" && a.EntityId == id.ToString() && a.Changes.Contains("Ann leaves Algebra early"))));

        // An override needs its reason.
        await (await BookAsync(w.Coordinator, new
        {
            tutorId = w.Nikos,
            studentIds = new[] { w.Bob },
            subject = "Physics",
            start = "2031-10-21T15:30:00",
            end = "2031-10-21T16:30:00",
            overrideConflicts = true,
        })).ProblemAsync(HttpStatusCode.BadRequest, "overrideReason");

        // A cancelled lesson no longer blocks its slot.
        var thursday = (await WeekAsync(w.Coordinator, "2031-10-23", "2031-10-23", "&schoolId=" + w.School.School))[0]!;
        (await w.Coordinator.PostAsJsonAsync($"/api/v1/tutoring/sessions/{IdOf(thursday)}/cancel", new { reason = "Maria ill" })).EnsureSuccessStatusCode();
        await BookedAsync(w.Coordinator, new
        {
            tutorId = w.Maria,
            studentIds = new[] { w.Bob },
            subject = "Geometry",
            start = "2031-10-23T16:30:00",
            end = "2031-10-23T17:30:00",
        });
    }

    public static TheoryData<DatabaseProvider, string, string> BadBookings()
    {
        var data = new TheoryData<DatabaseProvider, string, string>();
        foreach (var provider in AllProvidersAttribute.Providers)
        {
            data.Add(provider, """{"start":"2031-10-14T17:00:00","end":"2031-10-14T16:00:00"}""", "end");
            data.Add(provider, """{"start":"2031-10-14T16:00:00","end":"2031-10-14T16:00:00"}""", "end");
            data.Add(provider, """{"start":"2031-10-14T16:00:00","end":"2031-10-17T16:00:00"}""", "end");
            data.Add(provider, """{"timeZone":"Mars/Olympus"}""", "timeZone");
            data.Add(provider, """{"start":"2032-03-28T01:30:00","end":"2032-03-28T02:30:00"}""", "start");
            data.Add(provider, """{"recurrence":{"rule":"FREQ=WEEKLY;BYDAY=TU"}}""", "recurrence.rule");
            data.Add(provider, """{"recurrence":{"rule":"FREQ=SECONDLY;COUNT=2"}}""", "recurrence.rule");
            data.Add(provider, """{"recurrence":{"rule":"FREQ=DAILY;UNTIL=20400101T000000Z"}}""", "recurrence");
            data.Add(provider, """{"recurrence":{"days":["tuesday"]}}""", "recurrence.until");
            data.Add(provider, """{"studentIds":[]}""", "studentIds");
            data.Add(provider, """{"studentIds":[999999]}""", "studentIds[0]");
            data.Add(provider, """{"subject":"   "}""", "subject");
            data.Add(provider, """{"onlineLink":"javascript:alert(1)"}""", "onlineLink");
            data.Add(provider, """{"rate":40}""", "rate");
            data.Add(provider, """{"tutorId":999999}""", "tutorId");
        }

        return data;
    }

    /// <summary>One world per app for the bad bookings, which store nothing: building one per case would cost the suite half a minute.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<LyceumApp, Lazy<Task<TutoringWorld>>> QuietWorlds = new();

    [Theory, MemberData(nameof(BadBookings))]
    public async Task A_bad_booking_is_refused_at_its_field_and_nothing_is_stored(DatabaseProvider provider, string overrides, string field)
    {
        var app = await fixture.App(provider);
        var w = await QuietWorlds.GetOrAdd(app, a => new Lazy<Task<TutoringWorld>>(async () =>
        {
            var admin = await a.AdminClientAsync();
            return await CreateAsync(a, admin);
        })).Value;
        var body = JsonNode.Parse(await JsonContent.Create(Series(w, new { count = 3, days = new[] { "tuesday" } })).ReadAsStringAsync())!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(overrides)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        // The coordinator may not set a rate (no finance); everything else is wrong for anyone.
        using var response = await w.Coordinator.PostAsync("/api/v1/tutoring/sessions", JsonContent.Create(body));
        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await app.QueryAsync(db => db.TutoringSessions.CountAsync(s => s.SchoolId == w.School.School)));
        Assert.Equal(0, await app.QueryAsync(db => db.TutoringSeries.CountAsync(s => s.SchoolId == w.School.School)));
    }

    [Theory, AllProviders]
    public async Task Moving_one_lesson_detaches_it_and_moving_this_and_following_splits_the_series(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);
        var sessions = (await BookedAsync(w.Coordinator, Series(w)))["sessions"]!.AsArray();
        var series = sessions[0]!["seriesId"]!.GetValue<int>();

        // Thu 16 Oct moves to 17:00–18:30 (a resize too).
        var moved = await (await w.Coordinator.PutAsJsonAsync($"/api/v1/tutoring/sessions/{IdOf(sessions[1]!)}",
            new { start = "2031-10-16T17:00:00", end = "2031-10-16T18:30:00" })).JsonAsync();
        Assert.Equal("2031-10-16T18:30:00", Str(moved, "end"));
        Assert.True(moved["detached"]!.GetValue<bool>());

        // From Tue 28 Oct, every lesson moves to 17:00 (an hour later), on the same days.
        var following = await (await w.Coordinator.PutAsJsonAsync($"/api/v1/tutoring/sessions/{IdOf(sessions[4]!)}",
            new { start = "2031-10-28T17:00:00", end = "2031-10-28T18:00:00", scope = "following" })).JsonAsync();
        var all = await WeekAsync(w.Coordinator, "2031-10-13", "2031-11-09", "&schoolId=" + w.School.School);
        Assert.Equal(["16:00", "17:00", "16:00", "16:00", "17:00", "17:00", "17:00", "17:00"], all.Select(s => Str(s!, "start")[11..16]));
        var newSeries = following["seriesId"]!.GetValue<int>();
        Assert.NotEqual(series, newSeries);
        Assert.Equal(4, all.Count(s => s!["seriesId"]!.GetValue<int>() == newSeries));

        // The old rule now ends before the split, the new one starts at it: each reproduces its own lessons.
        var rules = await app.QueryAsync(db => db.TutoringSeries.Where(s => s.Id == series || s.Id == newSeries).OrderBy(s => s.Id)
            .Select(s => s.RecurrenceRule).ToListAsync());
        Assert.Contains("UNTIL=20311028T155959Z", rules[0]);
        Assert.Contains("UNTIL=20311106T235959Z", rules[1]);
    }

    [Theory, AllProviders]
    public async Task A_change_against_a_stale_version_is_refused_and_nothing_is_overwritten(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);
        var session = (await BookedAsync(w.Coordinator, Series(w, new { count = 1, days = new[] { "tuesday" } })))["sessions"]![0]!;
        var etag = $"\"{Guid.Parse(Str(session, "version")):N}\"";
        (await w.Coordinator.PutAsJsonAsync($"/api/v1/tutoring/sessions/{IdOf(session)}", new { notes = "Bring the workbook" })).EnsureSuccessStatusCode();

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/tutoring/sessions/{IdOf(session)}") { Content = JsonContent.Create(new { notes = "Old idea" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await w.Coordinator.SendAsync(stale)).ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("Bring the workbook", Str(await (await w.Coordinator.GetAsync($"/api/v1/tutoring/sessions/{IdOf(session)}")).JsonAsync(), "notes"));
    }

    [Theory, AllProviders]
    public async Task Cancelling_the_rest_of_a_series_cancels_every_later_lesson_and_tells_the_guardian(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);
        var sessions = (await BookedAsync(w.Coordinator, Series(w)))["sessions"]!.AsArray();

        var cancelled = await (await w.Coordinator.PostAsJsonAsync($"/api/v1/tutoring/sessions/{IdOf(sessions[5]!)}/cancel",
            new { scope = "following", reason = "Moving away" })).JsonAsync();
        Assert.Equal("cancelled", Str(cancelled, "status"));
        var all = await WeekAsync(w.Coordinator, "2031-10-13", "2031-11-09", "&schoolId=" + w.School.School);
        Assert.Equal(["scheduled", "scheduled", "scheduled", "scheduled", "scheduled", "cancelled", "cancelled", "cancelled"], all.Select(s => Str(s!, "status")));
        Assert.All(all.Skip(5), s => Assert.Equal("Moving away", Str(s!, "cancelReason")));

        // Again: nothing changes. A completed lesson cannot be cancelled.
        var again = await (await w.Coordinator.PostAsJsonAsync($"/api/v1/tutoring/sessions/{IdOf(sessions[5]!)}/cancel", new { scope = "following" })).JsonAsync();
        Assert.Equal(Str(cancelled, "version"), Str(again, "version"));
        var notes = await (await w.AnnsGuardian.GetAsync("/api/v1/notifications")).JsonAsync();
        Assert.Contains(notes["items"]!.AsArray(), n => n!["title"]!.GetValue<string>().Contains("Algebra on Thu 30 Oct 2031 16:00–17:00: cancelled", StringComparison.Ordinal));
    }

    [Theory, AllProviders]
    public async Task Availability_windows_and_days_away_refuse_bookings_outside_them(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);
        var set = await (await w.MariaClient.PutAsJsonAsync($"/api/v1/tutoring/tutors/{w.Maria}/availability", new
        {
            windows = new[] { new { day = "tuesday", start = "15:00", end = "19:00" }, new { day = "thursday", start = "15:00", end = "19:00" } },
            exceptions = new[] { new { date = "2031-10-23", reason = "Conference" } },
        })).JsonAsync();
        Assert.Equal(2, set["windows"]!.AsArray().Count);

        var away = await (await BookAsync(w.Coordinator, Series(w))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Mx Maria Papadopoulou is away on Thu 23 Oct 2031 (Conference)", away["detail"]!.GetValue<string>());
        var late = await (await BookAsync(w.Coordinator, new
        {
            tutorId = w.Maria,
            studentIds = new[] { w.Bob },
            subject = "Geometry",
            start = "2031-10-14T19:00:00",
            end = "2031-10-14T20:00:00",
        })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("availability", late["conflicts"]![0]!["kind"]!.GetValue<string>());

        // Inside a window on a day she is in: booked. Another tutor may not change Maria's availability.
        await BookedAsync(w.Coordinator, new
        {
            tutorId = w.Maria,
            studentIds = new[] { w.Bob },
            subject = "Geometry",
            start = "2031-10-14T17:00:00",
            end = "2031-10-14T18:00:00",
        });
        await (await w.NikosClient.PutAsJsonAsync($"/api/v1/tutoring/tutors/{w.Maria}/availability", new { windows = Array.Empty<object>() }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await w.MariaClient.PutAsJsonAsync($"/api/v1/tutoring/tutors/{w.Maria}/availability", new
        {
            windows = new[] { new { day = "monday", start = "18:00", end = "17:00" } },
        })).ProblemAsync(HttpStatusCode.BadRequest, "windows[0].end");
    }

    [Theory, AllProviders]
    public async Task Each_role_sees_only_the_sessions_it_should_and_rates_only_with_finance(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);
        await BookedAsync(admin, new
        {
            tutorId = w.Maria,
            studentIds = new[] { w.Ann },
            subject = "Algebra",
            start = "2031-10-14T16:00:00",
            end = "2031-10-14T17:00:00",
            rate = 42.5m,
        });
        await BookedAsync(w.Coordinator, new
        {
            tutorId = w.Nikos,
            studentIds = new[] { w.Bob },
            subject = "Physics",
            start = "2031-10-15T16:00:00",
            end = "2031-10-15T17:00:00",
        });
        const string week = "&schoolId=";
        string Subjects(JsonArray list) => string.Join(",", list.Select(s => Str(s!, "subject")));

        Assert.Equal("Algebra,Physics", Subjects(await WeekAsync(w.Coordinator, "2031-10-13", "2031-10-19", week + w.School.School)));
        Assert.Equal("Algebra", Subjects(await WeekAsync(w.MariaClient, "2031-10-13", "2031-10-19", "&schoolId=" + w.School.School)));
        Assert.Equal("Physics", Subjects(await WeekAsync(w.NikosClient, "2031-10-13", "2031-10-19", "&schoolId=" + w.School.School)));
        Assert.Equal("Algebra", Subjects(await WeekAsync(w.AnnsGuardian, "2031-10-13", "2031-10-19", "&schoolId=" + w.School.School)));

        // Rates: the administrator sees them, the coordinator and the tutor do not.
        var seenByAdmin = (await WeekAsync(admin, "2031-10-13", "2031-10-19", week + w.School.School))[0]!;
        Assert.Equal(42.5m, seenByAdmin["rate"]!.GetValue<decimal>());
        Assert.Null((await WeekAsync(w.Coordinator, "2031-10-13", "2031-10-19", week + w.School.School))[0]!["rate"]);
        Assert.Null((await WeekAsync(w.MariaClient, "2031-10-13", "2031-10-19", "&schoolId=" + w.School.School))[0]!["rate"]);

        // Another tutor's session is not found for Maria; a tutor books nothing; a teacher sees no sessions at all.
        var nikosSession = IdOf((await WeekAsync(w.NikosClient, "2031-10-13", "2031-10-19", "&schoolId=" + w.School.School))[0]!);
        Assert.Equal(HttpStatusCode.NotFound, (await w.MariaClient.GetAsync($"/api/v1/tutoring/sessions/{nikosSession}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await BookAsync(w.MariaClient, Series(w))).StatusCode);
        using var teacher = await app.ClientAsAsync(Lyceum.Platform.Identity.RoleNames.Teacher);
        Assert.Equal(HttpStatusCode.Forbidden, (await teacher.GetAsync("/api/v1/tutoring/sessions?from=2031-10-13&to=2031-10-19")).StatusCode);
    }

    [Theory, AllProviders]
    public async Task The_week_query_needs_a_range_of_at_most_92_days(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        await (await admin.GetAsync("/api/v1/tutoring/sessions?to=2031-10-19")).ProblemAsync(HttpStatusCode.BadRequest, "from");
        await (await admin.GetAsync("/api/v1/tutoring/sessions?from=2031-10-19&to=2031-10-13")).ProblemAsync(HttpStatusCode.BadRequest, "to");
        await (await admin.GetAsync("/api/v1/tutoring/sessions?from=2031-01-01&to=2031-12-31")).ProblemAsync(HttpStatusCode.BadRequest, "to");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/tutoring/sessions?from=yesterday&to=2031-10-19")).StatusCode);
    }
}
