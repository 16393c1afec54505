using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Tutoring.Finance;

/// <summary>Tutoring rates through /api/v1/tutoring/rates: the administrator's, one per combination, money checked.</summary>
[Collection("app")]
public sealed class RatesTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Rates_are_created_listed_changed_and_deleted_and_a_second_rate_for_the_same_combination_is_refused(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Rated");

        using var created = await admin.PostAsJsonAsync("/api/v1/tutoring/rates", new { schoolId = w.School, hourlyRate = 30.5m });
        var fallback = await created.JsonAsync(HttpStatusCode.Created);
        using var specific = await admin.PostAsJsonAsync("/api/v1/tutoring/rates", new { schoolId = w.School, studentId = ann, tutorId = w.Tutor, subject = "Maths", hourlyRate = 42m });
        var own = await specific.JsonAsync(HttpStatusCode.Created);
        using var again = await admin.PostAsJsonAsync("/api/v1/tutoring/rates", new { schoolId = w.School, studentId = ann, tutorId = w.Tutor, subject = "  maths ", hourlyRate = 40m });
        var conflict = await again.ProblemAsync(HttpStatusCode.Conflict);
        using var defaultAgain = await admin.PostAsJsonAsync("/api/v1/tutoring/rates", new { schoolId = w.School, hourlyRate = 1m });
        await defaultAgain.ProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(FinanceWorld.Id(own), conflict["existingId"]!.GetValue<int>());
        Assert.Equal("GBP", fallback["currency"]!.GetValue<string>());
        Assert.Equal("Ann Rated", own["student"]!.GetValue<string>());
        var list = (await (await admin.GetAsync($"/api/v1/tutoring/rates?schoolId={w.School}")).JsonAsync()).AsArray();
        Assert.Equal([FinanceWorld.Id(fallback), FinanceWorld.Id(own)], list.Select(r => r!["id"]!.GetValue<int>()));

        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/tutoring/rates/{FinanceWorld.Id(own)}") { Content = JsonContent.Create(new { studentId = ann, subject = "Maths", hourlyRate = 45.25m }) };
        edit.Headers.TryAddWithoutValidation("If-Match", specific.Headers.ETag!.Tag);
        using var edited = await admin.SendAsync(edit);
        Assert.Equal(45.25m, (await edited.JsonAsync())["hourlyRate"]!.GetValue<decimal>());
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/tutoring/rates/{FinanceWorld.Id(own)}") { Content = JsonContent.Create(new { hourlyRate = 1m }) };
        stale.Headers.TryAddWithoutValidation("If-Match", specific.Headers.ETag!.Tag);
        await (await admin.SendAsync(stale)).ProblemAsync(HttpStatusCode.PreconditionFailed);

        using var deleted = await admin.DeleteAsync($"/api/v1/tutoring/rates/{FinanceWorld.Id(own)}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await admin.GetAsync($"/api/v1/tutoring/rates/{FinanceWorld.Id(own)}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, AllProviders]
    public async Task Bad_rates_are_refused_naming_the_field_and_nothing_is_stored(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var other = await FinanceWorld.CreateAsync(app, admin);
        var stranger = await other.StudentAsync(app, "Not", "Here");

        (object Body, string Field)[] cases =
        [
            (new { schoolId = w.School, hourlyRate = -1m }, "hourlyRate"),
            (new { schoolId = w.School, hourlyRate = 100000.01m }, "hourlyRate"),
            (new { schoolId = w.School, hourlyRate = 10.123m }, "hourlyRate"),
            (new { schoolId = w.School }, "hourlyRate"),
            (new { hourlyRate = 10m }, "schoolId"),
            (new { schoolId = 999999, hourlyRate = 10m }, "schoolId"),
            (new { schoolId = w.School, studentId = stranger, hourlyRate = 10m }, "studentId"),
            (new { schoolId = w.School, tutorId = other.Tutor, hourlyRate = 10m }, "tutorId"),
            (new { schoolId = w.School, subject = new string('x', 101), hourlyRate = 10m }, "subject"),
        ];
        foreach (var (body, field) in cases)
        {
            using var response = await admin.PostAsJsonAsync("/api/v1/tutoring/rates", body);
            await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        }

        using var text = await admin.PostAsync("/api/v1/tutoring/rates", Http.Json($"{{\"schoolId\":{w.School},\"hourlyRate\":\"ten\"}}"));
        await text.ProblemAsync(HttpStatusCode.BadRequest, "hourlyRate");
        Assert.Equal(0, await app.QueryAsync(db => db.TutoringRates.CountAsync(r => r.SchoolId == w.School)));
    }

    [Theory, AllProviders]
    public async Task Only_the_administrator_sees_or_sets_rates(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        foreach (var role in new[] { RoleNames.Moderator, RoleNames.Tutor, RoleNames.Teacher, RoleNames.Guardian })
        {
            using var client = await app.ClientAsAsync(role);
            await (await client.GetAsync($"/api/v1/tutoring/rates?schoolId={w.School}")).ProblemAsync(HttpStatusCode.Forbidden);
            await (await client.PostAsJsonAsync("/api/v1/tutoring/rates", new { schoolId = w.School, hourlyRate = 10m })).ProblemAsync(HttpStatusCode.Forbidden);
            await (await client.GetAsync($"/api/v1/tutoring/revenue?schoolId={w.School}")).ProblemAsync(HttpStatusCode.Forbidden);
        }

        Assert.Equal(0, await app.QueryAsync(db => db.TutoringRates.CountAsync(r => r.SchoolId == w.School)));
    }
}
