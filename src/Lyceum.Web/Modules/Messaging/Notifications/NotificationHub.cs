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

public sealed class HubUnreadCountPush(IHubContext<NotificationHub> hub, IDbContextFactory<LyceumDbContext> contexts) : IUnreadCountPush
{
    public async Task PushAsync(IReadOnlyCollection<Guid> users, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var chunk in users.Chunk(500))
        {
            var counts = await NotificationCentre.UnreadCountsAsync(db, chunk, cancellationToken);
            foreach (var user in chunk)
            {
                await hub.Clients.User(user.ToString()).SendAsync("unread", counts.GetValueOrDefault(user), cancellationToken);
            }
        }
    }
}
