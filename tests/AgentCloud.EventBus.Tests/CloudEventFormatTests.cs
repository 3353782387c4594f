using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.TestConsumer;
using Xunit;

namespace AgentCloud.EventBus.Tests;

public sealed class CloudEventFormatTests
{
    [Fact]
    public void Event_is_structured_cloud_event_json_with_trace_and_tenant_extensions()
    {
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=1";
        var @event = new WorkRequested("k-1") { Subject = "agents/42", TenantId = "tenant-7" };

        var json = JsonDocument.Parse(CloudEventSerializer.Serialize(CloudEventSerializer.Wrap(@event, "billing", activity))).RootElement;

        Assert.Equal("1.0", json.GetProperty("specversion").GetString());
        Assert.Equal(@event.Id, json.GetProperty("id").GetString());
        Assert.Equal("billing", json.GetProperty("source").GetString());
        Assert.Equal("agentcloud.test.work-requested", json.GetProperty("type").GetString());
        Assert.Equal(@event.Time, json.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("agents/42", json.GetProperty("subject").GetString());
        Assert.Equal("application/json", json.GetProperty("datacontenttype").GetString());
        Assert.Equal("k-1", json.GetProperty("data").GetProperty("key").GetString());
        Assert.False(json.GetProperty("data").TryGetProperty("id", out _), "metadata travels as attributes, not data");
        Assert.Equal(activity.Id, json.GetProperty("traceparent").GetString());
        Assert.Equal("vendor=1", json.GetProperty("tracestate").GetString());
        Assert.Equal("tenant-7", json.GetProperty("tenantid").GetString());
    }

    [Fact]
    public void Unwrapping_restores_data_and_attributes()
    {
        var original = new WorkRequested("k-2", FailTimes: 3) { Subject = "s", TenantId = "t" };
        var wire = CloudEventSerializer.Serialize(CloudEventSerializer.Wrap(original, "src", null));

        var back = (WorkRequested)CloudEventSerializer.Unwrap(CloudEventSerializer.Deserialize(wire), typeof(WorkRequested));

        Assert.Equal(original, back);
        Assert.DoesNotContain("traceparent", Encoding.UTF8.GetString(wire.Span));
    }
}
