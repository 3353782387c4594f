using System.Text.Json;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using CloudNative.CloudEvents;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCloud.EventBus.Redis;

public sealed record DeadLetter(string Topic, string Id, string? EventId, string? Type, string Error, int Attempts, string? FailedAt);

/// <summary>This service's dead letters: moved there by the consumer, listed and replayed (to this consumer group only) by operators.</summary>
public sealed class DeadLetters(IConnectionMultiplexer redis, Subscriptions subscriptions, IOptions<EventBusOptions> options)
{
    // Dead-lettering and acking in one script: a message is never both gone from the group and missing from the DLQ.
    const string AddScript = """
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*', 'event', ARGV[2], 'error', ARGV[3], 'attempts', ARGV[4],
            'topic', ARGV[6], 'stream', KEYS[1], 'id', ARGV[1], 'group', ARGV[5], 'failed_at', ARGV[8])
        return redis.call('XACK', KEYS[1], ARGV[5], ARGV[1])
        """;

    // Replaying moves the entry atomically: it lands on the group's replay stream and leaves the dead-letter stream.
    const string ReplayScript = """
        local entry = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
        if #entry == 0 then return 0 end
        local fields = entry[1][2]
        for i = 1, #fields, 2 do
            if fields[i] == 'event' then
                redis.call('XADD', KEYS[2], '*', 'event', fields[i + 1])
            end
        end
        redis.call('XDEL', KEYS[1], ARGV[1])
        return 1
        """;

    readonly StreamKeys _keys = new(options.Value.StreamPrefix);

    string Group => options.Value.AppId;

    public IReadOnlyCollection<string> Topics => subscriptions.Topics;

    /// <summary>Moves a pending message of this group to the topic's dead-letter stream and acks it.</summary>
    public async Task AddAsync(string stream, StreamEntry entry, string topic, string error, int attempts) =>
        await redis.GetDatabase().ScriptEvaluateAsync(AddScript, [stream, _keys.DeadLetter(topic, Group)],
        [
            entry.Id, entry.IsNull ? "" : entry[StreamKeys.EventField], error, attempts, Group, topic, options.Value.MaxStreamLength,
            DateTimeOffset.UtcNow.ToString("O"),
        ]);

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(string? topic, int count)
    {
        var letters = new List<DeadLetter>();
        foreach (var t in subscriptions.Topics.Where(t => topic is null || t == topic))
        {
            var entries = await redis.GetDatabase().StreamRangeAsync(_keys.DeadLetter(t, Group), "-", "+", count);
            letters.AddRange(entries.Select(e => ToDeadLetter(t, e)));
        }
        return letters;
    }

    /// <summary>False when there is no such dead letter (already replayed, or never there).</summary>
    public async Task<bool> ReplayAsync(string topic, string id)
    {
        if (!subscriptions.Topics.Contains(topic))
        {
            return false;
        }
        var replayed = (long)await redis.GetDatabase().ScriptEvaluateAsync(ReplayScript,
            [_keys.DeadLetter(topic, Group), _keys.Replay(topic, Group)], [id]);
        if (replayed == 1)
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(_keys.Notify(topic)), "");
        }
        return replayed == 1;
    }

    static DeadLetter ToDeadLetter(string topic, StreamEntry entry)
    {
        CloudEvent? cloudEvent = null;
        var json = entry[StreamKeys.EventField];
        if (!json.IsNullOrEmpty)
        {
            try
            {
                cloudEvent = CloudEventSerializer.Deserialize((ReadOnlyMemory<byte>)json);
            }
            catch (JsonException)
            {
                // Dead-lettered because it was unreadable: listed with its error, without event id and type.
            }
        }
        return new DeadLetter(topic, entry.Id!, cloudEvent?.Id, cloudEvent?.Type, (string?)entry["error"] ?? "",
            (int)entry["attempts"], entry["failed_at"]);
    }
}
