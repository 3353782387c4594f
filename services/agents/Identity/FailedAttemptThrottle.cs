using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Identity;

/// <summary>A key whose failed attempts are limited: at most <paramref name="Failures"/> per <paramref name="Window"/>.</summary>
public readonly record struct AttemptKey(string Key, int Failures, TimeSpan Window);

/// <summary>
/// Counts FAILED credential checks (sign-in, refresh, API keys, client credentials) per key — an account, a client id, a
/// client address — in fixed windows; a key that used up its failures is refused until its window ends, and the answer
/// says when (Retry-After). Successes cost nothing, so a script that signs in once and refreshes is never locked out.
/// Accounts are keyed by the email whether or not it exists, so the limit tells an attacker nothing. In-memory per
/// replica: with N replicas a key gets up to N× the attempts.
/// </summary>
public sealed class FailedAttemptThrottle(IOptions<DirectoryOptions> options, TimeProvider time)
{
    const int PruneAbove = 10_000;

    readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    sealed record Window(DateTimeOffset Ends, int Failures);

    public AttemptKey Account(string email) =>
        new($"account:{email.Trim().ToLowerInvariant()}", options.Value.FailedSignInsPerAccountPer5Minutes, TimeSpan.FromMinutes(5));

    public AttemptKey Client(string clientId) =>
        new($"client:{clientId}", options.Value.FailedSignInsPerAccountPer5Minutes, TimeSpan.FromMinutes(5));

    public AttemptKey Address(HttpContext http) =>
        new($"address:{http.Connection.RemoteIpAddress?.ToString() ?? "unknown"}", options.Value.FailedSignInsPerAddressPerMinute, TimeSpan.FromMinutes(1));

    /// <summary>How long until every key may try again; null when none has used up its failures.</summary>
    public TimeSpan? RetryAfter(params ReadOnlySpan<AttemptKey> keys)
    {
        var now = time.GetUtcNow();
        TimeSpan? wait = null;
        foreach (var key in keys)
        {
            if (_windows.TryGetValue(key.Key, out var window) && window.Ends > now && window.Failures >= key.Failures)
            {
                wait = window.Ends - now > (wait ?? TimeSpan.Zero) ? window.Ends - now : wait;
            }
        }
        return wait;
    }

    public void RecordFailure(params ReadOnlySpan<AttemptKey> keys)
    {
        var now = time.GetUtcNow();
        foreach (var key in keys)
        {
            _windows.AddOrUpdate(key.Key,
                _ => new Window(now + key.Window, 1),
                (_, window) => window.Ends > now ? window with { Failures = window.Failures + 1 } : new Window(now + key.Window, 1));
        }
        if (_windows.Count > PruneAbove)
        {
            foreach (var (name, window) in _windows)
            {
                if (window.Ends <= now)
                {
                    _windows.TryRemove(name, out _);
                }
            }
        }
    }

    /// <summary>A success on an account clears its failures (not the address's).</summary>
    public void Forget(AttemptKey key) => _windows.TryRemove(key.Key, out _);

    /// <summary>429 with Retry-After, in whole seconds rounded up.</summary>
    public static ProblemHttpResult TooManyAttempts(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed attempts",
            detail: $"Try again in {seconds} seconds.");
    }
}
