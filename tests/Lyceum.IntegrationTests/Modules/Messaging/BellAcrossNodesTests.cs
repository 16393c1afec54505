using System.Net;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Messaging.Notifications;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Lyceum.Platform.Identity;

namespace Lyceum.IntegrationTests.Modules.Messaging;

/// <summary>
/// The bell's live count over SignalR: pushed from the node that dispatched or marked read to the node the page is
/// connected to through Redis, in memory on a single node, and only to a signed-in connection.
/// </summary>
[Collection("app")]
public sealed class BellAcrossNodesTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    /// <summary>The test Redis; CI sets it and a missing server fails the Redis test (readiness must be Healthy).</summary>
    private static string Redis => Environment.GetEnvironmentVariable("LYCEUM_TEST_REDIS") ?? "127.0.0.1:6379";

    [Theory, AllProviders]
    public async Task The_bell_on_one_node_hears_an_event_dispatched_by_another_through_Redis(DatabaseProvider provider)
    {
        await using var sender = await (await LyceumApp.CreateAsync(provider, Settings(redis: Redis, dispatch: true))).StartAsync();
        await using var page = await LyceumApp.CreateAsync(provider, Settings(redis: Redis, dispatch: false), database: sender.Database);
        var pageRoot = await page.StartOnRealPortAsync();
        await AssertRedisHealthyAsync(sender.CreateClient());
        await AssertRedisHealthyAsync(new HttpClient { BaseAddress = pageRoot });
        var (email, password) = await sender.CreateUserAsync(RoleNames.Guardian);
        var user = await sender.UserIdAsync(email);
        var token = await sender.TokenAsync(email, password);

        await using var bell = await TestHubClient.ConnectAsync(pageRoot, NotificationHub.Path, token, Soon);
        Assert.Equal(0, await bell.NextUnreadAsync(Soon));

        // Written and fanned out on the sender: the page's node has no dispatcher, so only Redis can bring the push.
        await MessagingApps.NotifyAsync(sender, EventTypes.Incident, "Talking in class", null, null, null, user);
        Assert.Equal(1, await bell.NextUnreadAsync(Soon));

        using var api = sender.ClientWithToken(token);
        Assert.Equal(1, (await (await api.PostAsync("/api/v1/notifications/read-all", null)).JsonAsync()).GetValue<int>());
        Assert.Equal(0, await bell.NextUnreadAsync(Soon));
    }

    [Theory, AllProviders]
    public async Task Without_Redis_a_single_node_pushes_in_memory(DatabaseProvider provider)
    {
        await using var app = await LyceumApp.CreateAsync(provider, Settings(redis: string.Empty, dispatch: true));
        var root = await app.StartOnRealPortAsync();
        var (email, password) = await app.CreateUserAsync(RoleNames.Guardian);
        var user = await app.UserIdAsync(email);

        await using var bell = await TestHubClient.ConnectAsync(root, NotificationHub.Path, await app.TokenAsync(email, password), Soon);
        Assert.Equal(0, await bell.NextUnreadAsync(Soon));

        await MessagingApps.NotifyAsync(app, EventTypes.Incident, "Talking in class", null, null, null, user);
        Assert.Equal(1, await bell.NextUnreadAsync(Soon));
    }

    [Theory, AllProviders]
    public async Task A_connection_without_a_valid_token_is_refused(DatabaseProvider provider)
    {
        await using var app = await LyceumApp.CreateAsync(provider, Settings(redis: string.Empty, dispatch: false));
        var root = await app.StartOnRealPortAsync();

        var forged = await Assert.ThrowsAsync<HubRefusedException>(() => TestHubClient.ConnectAsync(root, NotificationHub.Path, "not-a-jwt", Soon));
        var anonymous = await Assert.ThrowsAsync<HubRefusedException>(() => TestHubClient.ConnectAsync(root, NotificationHub.Path, null, Soon));

        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
    }

    private static Dictionary<string, string?> Settings(string redis, bool dispatch) => new()
    {
        ["Lyceum:Demo:Enabled"] = "false", // the bell needs no school; starting two nodes stays quick
        ["Redis:Configuration"] = redis, // empty: in memory, even if the environment configures Redis
        ["Lyceum:Messaging:Dispatch"] = dispatch ? "true" : "false",
    };

    private static async Task AssertRedisHealthyAsync(HttpClient client)
    {
        using (client)
        {
            var ready = await (await client.GetAsync("/health/ready")).JsonAsync();
            Assert.True(
                ready["checks"]!["redis"]!["status"]!.GetValue<string>() == "Healthy",
                $"Redis at {Redis} (LYCEUM_TEST_REDIS) is not reachable: {ready.ToJsonString()}");
        }
    }
}
