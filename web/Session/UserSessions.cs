using System.Text.Json;
using StackExchange.Redis;

namespace AgentCloud.Web.Session;

/// <summary>The tokens of one signed-in browser, kept server-side; the cookie only names the session.</summary>
public sealed record SessionTokens(string AccessToken, string? RefreshToken, DateTimeOffset AccessTokenExpiresAt);

/// <summary>
/// Server-side sessions in Redis (<c>web:session:{id}</c>, expiring with the cookie), so every replica of the web app
/// finds them and a signed-out session is gone at once. The access token is refreshed shortly before it expires; one
/// refresh at a time per session in this process, because the agents service revokes a refresh token's whole family
/// when it is presented twice.
/// </summary>
public sealed class UserSessions(IConnectionMultiplexer redis, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);
    static readonly TimeSpan RefreshAhead = TimeSpan.FromMinutes(2);
    // Striped locks: bounded memory whatever the number of sessions; two sessions sharing a stripe only wait for each other.
    readonly SemaphoreSlim[] _refreshing = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<string> CreateAsync(SessionTokens tokens)
    {
        var id = Guid.NewGuid().ToString("N");
        await SaveAsync(id, tokens);
        return id;
    }

    public async Task<SessionTokens?> FindAsync(string id) =>
        await Database.StringGetAsync(Key(id)) is { HasValue: true } value ? JsonSerializer.Deserialize<SessionTokens>(value.ToString()) : null;

    public Task EndAsync(string id) => Database.KeyDeleteAsync(Key(id));

    /// <summary>A usable access token for the session, refreshed through <paramref name="refresh"/> when it is about to expire; null when the session ended.</summary>
    public async Task<string?> AccessTokenAsync(string id, Func<string, CancellationToken, Task<SessionTokens?>> refresh, CancellationToken cancellationToken)
    {
        var tokens = await FindAsync(id);
        if (tokens is null || !NeedsRefresh(tokens))
        {
            return tokens?.AccessToken;
        }
        var gate = _refreshing[(int)((uint)StringComparer.Ordinal.GetHashCode(id) % _refreshing.Length)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            tokens = await FindAsync(id); // another request may have refreshed meanwhile
            if (tokens is null || !NeedsRefresh(tokens))
            {
                return tokens?.AccessToken;
            }
            if (tokens.RefreshToken is null || await refresh(tokens.RefreshToken, cancellationToken) is not { } renewed)
            {
                await EndAsync(id);
                return null;
            }
            await SaveAsync(id, renewed);
            return renewed.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    bool NeedsRefresh(SessionTokens tokens) => tokens.AccessTokenExpiresAt - RefreshAhead <= time.GetUtcNow();

    Task SaveAsync(string id, SessionTokens tokens) => Database.StringSetAsync(Key(id), JsonSerializer.Serialize(tokens), Lifetime);

    IDatabase Database => redis.GetDatabase();

    static string Key(string id) => $"web:session:{id}";
}
