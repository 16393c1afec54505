using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Messaging.Notifications;

/// <summary>One notification as its recipient sees it; <see cref="Kind"/> is its <see cref="NotificationType"/> key.</summary>
public sealed record NotificationView(long Id, string Type, string Kind, string Title, string? Body, string? Link, DateTime CreatedAt, DateTime? ReadAt);

public sealed record NotificationList(IReadOnlyList<NotificationView> Items, int Unread);

/// <summary>
/// The signed-in account's own notifications (the bell and its list): newest first, without the types whose in-app
/// channel the account turned off, and marking them read. Every change of the unread count is pushed to the account's
/// open pages (<see cref="IUnreadCountPush"/>).
/// </summary>
public sealed class NotificationCentre(IDbContextFactory<LyceumDbContext> contexts, TimeProvider clock, IUnreadCountPush push)
{
    public const int MaxListed = 100;

    public async Task<Result<NotificationList>> ListAsync(Caller caller, bool unreadOnly, CancellationToken cancellationToken, long? before = null)
    {
        if (caller.UserId is not { } user)
        {
            return new Error.Unauthorized("Sign in to see your notifications.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mine = await ShownAsync(db, user, cancellationToken);
        var listed = unreadOnly ? mine.Where(n => n.ReadAt == null) : mine;
        if (before is { } older)
        {
            listed = listed.Where(n => n.Id < older);
        }

        var items = await listed
            .OrderByDescending(n => n.Id)
            .Take(MaxListed)
            .Select(n => new { n.Id, n.Type, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt })
            .ToListAsync(cancellationToken);
        var unread = await mine.CountAsync(n => n.ReadAt == null, cancellationToken);
        return new NotificationList(
            [.. items.Select(n => new NotificationView(n.Id, n.Type, NotificationTypes.OfEvent(n.Type).Key, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt))],
            unread);
    }

    /// <summary>How many of the account's shown notifications are unread: the bell's number.</summary>
    public async Task<int> UnreadAsync(Guid user, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await UnreadCountsAsync(db, [user], cancellationToken)).GetValueOrDefault(user);
    }

    /// <summary>Marks one (or, with null, every) notification of the caller read; again changes nothing.</summary>
    public async Task<Result<int>> MarkReadAsync(Caller caller, long? id, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } user)
        {
            return new Error.Unauthorized("Sign in to see your notifications.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mine = db.Notifications.Where(n => n.UserId == user);
        if (id is { } one && !await mine.AnyAsync(n => n.Id == one, cancellationToken))
        {
            return new Error.NotFound($"You have no notification {one}.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // Notifications are unaudited (IUnaudited), so a set-based update is fine here.
        var changed = await (id is { } target ? mine.Where(n => n.Id == target) : mine)
            .Where(n => n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        if (changed > 0)
        {
            await push.PushAsync([user], CancellationToken.None);
        }

        return changed;
    }

    /// <summary>Each account's unread count as its bell shows it (types turned off in-app not counted).</summary>
    public static async Task<Dictionary<Guid, int>> UnreadCountsAsync(LyceumDbContext db, IReadOnlyCollection<Guid> users, CancellationToken cancellationToken)
    {
        var muting = await db.NotificationPreferences.Where(p => users.Contains(p.UserId) && !p.InApp).Select(p => p.UserId).Distinct().ToListAsync(cancellationToken);
        var plain = users.Except(muting).ToList();
        var counts = await db.Notifications.Where(n => plain.Contains(n.UserId) && n.ReadAt == null)
            .GroupBy(n => n.UserId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        foreach (var user in muting)
        {
            counts[user] = await (await ShownAsync(db, user, cancellationToken)).CountAsync(n => n.ReadAt == null, cancellationToken);
        }

        return counts;
    }

    /// <summary>The account's notifications less the types it turned off in-app.</summary>
    private static async Task<IQueryable<Platform.Events.Notification>> ShownAsync(LyceumDbContext db, Guid user, CancellationToken cancellationToken)
    {
        var muted = await db.NotificationPreferences.Where(p => p.UserId == user && !p.InApp).Select(p => p.Type).ToListAsync(cancellationToken);
        var mine = db.Notifications.Where(n => n.UserId == user);
        if (muted.Count == 0)
        {
            return mine;
        }

        var mutedEvents = muted.SelectMany(t => NotificationTypes.Find(t)?.EventTypes ?? []).ToList();
        if (muted.Contains(NotificationTypes.System))
        {
            var typed = NotificationTypes.All.SelectMany(t => t.EventTypes).ToList();
            mine = mine.Where(n => typed.Contains(n.Type));
        }

        return mine.Where(n => !mutedEvents.Contains(n.Type));
    }
}

public static class NotificationCentreEndpoints
{
    public static IEndpointRouteBuilder MapNotificationCentre(this IEndpointRouteBuilder api)
    {
        api.MapGet("/notifications", async Task<Results<Ok<NotificationList>, ProblemHttpResult>> (
                bool? unread, long? before, Caller caller, NotificationCentre handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, unread ?? false, cancellationToken, before)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Notifications")
            .WithName("ListNotifications")
            .WithSummary("The signed-in account's notifications, newest first (at most 100, older ones with ?before={id}), and how many are unread");

        api.MapPost("/notifications/{id:long}/read", async Task<Results<Ok<int>, ProblemHttpResult>> (
                long id, Caller caller, NotificationCentre handler, CancellationToken cancellationToken) =>
            (await handler.MarkReadAsync(caller, id, cancellationToken)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Notifications")
            .WithName("MarkNotificationRead")
            .WithSummary("Marks one of the caller's notifications read (safe to repeat); answers how many changed")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/notifications/read-all", async Task<Results<Ok<int>, ProblemHttpResult>> (
                Caller caller, NotificationCentre handler, CancellationToken cancellationToken) =>
            (await handler.MarkReadAsync(caller, null, cancellationToken)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Notifications")
            .WithName("MarkAllNotificationsRead")
            .WithSummary("Marks every notification of the caller read; answers how many changed");
        return api;
    }
}
