using AgentCloud.Agents.Infrastructure;
using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.Agents.Apis;

/// <summary>What every directory handler needs, bound with [AsParameters].</summary>
public sealed class DirectoryServices(AgentsDbContext db, Caller caller, TimeProvider time)
{
    public AgentsDbContext Db { get; } = db;
    public Caller Caller { get; } = caller;
    public TimeProvider Time { get; } = time;
}
