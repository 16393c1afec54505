using System.Net;
using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Attendance;
using Lyceum.Modules.Attendance.TakeRegister;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lyceum.IntegrationTests.Modules.Attendance;

/// <summary>The 08:40 burst: submissions beyond what the database does well at once wait their turn or are told to retry.</summary>
public sealed class SubmissionGateTests
{
    [Theory, AllProviders]
    public async Task A_submission_behind_a_full_queue_is_told_to_retry_stores_nothing_and_goes_through_when_sent_again(DatabaseProvider provider)
    {
        await using var app = await (await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>(Platform.StartupTests.NoDemo)
        {
            ["Lyceum:Attendance:ConcurrentSubmissions"] = "1",
            ["Lyceum:Attendance:SubmissionQueue"] = "0",
        })).StartAsync();
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);
        var slot = Register.LessonSlot(s.Section, s.Today, s.P1);
        var body = s.Marks((s.Students[0], "N"));

        // Another submission holds the only turn and nobody may queue.
        var gate = app.Services.GetRequiredService<SubmissionGate>();
        using (var other = await gate.EnterAsync(CancellationToken.None))
        {
            Assert.True(other.IsAcquired);
            using var refused = await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), body);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("nothing was saved", (await refused.JsonAsync(HttpStatusCode.ServiceUnavailable))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.False(await app.QueryAsync(db => db.Registers.AnyAsync(r => r.Slot == slot)));
        }

        var retried = await (await s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), body)).JsonAsync();
        Assert.Equal("created", retried["outcome"]!.GetValue<string>());
        Assert.Equal(3, await app.QueryAsync(db => db.AttendanceMarks.CountAsync(m => db.Registers.Any(r => r.Id == m.RegisterId && r.Slot == slot))));
    }

    [Theory, AllProviders]
    public async Task Submissions_beyond_the_concurrent_ones_wait_their_turn_and_all_go_through(DatabaseProvider provider)
    {
        await using var app = await (await LyceumApp.CreateAsync(provider, new Dictionary<string, string?>(Platform.StartupTests.NoDemo)
        {
            ["Lyceum:Attendance:ConcurrentSubmissions"] = "1",
        })).StartAsync();
        using var admin = await app.AdminClientAsync();
        var s = await AttendanceSchool.NewAsync(app, admin);

        var gate = app.Services.GetRequiredService<SubmissionGate>();
        Task<HttpResponseMessage> waiting;
        using (var other = await gate.EnterAsync(CancellationToken.None))
        {
            waiting = s.Teacher.PutAsJsonAsync(s.Lesson(s.Today), s.Marks((s.Students[1], "L")));
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(waiting.IsCompleted);
        }

        using var answered = await waiting;
        Assert.Equal("created", (await answered.JsonAsync())["outcome"]!.GetValue<string>());
    }
}
