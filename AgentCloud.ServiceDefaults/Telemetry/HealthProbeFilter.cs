using System.Diagnostics;
using OpenTelemetry;

namespace AgentCloud.ServiceDefaults.Telemetry;

/// <summary>Keeps the orchestrator's health polling out of exported traces.</summary>
sealed class HealthProbeFilter : BaseProcessor<Activity>
{
    public override void OnEnd(Activity activity)
    {
        if (activity.GetTagItem("url.path") is "/health" or "/alive")
        {
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
