using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentCloud.Agents.Runs;

/// <summary>
/// Spans and metrics of the runtime (ActivitySource and Meter <see cref="Name"/>): a span per run (parented on the
/// request that queued it, so one trace covers HTTP → run → tool gateway) and per step. Tags are ids, statuses,
/// counts and model names: never message contents, arguments or results. Model calls also get the gen_ai spans and
/// metrics of Microsoft.Extensions.AI's OpenTelemetry client (source AgentCloud.Agents.Models).
/// </summary>
public static class RuntimeTelemetry
{
    public const string Name = "AgentCloud.Agents.Runtime";

    public static readonly ActivitySource Source = new(Name);

    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("agents.runs.started", description: "Runs a worker began or resumed");

    public static readonly Counter<long> RunsEnded = Meter.CreateCounter<long>("agents.runs.ended", description: "Runs that stopped, by status");

    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("agents.run.duration", "ms", "From queued to stopped");

    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("agents.run.queue_wait", "ms", "From queued to first claimed");

    public static readonly Counter<long> Tokens = Meter.CreateCounter<long>("agents.model.tokens", "{token}", "Model tokens, by direction");

    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("agents.step.duration", "ms", "Model and tool steps");

    public static Activity? StartRun(RunRecord run)
    {
        ActivityContext.TryParse(run.TraceParent, null, out var parent);
        var activity = Source.StartActivity("agent.run", ActivityKind.Internal, parent);
        activity?.SetTag("agentcloud.run.id", run.Id.ToString()).SetTag("agentcloud.agent.id", run.AgentId.ToString())
            .SetTag("agentcloud.agent.version", run.AgentVersion).SetTag("agentcloud.tenant.id", run.TenantId.ToString())
            .SetTag("agentcloud.run.input_kind", run.InputKind).SetTag("agentcloud.run.depth", run.Depth);
        return activity;
    }

    public static Activity? StartStep(string kind, int seq, string? tool = null)
    {
        var activity = Source.StartActivity($"agent.{kind}");
        activity?.SetTag("agentcloud.step.seq", seq).SetTag("agentcloud.tool.key", tool);
        return activity;
    }
}
