using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCloud.EventBus.Redis;

public sealed record DeadLetter(string Topic, string Id, string? EventId, string? Type, string Error, int Attempts, string? FailedAt);

/// <summary>Operator view of this service's dead letters: list them, and replay one to this consumer group only.</summary>
public sealed class DeadLetters(IConnectionMultiplexer redis, Subscriptions subscriptions, IOptions<EventBusOptions> options)
{
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

    public IReadOnlyCollection<string> Topics => subscriptions.Topics;

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(string? topic, int count)
    {
        var letters = new List<DeadLetter>();
        foreach (var t in subscriptions.Topics.Where(t => topic is null || t == topic))
        {
            var key = _keys.DeadLetter(t, options.Value.AppId);
            var entries = StreamReplies.Entries(key, await redis.GetDatabase().ExecuteAsync("XRANGE", key, "-", "+", "COUNT", count));
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
            [_keys.DeadLetter(topic, options.Value.AppId), _keys.Replay(topic, options.Value.AppId)], [id]);
        if (replayed == 1)
        {
            await redis.GetSubscriber().PublishAsync(_keys.Notify(topic), "");
        }
        return replayed == 1;
    }

    static DeadLetter ToDeadLetter(string topic, StreamEntry entry)
    {
        CloudEvent? cloudEvent = null;
        if (entry.Fields.TryGetValue("event", out var json) && json.Length > 0)
        {
            cloudEvent = CloudEventSerializer.Deserialize(json);
        }
        return new DeadLetter(topic, entry.Id, cloudEvent?.Id, cloudEvent?.Type, entry.Fields.GetValueOrDefault("error") ?? "",
            int.TryParse(entry.Fields.GetValueOrDefault("attempts"), out var attempts) ? attempts : 0, entry.Fields.GetValueOrDefault("failed_at"));
    }
}
