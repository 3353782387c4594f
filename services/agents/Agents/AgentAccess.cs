using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.Agents.Agents;

/// <summary>
/// Seed 003 visibility: a user-scoped agent is visible to its owner; a team-scoped one to the members of its team (no
/// team: everyone in the tenant, as the default Assistant). Owners and tenant admins may change an agent they see.
/// </summary>
public static class AgentAccess
{
    public static bool CanSee(Caller caller, Guid ownerUserId, string scope, Guid? teamId) =>
        caller.IsUser && CanSee(caller.UserId!.Value, caller.TeamIds, ownerUserId, scope, teamId);

    public static bool CanSee(Guid userId, IEnumerable<Guid> userTeamIds, Guid ownerUserId, string scope, Guid? teamId) =>
        ownerUserId == userId || (scope == AgentScopes.Team && (teamId is null || userTeamIds.Contains(teamId.Value)));

    public static bool CanChange(Caller caller, Guid ownerUserId, string scope, Guid? teamId) =>
        CanSee(caller, ownerUserId, scope, teamId) && (ownerUserId == caller.UserId || caller.IsTenantAdmin);

    public static bool CanSee(Caller caller, CurrentAgent agent) => CanSee(caller, agent.OwnerUserId, agent.Scope, agent.TeamId);
}
