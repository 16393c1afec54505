using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Messaging.Dispatch;

/// <summary>
/// The deliveries one node leased for one round, and how each outcome is written: at once after each send, so that a
/// node dying mid-round sends again only what it had not yet recorded. The lease id is a concurrency token: a node
/// whose lease expired and was taken over writes nothing.
/// </summary>
internal sealed partial class Round(LyceumDbContext db, IReadOnlyList<Delivery> leased, Guid lease, DateTime leasedUntil, TimeProvider clock, MessagingSettings settings, ILogger logger)
{
    private bool _leaseLost;
    private DateTime _leasedUntil = leasedUntil;

    /// <summary>
    /// Called before each send: once half the lease is gone (a slow channel, a big round) it is renewed for what this
    /// round still holds, so no other node takes over a delivery this one is about to send. False when the lease was
    /// lost (taken over after all): stop sending, what is left is another node's.
    /// </summary>
    public async Task<bool> KeepLeaseAsync()
    {
        if (_leaseLost)
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (now < _leasedUntil.AddSeconds(-settings.LeaseSeconds / 2))
        {
            return true;
        }

        var until = now.AddSeconds(settings.LeaseSeconds);
        var held = await db.Deliveries.Where(d => d.LeaseId == lease)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedUntil, until), CancellationToken.None);
        if (held == 0 && leased.Any(d => d.LeaseId == lease))
        {
            _leaseLost = true;
            return false;
        }

        _leasedUntil = until;
        return true;
    }

    /// <summary>Gives back, untried, the deliveries of the round that were not sent: the next round takes them at once.</summary>
    public async Task ReleaseRestAsync()
    {
        var rest = leased.Where(d => d.LeaseId is not null && d.Status == DeliveryStatus.Pending).ToList();
        if (rest.Count == 0 || _leaseLost)
        {
            return;
        }

        foreach (var row in rest)
        {
            row.LeaseId = null;
            row.LeasedUntil = null;
        }

        await SaveAsync(rest);
    }

    /// <summary>Records one try of these deliveries: sent (no error), to be retried, or dead.</summary>
    public async Task RecordAsync(IReadOnlyList<Delivery> rows, DeliveryException? error, string? address = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var row in rows)
        {
            row.Attempts++;
            row.LeaseId = null;
            row.LeasedUntil = null;
            row.Address = address ?? row.Address;
            row.AttemptLog.Add(new DeliveryAttempt { At = now, Node = OutboxDispatcher.Node, Succeeded = error is null, Error = Clip(error?.Message) });
            if (error is null)
            {
                row.Status = DeliveryStatus.Sent;
                row.SentAt = now;
                row.LastError = null;
            }
            else if (error.Permanent || row.Attempts >= settings.MaxAttempts)
            {
                row.Status = DeliveryStatus.Dead;
                row.LastError = Clip(error.Message);
            }
            else
            {
                row.NextAttemptAt = now + Backoff(row.Attempts, settings);
                row.LastError = Clip(error.Message);
            }
        }

        await SaveAsync(rows);
    }

    /// <summary>Nothing to send to (no address): kept as skipped, not retried, not an error.</summary>
    public async Task SkipAsync(IReadOnlyList<Delivery> rows, string reason)
    {
        foreach (var row in rows)
        {
            row.Status = DeliveryStatus.Skipped;
            row.LeaseId = null;
            row.LeasedUntil = null;
            row.LastError = reason;
        }

        await SaveAsync(rows);
    }

    /// <summary>The wait after the <paramref name="attempts"/>th failure: doubling from the base, capped, ±20 %.</summary>
    public static TimeSpan Backoff(int attempts, MessagingSettings settings)
    {
        var seconds = Math.Min(settings.RetryMaxSeconds, settings.RetryBaseSeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private async Task SaveAsync(IReadOnlyList<Delivery> rows)
    {
        try
        {
            // Not cancellable: what was sent must be recorded even while the node shuts down.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another node holds these now: stop sending this round, it would only send what that node sends.
            _leaseLost = true;
            LogLeaseLost(logger, rows.Count);
            foreach (var entry in db.ChangeTracker.Entries().ToList())
            {
                entry.State = EntityState.Detached;
            }
        }
    }

    private static string? Clip(string? text) => Outbox.Clip(text, 500);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} deliveries were taken over by another node after this node's lease expired; their outcome here is not recorded.")]
    private static partial void LogLeaseLost(ILogger logger, int count);
}
