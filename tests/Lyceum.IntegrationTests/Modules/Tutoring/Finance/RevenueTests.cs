using System.Net;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;

namespace Lyceum.IntegrationTests.Modules.Tutoring.Finance;

/// <summary>Revenue of completed sessions through /api/v1/tutoring/revenue: by month, student and tutor, in the school's currency.</summary>
[Collection("app")]
public sealed class RevenueTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Revenue_adds_up_completed_sessions_by_month_student_and_tutor(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);
        var ann = await w.StudentAsync(app, "Ann", "Earner");
        var bob = await w.StudentAsync(app, "Bob", "Earner");
        await w.CompletedSessionAsync(app, 6, 60, 30m, ann, bob);   // 30 + 30
        await w.CompletedSessionAsync(app, 13, 90, 20m, ann);       // 30
        await w.CompletedSessionAsync(app, 20, 60, null, bob);      // unpriced

        var months = await (await admin.GetAsync($"/api/v1/tutoring/revenue?schoolId={w.School}&from=2031-09-01&to=2031-10-31")).JsonAsync();
        var students = await (await admin.GetAsync($"/api/v1/tutoring/revenue?schoolId={w.School}&from=2031-10-01&to=2031-10-31&groupBy=student")).JsonAsync();
        var tutors = await (await admin.GetAsync($"/api/v1/tutoring/revenue?schoolId={w.School}&from=2031-10-01&to=2031-10-31&groupBy=tutor")).JsonAsync();

        Assert.Equal("GBP", months["currency"]!.GetValue<string>());
        Assert.Equal(90m, months["total"]!.GetValue<decimal>());
        Assert.Equal(1, months["unpriced"]!.GetValue<int>());
        Assert.Equal(["2031-09", "2031-10"], months["groups"]!.AsArray().Select(g => g!["key"]!.GetValue<string>()));
        Assert.Equal([0m, 90m], months["groups"]!.AsArray().Select(g => g!["amount"]!.GetValue<decimal>()));
        Assert.Equal([("Ann Earner", 60m), ("Bob Earner", 30m)], students["groups"]!.AsArray().Select(g => (g!["label"]!.GetValue<string>(), g["amount"]!.GetValue<decimal>())));
        var tutor = Assert.Single(tutors["groups"]!.AsArray());
        Assert.Equal(90m, tutor!["amount"]!.GetValue<decimal>());
        Assert.Equal(2, tutor["sessions"]!.GetValue<int>());
        Assert.Equal(2.5m, tutor["hours"]!.GetValue<decimal>());
    }

    [Theory, AllProviders]
    public async Task Bad_revenue_queries_are_refused_naming_the_parameter(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        using var admin = await app.AdminClientAsync();
        var w = await FinanceWorld.CreateAsync(app, admin);

        await (await admin.GetAsync("/api/v1/tutoring/revenue")).ProblemAsync(HttpStatusCode.BadRequest, "schoolId");
        await (await admin.GetAsync($"/api/v1/tutoring/revenue?schoolId={w.School}&from=2031-13-01")).ProblemAsync(HttpStatusCode.BadRequest, "from");
        await (await admin.GetAsync($"/api/v1/tutoring/revenue?schoolId={w.School}&from=2031-10-02&to=2031-10-01")).ProblemAsync(HttpStatusCode.BadRequest, "to");
        await (await admin.GetAsync($"/api/v1/tutoring/revenue?schoolId={w.School}&from=2020-01-01&to=2031-10-01")).ProblemAsync(HttpStatusCode.BadRequest, "to");
        await (await admin.GetAsync($"/api/v1/tutoring/revenue?schoolId={w.School}&groupBy=week")).ProblemAsync(HttpStatusCode.BadRequest, "groupBy");
        await (await admin.GetAsync("/api/v1/tutoring/revenue?schoolId=999999")).ProblemAsync(HttpStatusCode.BadRequest, "schoolId");
    }
}
