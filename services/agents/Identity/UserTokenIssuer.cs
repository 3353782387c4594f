using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Model;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Identity;

/// <summary>Access token plus a rotated refresh token for a signed-in user.</summary>
public sealed class UserTokenIssuer(AccessTokenWriter writer, IOptions<AuthOptions> auth, IOptions<DirectoryOptions> directory, TimeProvider time)
{
    public async Task<TokenResponse> IssueAsync(AgentsDbContext db, User user, Guid? familyId, CancellationToken cancellationToken)
    {
        var teams = await db.TeamMembers.IgnoreQueryFilters().Where(m => m.UserId == user.Id).Select(m => m.TeamId).ToListAsync(cancellationToken);
        var access = await writer.CreateUserTokenAsync(user.Id, user.TenantId, teams, user.Roles, cancellationToken);
        var refresh = OpaqueTokens.New();
        var now = time.GetUtcNow();
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7(),
            TenantId = user.TenantId,
            UserId = user.Id,
            FamilyId = familyId ?? Guid.CreateVersion7(),
            TokenHash = OpaqueTokens.Hash(refresh),
            ExpiresAt = now + directory.Value.RefreshTokenLifetime,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        return new TokenResponse(access.AccessToken, "Bearer", (int)auth.Value.AccessTokenLifetime.TotalSeconds, refresh);
    }
}
