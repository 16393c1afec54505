using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using static Lyceum.IntegrationTests.Modules.Tutoring.TutoringWorld;

namespace Lyceum.IntegrationTests.Modules.Tutoring;

/// <summary>
/// The centre's week (a coordinator's or the administrator's school-wide calendar) is kept by the app and read again
/// only when the school's calendar changed: a booking, a cancellation, a renamed student. These tests are what a
/// coordinator would notice if the keeping went wrong: a booking missing from the calendar, an old name, a 304 for a
/// week that changed. And it is sent compressed to clients that accept it, as browsers do.
/// </summary>
[Collection("app")]
public sealed class CalendarWeekCacheTests(AppFixture fixture)
{
    private const string From = "2031-10-13";
    private const string To = "2031-10-19";

    private static object Lesson(TutoringWorld w, int tutor, int student, string subject, string day) => new
    {
        tutorId = tutor,
        studentIds = new[] { student },
        subject,
        start = $"{day}T16:00:00",
        end = $"{day}T17:00:00",
        branchId = w.Branch,
    };

    private static async Task<HttpResponseMessage> GetWeekAsync(HttpClient client, TutoringWorld w, string? ifNoneMatch = null, string? acceptEncoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tutoring/sessions?from={From}&to={To}&schoolId={w.School.School}");
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return await client.SendAsync(request);
    }

    private static string ETagOf(HttpResponseMessage response)
    {
        Assert.NotNull(response.Headers.ETag);
        Assert.True(response.Headers.ETag!.IsWeak, "the week's ETag is weak: the same week may be sent compressed or not");
        return response.Headers.ETag.ToString();
    }

    [Theory, AllProviders]
    public async Task The_centre_week_shows_every_change_at_once_and_answers_304_only_while_nothing_changed(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);
        var algebra = IdOf((await BookedAsync(w.Coordinator, Lesson(w, w.Maria, w.Ann, "Algebra", "2031-10-14")))["sessions"]![0]!);

        using var first = await GetWeekAsync(w.Coordinator, w);
        Assert.Equal(["Algebra"], (await first.JsonAsync()).AsArray().Select(s => Str(s!, "subject")));
        var etag = ETagOf(first);

        // Maria's own week and the administrator's week of Maria (tutorId, no schoolId) are kept too.
        async Task<string> MariasWeek(HttpClient client, string query = "") =>
            string.Join(",", (await WeekAsync(client, From, To, query)).Select(s => $"{Str(s!, "subject")}:{Str(s!, "status")}"));
        Assert.Equal("Algebra:scheduled", await MariasWeek(w.MariaClient));
        Assert.Equal("Algebra:scheduled", await MariasWeek(admin, $"&tutorId={w.Maria}"));

        // Nothing changed: 304, and the same week again without the header.
        using (var unchanged = await GetWeekAsync(w.Coordinator, w, etag))
        {
            Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        }

        Assert.Equal(etag, ETagOf(await GetWeekAsync(w.Coordinator, w)));

        // A booking: the old ETag is stale and the new lesson is there.
        await BookedAsync(w.Coordinator, Lesson(w, w.Nikos, w.Bob, "Physics", "2031-10-15"));
        using var booked = await GetWeekAsync(w.Coordinator, w, etag);
        Assert.Equal(["Algebra", "Physics"], (await booked.JsonAsync()).AsArray().Select(s => Str(s!, "subject")));
        Assert.NotEqual(etag, ETagOf(booked));
        etag = ETagOf(booked);

        // A cancellation.
        (await w.Coordinator.PostAsJsonAsync($"/api/v1/tutoring/sessions/{algebra}/cancel", new { reason = "Maria ill" })).EnsureSuccessStatusCode();
        using var cancelled = await GetWeekAsync(w.Coordinator, w, etag);
        Assert.Equal(["cancelled", "scheduled"], (await cancelled.JsonAsync()).AsArray().Select(s => Str(s!, "status")));
        etag = ETagOf(cancelled);
        Assert.Equal("Algebra:cancelled", await MariasWeek(w.MariaClient));
        Assert.Equal("Algebra:cancelled", await MariasWeek(admin, $"&tutorId={w.Maria}"));
        Assert.Equal("", await MariasWeek(w.MariaClient, $"&tutorId={w.Nikos}"));

        // A student renamed by the records office (not a tutoring change, but the calendar shows the name).
        await app.QueryAsync(async db =>
        {
            var ann = await db.Students.SingleAsync(s => s.Id == w.Ann);
            ann.FirstName = "Annabel";
            return await db.SaveChangesAsync();
        });
        using var renamed = await GetWeekAsync(w.Coordinator, w, etag);
        var week = (await renamed.JsonAsync()).AsArray();
        Assert.Equal("Annabel", Str(week[0]!["students"]![0]!, "firstName"));

        // The administrator's answer is their own (with rates); the coordinator's never has them.
        await BookedAsync(admin, new
        {
            tutorId = w.Maria,
            studentIds = new[] { w.Cat },
            subject = "Chemistry",
            start = "2031-10-16T16:00:00",
            end = "2031-10-16T17:00:00",
            rate = 30m,
        });
        var byAdmin = (await (await GetWeekAsync(admin, w)).JsonAsync()).AsArray();
        var byCoordinator = (await (await GetWeekAsync(w.Coordinator, w)).JsonAsync()).AsArray();
        Assert.Equal(30m, byAdmin.Single(s => Str(s!, "subject") == "Chemistry")!["rate"]!.GetValue<decimal>());
        Assert.Null(byCoordinator.Single(s => Str(s!, "subject") == "Chemistry")!["rate"]);
    }

    [Theory, AllProviders]
    public async Task The_centre_week_is_sent_compressed_to_a_client_that_accepts_it_and_reads_the_same(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);
        await BookedAsync(w.Coordinator, Lesson(w, w.Maria, w.Ann, "Algebra", "2031-10-14"));
        await BookedAsync(w.Coordinator, Lesson(w, w.Nikos, w.Bob, "Physics", "2031-10-15"));

        using var plain = await GetWeekAsync(w.Coordinator, w);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        var json = await plain.Content.ReadAsStringAsync();
        Assert.Equal(2, JsonNode.Parse(json)!.AsArray().Count);

        foreach (var (accept, encoding, open) in new (string, string, Func<Stream, Stream>)[]
                 {
                     ("gzip, deflate, br", "br", s => new BrotliStream(s, CompressionMode.Decompress)),
                     ("gzip", "gzip", s => new GZipStream(s, CompressionMode.Decompress)),
                 })
        {
            using var compressed = await GetWeekAsync(w.Coordinator, w, acceptEncoding: accept);
            Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
            Assert.Equal([encoding], compressed.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
            await using var body = open(await compressed.Content.ReadAsStreamAsync());
            using var reader = new StreamReader(body, Encoding.UTF8);
            Assert.Equal(json, await reader.ReadToEndAsync());
        }
    }

    [Theory, AllProviders]
    public async Task A_tutors_and_a_students_own_week_hold_exactly_the_lessons_they_teach_or_attend(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);
        var (dan, dansClient) = await w.School.StudentWithAccountAsync(app, "Dan", "Dunn");
        await BookedAsync(w.Coordinator, Lesson(w, w.Maria, w.Ann, "Algebra", "2031-10-14"));
        await BookedAsync(w.Coordinator, Lesson(w, w.Maria, dan, "Geometry", "2031-10-15"));
        await BookedAsync(w.Coordinator, Lesson(w, w.Nikos, dan, "Physics", "2031-10-16"));
        await BookedAsync(w.Coordinator, Lesson(w, w.Nikos, w.Bob, "Chemistry", "2031-10-17"));

        async Task<string> Subjects(HttpClient client) =>
            string.Join(",", (await WeekAsync(client, From, To)).Select(s => Str(s!, "subject")));

        Assert.Equal("Algebra,Geometry", await Subjects(w.MariaClient));
        Assert.Equal("Physics,Chemistry", await Subjects(w.NikosClient));
        Assert.Equal("Geometry,Physics", await Subjects(dansClient));
        Assert.Equal("Algebra", await Subjects(w.AnnsGuardian));
    }
}
