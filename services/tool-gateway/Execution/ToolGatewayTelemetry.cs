using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentCloud.ToolGateway.Execution;

public static class ToolGatewayTelemetry
{
    public const string Name = "AgentCloud.ToolGateway";

    public static readonly ActivitySource Source = new(Name);

    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Invocations = Meter.CreateCounter<long>("agentcloud.tool.invocations");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("agentcloud.tool.duration", "ms");

    /// <summary>A step span; tags are ids and codes only, never arguments, results or secrets.</summary>
    public static Activity? Step(string name, string toolKey) =>
        Source.StartActivity($"tool.{name}")?.SetTag("agentcloud.tool.key", toolKey);
}
