using System.Collections.Concurrent;
using System.Text.Json;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Telemetry;
using CloudNative.CloudEvents;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentCloud.EventBus.Redis;

sealed partial class RedisStreamConsumer
{
    async Task ProcessAsync(List<Delivery> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }
        foreach (var delivery in batch)
        {
            _owned[delivery.Key] = true;
        }
        var handled = new ConcurrentBag<Delivery>();
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken },
            async (delivery, token) =>
            {
                if (await HandleAsync(delivery, token))
                {
                    handled.Add(delivery);
                }
            });
        foreach (var stream in handled.GroupBy(d => d.Stream))
        {
            await _db.StreamAcknowledgeAsync(stream.Key, Group, [.. stream.Select(d => d.Entry.Id)]);
            foreach (var delivery in stream)
            {
                _owned.TryRemove(delivery.Key, out _);
            }
        }
    }

    /// <summary>True when the message can be acked; false when it stays pending for a retry or was dead-lettered.</summary>
    async Task<bool> HandleAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        var json = delivery.Entry.IsNull ? RedisValue.Null : delivery.Entry[StreamKeys.EventField];
        if (json.IsNull)
        {
            return true; // trimmed from the stream (MAXLEN) before it was handled: nothing left to deliver
        }
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = CloudEventSerializer.Deserialize((ReadOnlyMemory<byte>)json);
        }
        catch (JsonException e)
        {
            await DeadLetterAsync(delivery, $"Unreadable CloudEvent: {e.Message}");
            return false;
        }

        try
        {
            await dispatcher.DispatchAsync(cloudEvent, cancellationToken);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (delivery.Attempt >= _options.MaxAttempts)
            {
                LogDeadLettered(e, cloudEvent.Type!, cloudEvent.Id!, delivery.Attempt);
                await DeadLetterAsync(delivery, $"{e.GetType().FullName}: {e.Message}");
                return false;
            }
            var delay = _options.RetryDelay(delivery.Attempt);
            LogRetrying(e, cloudEvent.Type!, cloudEvent.Id!, delivery.Attempt, _options.MaxAttempts, delay.TotalMilliseconds);
            EventBusTelemetry.Retried.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", cloudEvent.Type));
            _retries[delivery.Key] = new Retry(delivery with { Attempt = delivery.Attempt + 1 }, DateTimeOffset.UtcNow + delay);
            return false;
        }
    }

    async Task DeadLetterAsync(Delivery delivery, string error)
    {
        var topic = _topicOf[delivery.Stream];
        await deadLetters.AddAsync(delivery.Stream, delivery.Entry, topic, error, delivery.Attempt);
        _owned.TryRemove(delivery.Key, out _);
        EventBusTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
    }

    [LoggerMessage(LogLevel.Information, "Event consumer {Consumer} of group {Group} started on {Topics}")]
    partial void LogStarted(string consumer, string group, string topics);

    [LoggerMessage(LogLevel.Warning, "Consumer group missing ({Reason}); creating it again")]
    partial void LogGroupMissing(string reason);

    [LoggerMessage(LogLevel.Warning, "Redis command failed in the event consumer; retrying in 1 s")]
    partial void LogRedisUnavailable(Exception exception);

    [LoggerMessage(LogLevel.Information, "Claimed {Count} messages from {Stream} left pending by {Consumers}")]
    partial void LogReclaimed(int count, string stream, string consumers);

    [LoggerMessage(LogLevel.Information, "Removed consumer {Consumer} (idle, nothing pending) from {Stream}")]
    partial void LogConsumerRemoved(string consumer, string stream);

    [LoggerMessage(LogLevel.Warning, "Handler for {Type} {EventId} failed (attempt {Attempt} of {MaxAttempts}); retrying in {DelayMs} ms")]
    partial void LogRetrying(Exception exception, string type, string eventId, int attempt, int maxAttempts, double delayMs);

    [LoggerMessage(LogLevel.Error, "Handler for {Type} {EventId} failed {Attempts} times; moved to the dead-letter stream")]
    partial void LogDeadLettered(Exception exception, string type, string eventId, int attempts);
}
