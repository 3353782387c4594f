using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Identity;

/// <summary>
/// Per-account limit on sign-in attempts, keyed by the normalised email whether or not it exists, so the answer never
/// tells an attacker which emails are real. (Per-IP limiting is ASP.NET Core's rate limiter on the endpoint.)
/// In-memory per replica: with N replicas an account gets up to N× the attempts.
/// </summary>
public sealed class SignInThrottle(IOptions<DirectoryOptions> options) : IDisposable
{
    readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(email =>
        RateLimitPartition.GetFixedWindowLimiter(email, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.SignInPerAccountPer5Minutes,
            Window = TimeSpan.FromMinutes(5),
            QueueLimit = 0,
        }));

    public bool TryAcquire(string email)
    {
        using var lease = _limiter.AttemptAcquire(email.Trim().ToLowerInvariant());
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
