using System.Threading.RateLimiting;

namespace Lyceum.Platform.Data;

/// <summary>
/// How many requests of one kind work on the database at once on this app node; the others wait their turn, oldest
/// first, and one that would wait behind a full queue is refused at once (the caller answers 503 with Retry-After).
/// A database on a few cores does less, not more, with a hundred busy backends: left to the connection pool, a burst
/// takes up to the pool's 100 connections and an open-loop load above capacity collapses (answers time out in the pool
/// and every one of them is lost). Waiting here costs a task and keeps the database at the concurrency it does best.
/// </summary>
public abstract class DatabaseGate : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    /// <summary>Reads <paramref name="permitsKey"/> (default 4 per processor, at least 4) and <paramref name="queueKey"/> (default 2,000).</summary>
    protected DatabaseGate(IConfiguration configuration, string permitsKey, string queueKey)
    {
        PermitLimit = Math.Max(1, configuration.GetValue(permitsKey, Math.Max(4, 4 * Environment.ProcessorCount)));
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = PermitLimit,
            QueueLimit = Math.Max(0, configuration.GetValue(queueKey, 2000)),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int PermitLimit { get; }

    /// <summary>A lease to dispose when the request's database work is done; not acquired when the queue is full.</summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    public void Dispose()
    {
        _limiter.Dispose();
        GC.SuppressFinalize(this);
    }
}
