using System.Threading.RateLimiting;

namespace Lyceum.Modules.Attendance.TakeRegister;

/// <summary>
/// How many register submissions work on the database at once; the others wait their turn, oldest first. At 08:40
/// every teacher of a district submits within minutes: left to the connection pool, each request would take its own
/// connection (up to the pool's 100), and a database on a few cores does less, not more, with a hundred busy backends
/// (on the 2-core benchmark machine 64 at once gave two thirds of what 16 gave, and an open-loop burst above that
/// collapsed to 128 registers/s with multi-second waits). Waiting here costs a task and keeps the database at the
/// concurrency it does best. A submission that would wait behind a full queue is answered 503 with Retry-After at once.
/// Per app node: <c>Lyceum:Attendance:ConcurrentSubmissions</c> (default 4 per processor, at least 4) and
/// <c>Lyceum:Attendance:SubmissionQueue</c> (default 2,000).
/// </summary>
public sealed class SubmissionGate : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    public SubmissionGate(IConfiguration configuration)
    {
        PermitLimit = Math.Max(1, configuration.GetValue("Lyceum:Attendance:ConcurrentSubmissions", Math.Max(4, 4 * Environment.ProcessorCount)));
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = PermitLimit,
            QueueLimit = Math.Max(0, configuration.GetValue("Lyceum:Attendance:SubmissionQueue", 2000)),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int PermitLimit { get; }

    /// <summary>A lease to dispose when the submission's database work is done; not acquired when the queue is full.</summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    public void Dispose() => _limiter.Dispose();
}
