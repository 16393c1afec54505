using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Tutoring;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Tutoring.Feeds;

[Collection("app")]
public sealed class CalendarFeedTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task A_tutors_feed_reads_back_in_icaljs_with_every_occurrence_at_its_stored_time(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var w = await FeedWorld.CreateAsync(app);

        var (_, parsed) = await FeedWorld.ReadAsync(app, await FeedWorld.NewFeedAsync(w.Tutor));

        Assert.Contains(FeedWorld.Zone, parsed["timezones"]!.AsArray().Select(z => z!.GetValue<string>()));
        var uid = $"series-{w.Series.Id}@lyceum";
        var master = parsed["events"]!.AsArray().Single(e => e!["uid"]!.GetValue<string>() == uid && e["recurrenceId"] is null)!;
        Assert.Equal(FeedWorld.Zone, master["start"]!["tzid"]!.GetValue<string>());
        Assert.EndsWith("T16:00:00", master["start"]!["local"]!.GetValue<string>());
        Assert.Equal(Parts(w.Series.RecurrenceRule), Parts(master["rrule"]!.GetValue<string>()));
        Assert.Equal("Maths: Ann Lee, Bob Ray", master["summary"]!.GetValue<string>());
        Assert.Equal("Riverside, Room 4", master["location"]!.GetValue<string>());

        // Every row that is on is an occurrence at exactly its stored start and end; the cancelled one is not.
        var expected = w.Rows.Where(r => r.Status != SessionStatus.Cancelled)
            .Select(r => (FeedWorld.Iso(r.StartUtc), FeedWorld.Iso(r.EndUtc))).Order().ToList();
        var occurrences = FeedWorld.OccurrencesOf(parsed, uid);
        Assert.Equal(expected, occurrences.Select(o => (o["start"]!.GetValue<string>(), o["end"]!.GetValue<string>())).Order().ToList());
        Assert.DoesNotContain(occurrences, o => o["start"]!.GetValue<string>() == FeedWorld.Iso(w.Cancelled.StartUtc));
        Assert.Contains(FeedWorld.Iso(w.Cancelled.StartUtc), AllExdates(parsed));

        // 16:00 in London is 15:00Z in summer time and 16:00Z in winter: both sides of the change are in the series.
        var onTime = w.Rows.Where(r => r is { Status: SessionStatus.Scheduled, Detached: false }).ToList();
        Assert.Contains(onTime, r => FeedWorld.London.IsDaylightSavingTime(r.StartUtc));
        Assert.Contains(onTime, r => !FeedWorld.London.IsDaylightSavingTime(r.StartUtc));
        foreach (var row in onTime)
        {
            var hour = FeedWorld.London.IsDaylightSavingTime(row.StartUtc) ? 15 : 16;
            Assert.Contains(occurrences, o => o["start"]!.GetValue<string>() == FeedWorld.Iso(row.StartUtc) && row.StartUtc.Hour == hour);
        }

        // The moved one is at its new time, as the exception of the occurrence it replaces; Bob's lesson names him alone.
        var moved = Assert.Single(occurrences, o => o["recurrenceId"]!.GetValue<string>() == FeedWorld.Iso(w.Moved.RecurrenceIdUtc!.Value));
        Assert.Equal(FeedWorld.Iso(w.Moved.StartUtc), moved["start"]!.GetValue<string>());
        Assert.Equal(FeedWorld.Iso(w.Moved.StartUtc.AddMinutes(90)), moved["end"]!.GetValue<string>());
        var bob = Assert.Single(occurrences, o => o["start"]!.GetValue<string>() == FeedWorld.Iso(w.BobAlone.StartUtc));
        Assert.Equal("Maths: Bob Ray", bob["summary"]!.GetValue<string>());

        // The one-off is a plain event; the other tutor's session is not in this feed.
        var single = Assert.Single(FeedWorld.OccurrencesOf(parsed, $"session-{w.OneOff.Id}@lyceum"));
        Assert.Equal(FeedWorld.Iso(w.OneOff.StartUtc), single["start"]!.GetValue<string>());
        Assert.Equal(FeedWorld.Iso(w.OneOff.EndUtc), single["end"]!.GetValue<string>());
        var oneOff = parsed["events"]!.AsArray().Single(e => e!["uid"]!.GetValue<string>() == $"session-{w.OneOff.Id}@lyceum")!;
        Assert.Equal("Bring last week's paper", oneOff["description"]!.GetValue<string>());
        Assert.Equal("https://meet.example.org/physics", oneOff["location"]!.GetValue<string>());
        Assert.DoesNotContain($"session-{w.OtherTutors.Id}@lyceum", FeedWorld.Uids(parsed));
        Assert.Equal(2, FeedWorld.Uids(parsed).Length);
    }

    [Theory, AllProviders]
    public async Task The_rule_alone_gives_exactly_the_rows_that_are_no_exception(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var w = await FeedWorld.CreateAsync(app);

        var (ics, parsed) = await FeedWorld.ReadAsync(app, await FeedWorld.NewFeedAsync(w.Tutor));

        // The master's own occurrences (its RRULE less its EXDATEs, before any exception replaces one) are the rows that
        // are neither changed nor cancelled, plus the starts the changed ones replace.
        var uid = $"series-{w.Series.Id}@lyceum";
        var exceptions = parsed["events"]!.AsArray().Where(e => e!["uid"]!.GetValue<string>() == uid && e["recurrenceId"] is not null)
            .Select(e => e!["recurrenceId"]!["utc"]!.GetValue<string>()).Order().ToList();
        Assert.Equal([FeedWorld.Iso(w.Moved.RecurrenceIdUtc!.Value), FeedWorld.Iso(w.BobAlone.RecurrenceIdUtc!.Value)], exceptions);
        var ruleGives = FeedWorld.OccurrencesOf(parsed, uid).Select(o => o["recurrenceId"]!.GetValue<string>()).Order().ToList();
        var rows = w.Rows.Where(r => r.Status != SessionStatus.Cancelled).Select(r => FeedWorld.Iso(r.RecurrenceIdUtc!.Value)).Order().ToList();
        Assert.Equal(rows, ruleGives);
        Assert.Single(parsed["events"]!.AsArray(), e => e!["rrule"] is not null);
        // The master, its two exceptions and the one-off: no event of its own for an occurrence the rule gives.
        Assert.Equal(4, ics.Split("\r\nBEGIN:VEVENT\r\n").Length - 1);
    }

    [Theory, AllProviders]
    public async Task A_guardians_feed_holds_only_their_childrens_sessions(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var w = await FeedWorld.CreateAsync(app);

        var (_, parsed) = await FeedWorld.ReadAsync(app, await FeedWorld.NewFeedAsync(w.Guardian));

        var uid = $"series-{w.Series.Id}@lyceum";
        Assert.Equal([uid, $"session-{w.OneOff.Id}@lyceum"], FeedWorld.Uids(parsed).Order());
        // Ann is not in Bob's lesson, nor in the cancelled one: neither is in her guardian's calendar.
        var starts = FeedWorld.OccurrencesOf(parsed, uid).Select(o => o["start"]!.GetValue<string>()).Order().ToList();
        var annsLessons = w.Rows.Where(r => r.Status != SessionStatus.Cancelled && r != w.BobAlone).Select(r => FeedWorld.Iso(r.StartUtc)).Order().ToList();
        Assert.Equal(annsLessons, starts);
        Assert.All(FeedWorld.OccurrencesOf(parsed, uid), o => Assert.Equal("Maths with Mx Tutor One (Ann Lee)", o["summary"]!.GetValue<string>()));
    }

    [Theory, AllProviders]
    public async Task A_tutors_feed_holds_only_their_own_sessions_and_a_moderators_every_one(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var w = await FeedWorld.CreateAsync(app);

        var (_, theirs) = await FeedWorld.ReadAsync(app, await FeedWorld.NewFeedAsync(w.OtherTutor));
        Assert.Equal([$"session-{w.OtherTutors.Id}@lyceum"], FeedWorld.Uids(theirs));

        var (_, office) = await FeedWorld.ReadAsync(app, await FeedWorld.NewFeedAsync(await app.ClientAsAsync(RoleNames.Moderator)));
        Assert.Subset(FeedWorld.Uids(office).ToHashSet(), new[] { $"series-{w.Series.Id}@lyceum", $"session-{w.OneOff.Id}@lyceum", $"session-{w.OtherTutors.Id}@lyceum" }.ToHashSet());
        Assert.Equal("Chemistry: Mx Tutor Two, Cat Fox", FeedWorld.OccurrencesOf(office, $"session-{w.OtherTutors.Id}@lyceum").Single()["summary"]!.GetValue<string>());
    }

    [Theory, AllProviders]
    public async Task A_new_address_ends_the_old_one_and_revoking_ends_both(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var w = await FeedWorld.CreateAsync(app);
        using var anonymous = app.CreateClient();

        var status = await (await w.Tutor.GetAsync("/api/v1/me/calendar-feed")).JsonAsync();
        Assert.False(status["active"]!.GetValue<bool>());
        var first = await FeedWorld.NewFeedAsync(w.Tutor);
        Assert.Matches(@"^/ical/[A-Za-z0-9_-]{43}\.ics$", first.AbsolutePath);
        var second = await FeedWorld.NewFeedAsync(w.Tutor);

        await (await anonymous.GetAsync(first.PathAndQuery)).ProblemAsync(HttpStatusCode.NotFound);
        using (var ok = await anonymous.GetAsync(second.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            // Unchanged, the feed is the same to the byte: a client that has it gets 304.
            using var again = new HttpRequestMessage(HttpMethod.Get, second.PathAndQuery);
            again.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ok.Headers.ETag!.ToString()));
            using var notModified = await anonymous.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        status = await (await w.Tutor.GetAsync("/api/v1/me/calendar-feed")).JsonAsync();
        Assert.True(status["active"]!.GetValue<bool>());
        Assert.Null(status["url"]);
        var stored = await app.QueryAsync(db => db.CalendarFeeds.Where(f => f.UserId == w.TutorUser).Select(f => f.TokenHash).ToListAsync());
        Assert.DoesNotContain(stored, h => second.AbsolutePath.Contains(h, StringComparison.Ordinal));

        using (var revoked = await w.Tutor.DeleteAsync("/api/v1/me/calendar-feed"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        await (await anonymous.GetAsync(second.PathAndQuery)).ProblemAsync(HttpStatusCode.NotFound);
        status = await (await w.Tutor.GetAsync("/api/v1/me/calendar-feed")).JsonAsync();
        Assert.False(status["active"]!.GetValue<bool>());

        // Unknown and malformed tokens answer the same 404.
        await (await anonymous.GetAsync($"/ical/{new string('A', 43)}.ics")).ProblemAsync(HttpStatusCode.NotFound);
        await (await anonymous.GetAsync("/ical/not-a-token.ics")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task A_deactivated_accounts_feed_is_gone_and_a_teacher_gets_none(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var w = await FeedWorld.CreateAsync(app);
        var feed = await FeedWorld.NewFeedAsync(w.Tutor);
        using var anonymous = app.CreateClient();
        using (var ok = await anonymous.GetAsync(feed.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var admin = await app.AdminClientAsync();
        using (var deactivated = await admin.PostAsync($"/api/v1/users/{w.TutorUser}/deactivate", null))
        {
            await deactivated.JsonAsync();
        }

        await (await anonymous.GetAsync(feed.PathAndQuery)).ProblemAsync(HttpStatusCode.NotFound);

        using var teacher = await app.ClientAsAsync(RoleNames.Teacher);
        await (await teacher.PostAsync("/api/v1/me/calendar-feed", null)).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, AllProviders]
    public async Task A_series_booked_moved_cancelled_and_split_through_the_sessions_api_reads_back_as_stored(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var w = await FeedWorld.CreateAsync(app);
        using var admin = await app.AdminClientAsync();
        var monday = FeedWorld.FirstLessonDay().AddDays(1);
        string Local(DateOnly day, int hour) => day.ToDateTime(new TimeOnly(hour, 0)).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

        using var booked = await admin.PostAsJsonAsync("/api/v1/tutoring/sessions", new
        {
            tutorId = w.TutorStaff,
            studentIds = new[] { w.Ann },
            subject = "Latin",
            start = Local(monday, 16),
            end = Local(monday, 17),
            timeZone = FeedWorld.Zone,
            recurrence = new { days = new[] { "monday" }, count = 6 },
            overrideConflicts = true,
            overrideReason = "Feed test",
        });
        var ids = (await booked.JsonAsync(HttpStatusCode.Created))["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<int>()).ToArray();
        Assert.Equal(6, ids.Length);
        async Task ChangeAsync(int id, object body)
        {
            using var changed = await admin.PutAsJsonAsync($"/api/v1/tutoring/sessions/{id}", body);
            await changed.JsonAsync();
        }

        await ChangeAsync(ids[1], new { start = Local(monday.AddDays(8), 18), end = Local(monday.AddDays(8), 19), overrideConflicts = true, overrideReason = "Feed test" });
        using (var cancelled = await admin.PostAsJsonAsync($"/api/v1/tutoring/sessions/{ids[2]}/cancel", new { reason = "Ill" }))
        {
            await cancelled.JsonAsync();
        }

        await ChangeAsync(ids[4], new { start = Local(monday.AddDays(28), 15), end = Local(monday.AddDays(28), 16), scope = "following", overrideConflicts = true, overrideReason = "Feed test" });

        var (_, parsed) = await FeedWorld.ReadAsync(app, await FeedWorld.NewFeedAsync(w.Tutor));

        var stored = await app.QueryAsync(db => db.TutoringSessions.Where(s => s.TutorId == w.TutorStaff && s.Subject == "Latin" && s.Status != SessionStatus.Cancelled)
            .Select(s => new { s.StartUtc, s.EndUtc }).ToListAsync());
        Assert.Equal(5, stored.Count);
        var read = parsed["occurrences"]!.AsArray().Where(o => o!["summary"]!.GetValue<string>().StartsWith("Latin", StringComparison.Ordinal))
            .Select(o => (o!["start"]!.GetValue<string>(), o["end"]!.GetValue<string>())).Order().ToList();
        Assert.Equal(stored.Select(s => (FeedWorld.Iso(s.StartUtc), FeedWorld.Iso(s.EndUtc))).Order().ToList(), read);
        Assert.Contains(read, r => r.Item1 == FeedWorld.Iso(FeedWorld.Utc(monday.AddDays(8), new TimeOnly(18, 0))));
        Assert.DoesNotContain(read, r => r.Item1 == FeedWorld.Iso(FeedWorld.Utc(monday.AddDays(14), new TimeOnly(16, 0))));
    }

    private static string[] Parts(string rule) => [.. rule.Replace("RRULE:", "", StringComparison.Ordinal).Split(';').Order(StringComparer.Ordinal)];

    private static string[] AllExdates(JsonNode parsed) =>
        [.. parsed["events"]!.AsArray().SelectMany(e => e!["exdates"]!.AsArray().Select(x => x!["utc"]!.GetValue<string>()))];
}
