using System.Diagnostics;
using AgentCloud.EventBus.Telemetry;
using CloudNative.CloudEvents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCloud.EventBus.Hosting;

/// <summary>Delivers one CloudEvent to this service's handlers, in a scope, through the inbox, inside a consumer span.</summary>
public sealed class EventDispatcher(IServiceScopeFactory scopes, Subscriptions subscriptions, IInbox inbox, IOptions<EventBusOptions> options)
{
    public string ConsumerGroup => options.Value.AppId;

    public bool IsSubscribed(string topic) => subscriptions.For(topic).Count > 0;

    /// <summary>Returns normally when handled (or already handled before); throws when a handler failed.</summary>
    public async Task DispatchAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        var handlers = subscriptions.For(cloudEvent.Type!);
        using var activity = EventBusTelemetry.StartProcess(cloudEvent, ConsumerGroup);
        var started = Stopwatch.GetTimestamp();
        var topicTag = new KeyValuePair<string, object?>("messaging.destination.name", cloudEvent.Type);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var ran = await inbox.RunOnceAsync(scope.ServiceProvider, ConsumerGroup, cloudEvent.Id!, async () =>
            {
                foreach (var handler in handlers)
                {
                    await handler.Invoke(scope.ServiceProvider, cloudEvent, cancellationToken);
                }
            }, cancellationToken);
            if (!ran)
            {
                activity?.SetTag("agentcloud.eventbus.duplicate", true);
                EventBusTelemetry.Duplicates.Add(1, topicTag);
            }
            EventBusTelemetry.Handled.Add(1, topicTag);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            EventBusTelemetry.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, topicTag);
        }
    }
}
