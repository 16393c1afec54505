using System.Net;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Identity;
using static Lyceum.IntegrationTests.Modules.Identity.SignInPageTests;

namespace Lyceum.IntegrationTests.Modules.Tutoring.Feeds;

[Collection("app")]
public sealed class CalendarFeedPageTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Whoever_may_see_sessions_finds_the_page_from_the_top_bar_and_a_teacher_does_not(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var (email, password) = await app.CreateUserAsync(RoleNames.Tutor);
        using var tutor = Browser(app);
        (await SignInAsync(tutor, email, password, "/")).Dispose();

        Assert.Contains("href=\"/calendar-feed\"", await tutor.GetStringAsync("/"), StringComparison.Ordinal);
        using (var page = await tutor.GetAsync("/calendar-feed"))
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Subscribe to my calendar", html, StringComparison.Ordinal);
            Assert.Contains("You have no calendar link.", html, StringComparison.Ordinal);
        }

        using (var made = await app.ClientWithToken(await app.TokenAsync(email, password)).PostAsync("/api/v1/me/calendar-feed", null))
        {
            Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        }

        Assert.Contains("Your calendar link is on", await tutor.GetStringAsync("/calendar-feed"), StringComparison.Ordinal);

        var (teacherEmail, teacherPassword) = await app.CreateUserAsync(RoleNames.Teacher);
        using var teacher = Browser(app);
        (await SignInAsync(teacher, teacherEmail, teacherPassword, "/")).Dispose();
        Assert.DoesNotContain("href=\"/calendar-feed\"", await teacher.GetStringAsync("/"), StringComparison.Ordinal);
    }
}
