using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Permissions;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using CallContext = AgentCloud.Contracts.Tools.CallContext;

namespace AgentCloud.Agents.Loop;

/// <summary>
/// The signed statement of the run's user's effective permissions that each tool call carries to the gateway
/// (<see cref="CallContext"/>), so the gateway need not ask this service back. Minted from agentsdb once per execution
/// of a run and again when it is older than <see cref="Renew"/>: a revoked permission stops working within
/// <see cref="CallContext.MaxLifetime"/>.
/// </summary>
public sealed class CallContexts(IServiceScopeFactory scopes, SigningKeyProvider keys, TimeProvider time)
{
    static readonly TimeSpan Lifetime = CallContext.MaxLifetime;
    static readonly TimeSpan Renew = TimeSpan.FromMinutes(4);
    static readonly JsonWebTokenHandler Handler = new();

    /// <summary>Null when the user is no longer the tenant's: the gateway then asks the directory and refuses.</summary>
    public async ValueTask<string?> ForAsync(RunState state, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (state.CallContext is { } current && now - current.IssuedAt < Renew)
        {
            return current.Token;
        }
        var run = state.Run;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentsDbContext>();
        if (await PermissionLookup.FindAsync(db, run.TenantId, run.UserId, run.LocationId, cancellationToken) is not { } permissions)
        {
            return null;
        }
        var claims = CallContext.Claims(run.TenantId, run.UserId, run.LocationId, permissions.Permissions.Select(p => p.Permission), now, Lifetime);
        var key = new SymmetricSecurityKey(CallContext.DeriveKey(await keys.GetKeyAsync(cancellationToken)));
        var token = Handler.CreateToken(claims.ToJsonString(), new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
        state.CallContext = (token, now);
        return token;
    }
}
