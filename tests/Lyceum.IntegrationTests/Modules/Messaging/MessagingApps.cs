using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lyceum.IntegrationTests.Modules.Messaging;

/// <summary>
/// One app per provider that sends its mail to a real SMTP server in this process and its texts to a local HTTP
/// gateway, with retries fast enough for a test (a fifth of a second, doubling up to one).
/// </summary>
public sealed class MessagingApps : IAsyncLifetime
{
    private readonly Dictionary<DatabaseProvider, Task<LyceumApp>> _apps = [];
    private readonly Lock _gate = new();

    public TestSmtpServer Smtp { get; private set; } = null!;

    public TestSmsGateway Sms { get; private set; } = null!;

    /// <summary>The per-sender limit these apps run with (the default is 20), so a test can reach it quickly.</summary>
    public const int MessagesPerMinute = 6;

    public static IDictionary<string, string?> FastRetries => new Dictionary<string, string?>
    {
        ["Lyceum:RateLimits:MessagesPerMinute"] = MessagesPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Lyceum:Messaging:PollSeconds"] = "0.2",
        ["Lyceum:Messaging:RetryBaseSeconds"] = "0.2",
        ["Lyceum:Messaging:RetryMaxSeconds"] = "1",
        ["Lyceum:Messaging:MaxAttempts"] = "40",
        ["Lyceum:Messaging:LeaseSeconds"] = "10",
    };

    public Task<LyceumApp> App(DatabaseProvider provider)
    {
        lock (_gate)
        {
            if (!_apps.TryGetValue(provider, out var app))
            {
                var settings = FastRetries.Concat(Smtp.Settings()).Concat(Sms.Settings()).ToDictionary();
                _apps[provider] = app = StartAsync(provider, settings);
            }

            return app;
        }
    }

    public async Task InitializeAsync()
    {
        Smtp = await TestSmtpServer.StartAsync();
        Sms = await TestSmsGateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await (await app).DisposeAsync();
        }

        await Smtp.DisposeAsync();
        await Sms.DisposeAsync();
    }

    /// <summary>Writes one event with a notification for each account, as a module's handler would (one save).</summary>
    public static async Task<Guid> NotifyAsync(LyceumApp app, string type, string title, string? body, string? link, int? school, params Guid[] users)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<LyceumDbContext>>().CreateDbContextAsync();
        var id = Outbox.Add(db, DateTime.UtcNow, type, new { test = true }, school, users.Select(u => new NotificationDraft(u, title, body, link)));
        await db.SaveChangesAsync();
        return id;
    }

    private static async Task<LyceumApp> StartAsync(DatabaseProvider provider, IDictionary<string, string?> settings) =>
        await (await LyceumApp.CreateAsync(provider, settings)).StartAsync();
}
