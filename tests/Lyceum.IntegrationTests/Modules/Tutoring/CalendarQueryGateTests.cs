using System.Net;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Tutoring.Sessions;
using Lyceum.Platform.Data;
using Microsoft.Extensions.DependencyInjection;
using static Lyceum.IntegrationTests.Modules.Tutoring.TutoringWorld;

namespace Lyceum.IntegrationTests.Modules.Tutoring;

/// <summary>
/// Calendar reads beyond what the database does well at once wait their turn (in the app, not in the connection
/// pool), and one behind a full queue is told at once to retry.
/// </summary>
public sealed class CalendarQueryGateTests
{
    [Theory, AllProviders]
    public async Task A_week_read_behind_a_full_queue_is_told_to_retry_and_a_waiting_one_is_answered_when_its_turn_comes(DatabaseProvider provider)
    {
        await using var app = await (await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>(Platform.StartupTests.NoDemo)
        {
            ["Lyceum:Tutoring:ConcurrentWeekQueries"] = "1",
            ["Lyceum:Tutoring:WeekQueryQueue"] = "1",
        })).StartAsync();
        using var admin = await app.AdminClientAsync();
        var w = await CreateAsync(app, admin);
        await BookedAsync(w.Coordinator, new
        {
            tutorId = w.Maria,
            studentIds = new[] { w.Ann },
            subject = "Algebra",
            start = "2031-10-14T16:00:00",
            end = "2031-10-14T17:00:00",
        });
        var week = $"/api/v1/tutoring/sessions?from=2031-10-13&to=2031-10-19&schoolId={w.School.School}";

        var gate = app.Services.GetRequiredService<CalendarQueryGate>();
        Task<HttpResponseMessage> waiting;
        using (var other = await gate.EnterAsync(CancellationToken.None))
        {
            Assert.True(other.IsAcquired);
            // Maria's read takes the one place in the queue; the coordinator's finds it full.
            waiting = w.MariaClient.GetAsync(week);
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(waiting.IsCompleted);
            using var refused = await w.Coordinator.GetAsync(week);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("Try again", (await refused.JsonAsync(HttpStatusCode.ServiceUnavailable))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        using var answered = await waiting;
        Assert.Equal(["Algebra"], (await answered.JsonAsync()).AsArray().Select(s => Str(s!, "subject")));
        Assert.Single(await WeekAsync(w.Coordinator, "2031-10-13", "2031-10-19", "&schoolId=" + w.School.School));
    }
}
