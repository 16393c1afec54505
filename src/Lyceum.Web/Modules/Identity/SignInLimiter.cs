using System.Threading.RateLimiting;

namespace Lyceum.Modules.Identity;

/// <summary>
/// Counts sign-in attempts before any password is hashed (a hash costs ~60 ms of CPU: the limit protects the server
/// as much as the accounts). Per minute: <c>Lyceum:RateLimits:SignInPerEmailPerMinute</c> (10) for one e-mail and
/// <c>Lyceum:RateLimits:SignInPerIpPerMinute</c> (100) for one client address. Counts are per node.
/// </summary>
public sealed class SignInLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perEmail;
    private readonly PartitionedRateLimiter<string> _perIp;

    public SignInLimiter(IConfiguration configuration)
    {
        _perEmail = PerMinute(configuration.GetValue("Lyceum:RateLimits:SignInPerEmailPerMinute", 10));
        _perIp = PerMinute(configuration.GetValue("Lyceum:RateLimits:SignInPerIpPerMinute", 100));
    }

    /// <summary>Null when the attempt may go ahead, else how long the caller should wait.</summary>
    public TimeSpan? TryEnter(string? clientAddress, string email)
    {
        using var ip = _perIp.AttemptAcquire(clientAddress ?? "unknown");
        if (!ip.IsAcquired)
        {
            return RetryAfter(ip);
        }

        using var account = _perEmail.AttemptAcquire(email.Trim().ToUpperInvariant());
        return account.IsAcquired ? null : RetryAfter(account);
    }

    public void Dispose()
    {
        _perEmail.Dispose();
        _perIp.Dispose();
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromMinutes(1);

    private static PartitionedRateLimiter<string> PerMinute(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, permits),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
}
