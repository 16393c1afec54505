using Lyceum.Modules.Messaging.Notifications;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Messaging.Dispatch;

public sealed record DeliveryAttemptView(DateTime At, bool Succeeded, string Node, string? Error);

public sealed record DeliveryView(
    long Id, string Channel, string Status, bool Digest, Guid UserId, string Recipient, string? Address, string Kind, string Title,
    int Attempts, string? LastError, DateTime CreatedAt, DateTime? NextAttemptAt, DateTime? SentAt, IReadOnlyList<DeliveryAttemptView>? AttemptLog = null);

public sealed record DeliveryCounts(int Pending, int Sent, int Dead, int Skipped);

public sealed record DeliveryList(IReadOnlyList<DeliveryView> Items, int Page, int PageSize, int TotalCount, DeliveryCounts Counts);

/// <summary>
/// The delivery log for administrators (<c>messaging.manage</c>): what went out, what waits for a retry, and the
/// dead-letter list, whose deliveries can be sent again (one, or all at once).
/// </summary>
public sealed class DeliveriesHandler(IDbContextFactory<LyceumDbContext> contexts, TimeProvider clock, Lyceum.Platform.Events.OutboxSignal wake)
{
    private static readonly string[] Sortable = ["createdAt", "attempts"];

    public async Task<Result<DeliveryList>> ListAsync(Caller caller, ListQuery query, string? status, string? channel, CancellationToken cancellationToken)
    {
        if (!caller.CanEverywhere(Permissions.MessagingManage))
        {
            return new Error.Forbidden("The delivery log needs messaging.manage.");
        }

        var parsed = query.Parse(Sortable);
        var errors = new FieldErrors();
        DeliveryStatus? wantedStatus = null;
        if (status is not null)
        {
            if (Enum.TryParse<DeliveryStatus>(status, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(status, out _))
            {
                wantedStatus = s;
            }
            else
            {
                errors.Add("status", "Use pending, sent, dead or skipped.");
            }
        }

        DeliveryChannel? wantedChannel = null;
        if (channel is not null)
        {
            if (Enum.TryParse<DeliveryChannel>(channel, ignoreCase: true, out var c) && Enum.IsDefined(c) && !int.TryParse(channel, out _))
            {
                wantedChannel = c;
            }
            else
            {
                errors.Add("channel", "Use email or sms.");
            }
        }

        if (parsed.Error is Error.Validation invalid)
        {
            foreach (var (field, messages) in invalid.Errors)
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }
        }

        if (errors.Any)
        {
            return errors.ToError();
        }

        var request = parsed.Value!;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = db.Deliveries.AsQueryable();
        if (wantedStatus is { } st)
        {
            rows = rows.Where(d => d.Status == st);
        }

        if (wantedChannel is { } ch)
        {
            rows = rows.Where(d => d.Channel == ch);
        }

        if (request.Q is { } q)
        {
            var pattern = $"%{q.ToLowerInvariant()}%";
            rows = rows.Where(d => EF.Functions.Like(d.Notification!.Title.ToLower(), pattern)
                || db.Users.Any(u => u.Id == d.UserId && (EF.Functions.Like(u.DisplayName.ToLower(), pattern) || EF.Functions.Like(u.Email!.ToLower(), pattern))));
        }

        var total = await rows.CountAsync(cancellationToken);
        var sorted = request.Sort.FirstOrDefault() switch
        {
            { Field: "attempts", Descending: true } => rows.OrderByDescending(d => d.Attempts).ThenByDescending(d => d.Id),
            { Field: "attempts" } => rows.OrderBy(d => d.Attempts).ThenByDescending(d => d.Id),
            { Field: "createdAt", Descending: false } => rows.OrderBy(d => d.Id),
            _ => rows.OrderByDescending(d => d.Id),
        };
        var page = await Project(db, sorted.Skip(request.Skip).Take(request.PageSize)).ToListAsync(cancellationToken);
        var counts = await db.Deliveries.GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, cancellationToken);
        return new DeliveryList(
            [.. page.Select(View)], request.Page, request.PageSize, total,
            new DeliveryCounts(counts.GetValueOrDefault(DeliveryStatus.Pending), counts.GetValueOrDefault(DeliveryStatus.Sent), counts.GetValueOrDefault(DeliveryStatus.Dead), counts.GetValueOrDefault(DeliveryStatus.Skipped)));
    }

    public async Task<Result<DeliveryView>> GetAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        if (!caller.CanEverywhere(Permissions.MessagingManage))
        {
            return new Error.Forbidden("The delivery log needs messaging.manage.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await Project(db, db.Deliveries.Where(d => d.Id == id)).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return new Error.NotFound($"There is no delivery {id}.");
        }

        var attempts = await db.DeliveryAttempts.Where(a => a.DeliveryId == id).OrderBy(a => a.Id)
            .Select(a => new DeliveryAttemptView(a.At, a.Succeeded, a.Node, a.Error)).ToListAsync(cancellationToken);
        return View(row) with { AttemptLog = attempts };
    }

    /// <summary>
    /// Sends a dead delivery again with a fresh round of tries (its attempt log stays). One that waits already is left
    /// as it is; one that was sent, or has no address, is a conflict.
    /// </summary>
    public async Task<Result<DeliveryView>> RetryAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        if (!caller.CanEverywhere(Permissions.MessagingManage))
        {
            return new Error.Forbidden("Sending deliveries again needs messaging.manage.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var status = await db.Deliveries.Where(d => d.Id == id).Select(d => (DeliveryStatus?)d.Status).FirstOrDefaultAsync(cancellationToken);
        switch (status)
        {
            case null:
                return new Error.NotFound($"There is no delivery {id}.");
            case DeliveryStatus.Sent:
                return new Error.Conflict($"Delivery {id} was sent already; it is not sent twice.");
            case DeliveryStatus.Skipped:
                return new Error.Conflict($"Delivery {id} has nowhere to go: the account has no address for its channel. Add one, then the next notifications reach it.");
            case DeliveryStatus.Dead:
                // A digest goes out whole: its other dead items come back with it (one mail, one Message-ID).
                var digest = await db.Deliveries.Where(d => d.Id == id && d.Digest).Select(d => new { d.UserId, d.DueAt }).FirstOrDefaultAsync(cancellationToken);
                await Revive(
                    digest is null ? db.Deliveries.Where(d => d.Id == id) : db.Deliveries.Where(d => d.Digest && d.UserId == digest.UserId && d.DueAt == digest.DueAt),
                    cancellationToken);
                wake.Raise();
                break;
        }

        return await GetAsync(caller, id, cancellationToken);
    }

    /// <summary>Sends every dead delivery again; answers how many.</summary>
    public async Task<Result<int>> RetryAllDeadAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.CanEverywhere(Permissions.MessagingManage))
        {
            return new Error.Forbidden("Sending deliveries again needs messaging.manage.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var count = await Revive(db.Deliveries, cancellationToken);
        if (count > 0)
        {
            wake.Raise();
        }

        return count;
    }

    private Task<int> Revive(IQueryable<Delivery> rows, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // Deliveries are unaudited; the conditional update makes two administrators' retries one.
        return rows.Where(d => d.Status == DeliveryStatus.Dead).ExecuteUpdateAsync(
            s => s.SetProperty(d => d.Status, DeliveryStatus.Pending).SetProperty(d => d.Attempts, 0).SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.LeaseId, (Guid?)null).SetProperty(d => d.LeasedUntil, (DateTime?)null),
            cancellationToken);
    }

    private static IQueryable<Row> Project(LyceumDbContext db, IQueryable<Delivery> rows) =>
        rows.Select(d => new Row(
            d.Id, d.Channel, d.Status, d.Digest, d.UserId,
            db.Users.Where(u => u.Id == d.UserId).Select(u => u.DisplayName).FirstOrDefault(),
            d.Address ?? (d.Channel == DeliveryChannel.Email ? db.Users.Where(u => u.Id == d.UserId).Select(u => u.Email).FirstOrDefault() : null),
            d.Notification!.Type, d.Notification.Title, d.Attempts, d.LastError, d.CreatedAt, d.NextAttemptAt, d.SentAt));

    private static DeliveryView View(Row r) => new(
        r.Id, r.Channel.ToString().ToLowerInvariant(), r.Status.ToString().ToLowerInvariant(), r.Digest, r.UserId, r.Recipient ?? "—", r.Address,
        NotificationTypes.OfEvent(r.EventType).Key, r.Title, r.Attempts, r.LastError, r.CreatedAt,
        r.Status == DeliveryStatus.Pending ? r.NextAttemptAt : null, r.SentAt);

    private sealed record Row(
        long Id, DeliveryChannel Channel, DeliveryStatus Status, bool Digest, Guid UserId, string? Recipient, string? Address, string EventType, string Title,
        int Attempts, string? LastError, DateTime CreatedAt, DateTime NextAttemptAt, DateTime? SentAt);
}

public static class DeliveriesEndpoints
{
    public static IEndpointRouteBuilder MapDeliveries(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/messaging/deliveries").WithTags("Messaging").RequireAuthorization(Permissions.MessagingManage);
        group.MapGet("/", async Task<Results<Ok<DeliveryList>, ProblemHttpResult>> (
                [AsParameters] ListQuery query, string? status, string? channel, Caller caller, DeliveriesHandler handler, CancellationToken cancellationToken) =>
            (await handler.ListAsync(caller, query, status, channel, cancellationToken)).ToOk())
            .WithName("ListDeliveries")
            .WithSummary("E-mails and texts, newest first: ?status=dead is the dead-letter list; counts per status come with every page");

        group.MapGet("/{id:long}", async Task<Results<Ok<DeliveryView>, ProblemHttpResult>> (
                long id, Caller caller, DeliveriesHandler handler, CancellationToken cancellationToken) =>
            (await handler.GetAsync(caller, id, cancellationToken)).ToOk())
            .WithName("GetDelivery")
            .WithSummary("One delivery with every attempt (when, which node, what went wrong)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/retry", async Task<Results<Ok<DeliveryView>, ProblemHttpResult>> (
                long id, Caller caller, DeliveriesHandler handler, CancellationToken cancellationToken) =>
            (await handler.RetryAsync(caller, id, cancellationToken)).ToOk())
            .WithName("RetryDelivery")
            .WithSummary("Sends a dead delivery again with a fresh round of tries (safe to repeat); 409 for one already sent")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/retry-dead", async Task<Results<Ok<int>, ProblemHttpResult>> (
                Caller caller, DeliveriesHandler handler, CancellationToken cancellationToken) =>
            (await handler.RetryAllDeadAsync(caller, cancellationToken)).ToOk())
            .WithName("RetryDeadDeliveries")
            .WithSummary("Sends every dead delivery again; answers how many");
        return api;
    }
}
