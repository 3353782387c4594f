using AgentCloud.Triggers.Clients;
using AgentCloud.Triggers.Extensions;
using AgentCloud.Triggers.Infrastructure;
using AgentCloud.Triggers.Listeners;
using AgentCloud.Triggers.Scheduling;
using Microsoft.Extensions.Options;

namespace AgentCloud.Triggers.Apis;

/// <summary>What the trigger handlers need, bound with [AsParameters].</summary>
public sealed class TriggerServices(
    TriggersDbContext db, AgentsClient agents, CredentialsClient credentials, [FromKeyedServices(Clock.Key)] TimeProvider time,
    IOptions<TriggersSettings> options, SchedulerSignal scheduler, ListenerSignal listeners, ILogger<TriggerServices> logger)
{
    public TriggersDbContext Db { get; } = db;
    public AgentsClient Agents { get; } = agents;
    public CredentialsClient Credentials { get; } = credentials;
    public TimeProvider Time { get; } = time;
    public IOptions<TriggersSettings> Options { get; } = options;

    public TriggersSettings Settings => Options.Value;
    public SchedulerSignal Scheduler { get; } = scheduler;
    public ListenerSignal Listeners { get; } = listeners;
    public ILogger<TriggerServices> Logger { get; } = logger;
}
