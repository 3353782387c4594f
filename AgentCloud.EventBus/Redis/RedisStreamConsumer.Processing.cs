using System.Collections.Concurrent;
using System.Text.Json;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Telemetry;
using Microsoft.Extensions.Logging;

namespace AgentCloud.EventBus.Redis;

sealed partial class RedisStreamConsumer
{
    async Task ProcessAsync(List<(StreamEntry Entry, int Attempt)> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }
        foreach (var (entry, _) in batch)
        {
            _owned[(entry.Stream, entry.Id)] = true;
        }
        var handled = new ConcurrentBag<StreamEntry>();
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                if (await HandleAsync(item.Entry, item.Attempt, token))
                {
                    handled.Add(item.Entry);
                }
            });
        foreach (var stream in handled.GroupBy(e => e.Stream))
        {
            await _commands.AckAsync(stream.Key, stream.Select(e => e.Id).ToList());
            foreach (var entry in stream)
            {
                _owned.TryRemove((entry.Stream, entry.Id), out _);
            }
        }
    }

    /// <summary>True when the message can be acked; false when it stays pending for a retry or was dead-lettered.</summary>
    async Task<bool> HandleAsync(StreamEntry entry, int attempt, CancellationToken cancellationToken)
    {
        if (!entry.Fields.TryGetValue("event", out var json))
        {
            return true; // trimmed from the stream (MAXLEN) before it was handled: nothing left to deliver
        }
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = CloudEventSerializer.Deserialize(json);
        }
        catch (JsonException e)
        {
            await DeadLetterAsync(entry, attempt, $"Unreadable CloudEvent: {e.Message}");
            return false;
        }

        try
        {
            await dispatcher.DispatchAsync(cloudEvent, cancellationToken);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (attempt >= _options.MaxAttempts)
            {
                LogDeadLettered(e, cloudEvent.Type, cloudEvent.Id, attempt);
                await DeadLetterAsync(entry, attempt, $"{e.GetType().FullName}: {e.Message}");
                return false;
            }
            var delay = _options.RetryDelay(attempt);
            LogRetrying(e, cloudEvent.Type, cloudEvent.Id, attempt, _options.MaxAttempts, delay.TotalMilliseconds);
            EventBusTelemetry.Retried.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", cloudEvent.Type));
            _retries[(entry.Stream, entry.Id)] = new Retry(entry, attempt + 1, DateTimeOffset.UtcNow + delay);
            return false;
        }
    }

    async Task DeadLetterAsync(StreamEntry entry, int attempts, string error)
    {
        var topic = _topicOf[entry.Stream];
        await _commands.DeadLetterAsync(entry, topic, _keys.DeadLetter(topic, _options.AppId), error, attempts, _options.MaxStreamLength);
        _owned.TryRemove((entry.Stream, entry.Id), out _);
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
