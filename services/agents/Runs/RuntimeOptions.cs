namespace AgentCloud.Agents.Runs;

/// <summary>The runtime's limits and timings (configuration section <c>Runtime</c>); defaults are the stated ones.</summary>
public sealed class RuntimeOptions
{
    public const string Section = "Runtime";

    /// <summary>Runs one replica executes at once.</summary>
    public int WorkerSlots { get; set; } = 64;

    /// <summary>Top-level runs of one tenant executing at once, across all replicas (fairness cap).</summary>
    public int MaxConcurrentRunsPerTenant { get; set; } = 16;

    /// <summary>How long a worker's claim on a conversation lasts without renewal; a dead worker's run resumes after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Fallback poll for queued runs and expired leases when no wake-up arrives.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long chat endpoints wait for the run before answering 202 with its id.</summary>
    public TimeSpan ChatWaitTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Model calls one run may make (a loop guard); past it the run fails with too_many_steps.</summary>
    public int MaxModelCallsPerRun { get; set; } = 10;

    /// <summary>Nesting of sub-agents (an agent calling an agent is depth 1).</summary>
    public int MaxSubAgentDepth { get; set; } = 3;

    /// <summary>How long a tenant's tool catalog from the gateway is reused.</summary>
    public TimeSpan CatalogCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages older than the window and not yet summarized, from which the next run summarizes them.</summary>
    public int SummarizeAfterMessages { get; set; } = 10;

    /// <summary>Testing only: a step name at which the worker stops dead (see RunFaultPoint).</summary>
    public string? FaultPoint { get; set; }
}
