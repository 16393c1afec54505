using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Platform.Events;

public sealed record NotificationView(long Id, string Type, string Title, string? Body, string? Link, DateTime CreatedAt, DateTime? ReadAt);

public sealed record NotificationList(IReadOnlyList<NotificationView> Items, int Unread);

/// <summary>The signed-in account's own notifications: the newest first, and marking them read.</summary>
public sealed class NotificationsHandler(IDbContextFactory<LyceumDbContext> contexts, TimeProvider clock)
{
    public const int MaxListed = 100;

    public async Task<Result<NotificationList>> ListAsync(Caller caller, bool unreadOnly, CancellationToken cancellationToken)
    {
        if (caller.UserId is not { } user)
        {
            return new Error.Unauthorized("Sign in to see your notifications.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mine = db.Notifications.Where(n => n.UserId == user);
        var items = await (unreadOnly ? mine.Where(n => n.ReadAt == null) : mine)
            .OrderByDescending(n => n.Id)
            .Take(MaxListed)
            .Select(n => new NotificationView(n.Id, n.Type, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt))
            .ToListAsync(cancellationToken);
        var unread = await mine.CountAsync(n => n.ReadAt == null, cancellationToken);
        return new NotificationList(items, unread);
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
        return await (id is { } target ? mine.Where(n => n.Id == target) : mine)
            .Where(n => n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
    }
}

public static class EventsModule
{
    /// <summary>The outbox's readers to come (messaging) and, now, each account's in-app notifications.</summary>
    public static IServiceCollection AddLyceumEvents(this IServiceCollection services) => services.AddScoped<NotificationsHandler>();

    public static IEndpointRouteBuilder MapNotificationsEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapGet("/notifications", async Task<Results<Ok<NotificationList>, ProblemHttpResult>> (
                bool? unread, Caller caller, NotificationsHandler handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, unread ?? false, cancellationToken)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Notifications")
            .WithName("ListNotifications")
            .WithSummary("The signed-in account's notifications, newest first (at most 100), and how many are unread");

        api.MapPost("/notifications/{id:long}/read", async Task<Results<Ok<int>, ProblemHttpResult>> (
                long id, Caller caller, NotificationsHandler handler, CancellationToken cancellationToken) =>
            (await handler.MarkReadAsync(caller, id, cancellationToken)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Notifications")
            .WithName("MarkNotificationRead")
            .WithSummary("Marks one of the caller's notifications read (safe to repeat); answers how many changed")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/notifications/read-all", async Task<Results<Ok<int>, ProblemHttpResult>> (
                Caller caller, NotificationsHandler handler, CancellationToken cancellationToken) =>
            (await handler.MarkReadAsync(caller, null, cancellationToken)).ToOk())
            .RequireAuthorization("authenticated")
            .WithTags("Notifications")
            .WithName("MarkAllNotificationsRead")
            .WithSummary("Marks every notification of the caller read; answers how many changed");
        return api;
    }
}
