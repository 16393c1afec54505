using Lyceum.Modules.Messaging.Broadcasts;
using Lyceum.Modules.Messaging.Dispatch;
using Lyceum.Modules.Messaging.Email;
using Lyceum.Modules.Messaging.Notifications;
using Lyceum.Modules.Messaging.Preferences;
using Lyceum.Modules.Messaging.Sms;
using Lyceum.Modules.Messaging.Threads;
using Microsoft.AspNetCore.SignalR;

namespace Lyceum.Modules.Messaging;

/// <summary>
/// Messaging: the notification centre (the bell, live over SignalR), notification types and each account's channel
/// preferences, and delivery of the outbox by e-mail and SMS with retries and a dead-letter list. Modules only write
/// events (<see cref="Platform.Events.Outbox"/>). See README.md beside this file.
/// </summary>
public static class MessagingModule
{
    public static IServiceCollection AddMessagingModule(this IServiceCollection services, IConfiguration configuration)
    {
        var mail = configuration.GetSection(MailSettings.Section).Get<MailSettings>() ?? new MailSettings();
        var gateway = configuration.GetSection(SmsGatewaySettings.Section).Get<SmsGatewaySettings>() ?? new SmsGatewaySettings();
        services
            .AddSingleton(configuration.GetSection(MessagingSettings.Section).Get<MessagingSettings>() ?? new MessagingSettings())
            .AddSingleton(configuration.GetSection(MessageLimits.Section).Get<MessageLimits>() ?? new MessageLimits())
            .AddSingleton(mail)
            .AddSingleton(gateway)
            .AddSingleton<FolderMailTransport>()
            .AddSingleton<IMailTransport>(sp => mail.UsesSmtp ? new SmtpMailTransport(mail) : sp.GetRequiredService<FolderMailTransport>())
            .AddSingleton<MailComposer>()
            .AddSingleton<SiteAddress>()
            .AddSingleton<IUnreadCountPush, HubUnreadCountPush>()
            .AddSingleton<IUserIdProvider, AccountUserIdProvider>()
            .AddScoped<NotificationCentre>()
            .AddScoped<NotificationPreferencesHandler>()
            .AddScoped<DeliveriesHandler>()
            .AddScoped<SentMailHandler>()
            .AddScoped<MessagesHandler>()
            .AddScoped<BroadcastsHandler>()
            .AddScoped<BroadcastChoicesHandler>()
            .AddHostedService<OutboxDispatcher>();

        if (gateway.IsConfigured)
        {
            services.AddHttpClient(HttpSmsSender.ClientName, http => http.Timeout = TimeSpan.FromSeconds(gateway.TimeoutSeconds));
            services.AddSingleton<ISmsSender, HttpSmsSender>();
        }
        else
        {
            services.AddSingleton<ISmsSender, NoGatewaySmsSender>();
        }

        var signalR = services.AddSignalR();
        if (configuration["Redis:Configuration"] is { Length: > 0 } redis)
        {
            // Every node publishes through Redis, so a bell connected to one node hears what another node pushed.
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("lyceum"));
        }

        return services;
    }

    public static IEndpointRouteBuilder MapMessagingEndpoints(this IEndpointRouteBuilder api) =>
        api.MapNotificationCentre().MapNotificationPreferences().MapDeliveries().MapMessages().MapBroadcasts();

    /// <summary>The bell's live connection, outside <c>/api/v1</c>: pages sign in to it with their cookie.</summary>
    public static IEndpointRouteBuilder MapMessagingHub(this IEndpointRouteBuilder app)
    {
        // A connection lives no longer than the sign-in it was opened with (a token's 15 minutes, a cookie's session):
        // the page reconnects with a fresh one, and a signed-out or deactivated account stops hearing.
        app.MapHub<NotificationHub>(NotificationHub.Path, o => o.CloseOnAuthenticationExpiration = true);
        return app;
    }
}
