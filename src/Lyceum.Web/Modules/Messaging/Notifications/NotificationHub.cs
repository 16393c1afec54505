using Lyceum.Platform.Access;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Messaging.Notifications;

/// <summary>Tells an account's open pages its new unread count.</summary>
public interface IUnreadCountPush
{
    Task PushAsync(IReadOnlyCollection<Guid> users, CancellationToken cancellationToken);
}

/// <summary>
/// The bell's live connection (<c>/hubs/notifications</c>, signed in by the page's cookie). The server only speaks:
/// <c>unread(count)</c> when the account connects and whenever its count changes, on any node: with Redis configured
/// the SignalR backplane carries it to the node the page is connected to.
/// </summary>
[Authorize]
public sealed class NotificationHub(IDbContextFactory<LyceumDbContext> contexts) : Hub
{
    public const string Path = "/hubs/notifications";

    public override async Task OnConnectedAsync()
    {
        if (AccountClaims.UserId(Context.User!) is { } user)
        {
            await using var db = await contexts.CreateDbContextAsync(Context.ConnectionAborted);
            var counts = await NotificationCentre.UnreadCountsAsync(db, [user], Context.ConnectionAborted);
            await Clients.Caller.SendAsync("unread", counts.GetValueOrDefault(user), Context.ConnectionAborted);
        }

        await base.OnConnectedAsync();
    }
}

/// <summary>SignalR's user id is the account id (the <c>sub</c> or name-identifier claim).</summary>
public sealed class AccountUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => AccountClaims.UserId(connection.User)?.ToString();
}

/// <summary>
/// Best effort: the count lives in the database, so a push lost (Redis away, a client gone) is put right by the next
/// one or a reload. A failure here never fails what caused it (a read mark, a dispatch round).
/// </summary>
public sealed partial class HubUnreadCountPush(IHubContext<NotificationHub> hub, IDbContextFactory<LyceumDbContext> contexts, ILogger<HubUnreadCountPush> logger) : IUnreadCountPush
{
    public async Task PushAsync(IReadOnlyCollection<Guid> users, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await using var db = await contexts.CreateDbContextAsync(timeout.Token);
            foreach (var chunk in users.Chunk(500))
            {
                var counts = await NotificationCentre.UnreadCountsAsync(db, chunk, timeout.Token);
                foreach (var user in chunk)
                {
                    await hub.Clients.User(user.ToString()).SendAsync("unread", counts.GetValueOrDefault(user), timeout.Token);
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogPushFailed(logger, users.Count, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The unread counts of {Count} accounts could not be pushed to their open pages; they are right again at the next change or reload.")]
    private static partial void LogPushFailed(ILogger logger, int count, Exception exception);
}
