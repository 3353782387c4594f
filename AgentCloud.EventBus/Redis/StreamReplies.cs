using StackExchange.Redis;

namespace AgentCloud.EventBus.Redis;

public sealed record StreamEntry(string Stream, string Id, IReadOnlyDictionary<string, string> Fields);

public sealed record ConsumerInfo(string Name, long Pending, long IdleMilliseconds);

public sealed record PendingEntry(string Id, string Consumer, long IdleMilliseconds, long Deliveries);

/// <summary>Parses stream replies from <c>ExecuteAsync</c> (SE.Redis 1.2.6 has no stream API), shapes as in Redis 7.0.</summary>
static class StreamReplies
{
    /// <summary>XREADGROUP: nil, or [[stream, [[id, [field, value, ...]], ...]], ...].</summary>
    public static List<StreamEntry> ReadGroup(RedisResult result)
    {
        var entries = new List<StreamEntry>();
        if (result.IsNull)
        {
            return entries;
        }
        foreach (var stream in (RedisResult[])result!)
        {
            var parts = (RedisResult[])stream!;
            entries.AddRange(Entries((string)parts[0]!, parts[1]));
        }
        return entries;
    }

    /// <summary>XCLAIM / XRANGE: [[id, [field, value, ...]], ...]; an entry trimmed away shows nil fields.</summary>
    public static List<StreamEntry> Entries(string stream, RedisResult result)
    {
        var entries = new List<StreamEntry>();
        if (result.IsNull)
        {
            return entries;
        }
        foreach (var item in (RedisResult[])result!)
        {
            var pair = (RedisResult[])item!;
            var fields = new Dictionary<string, string>();
            if (!pair[1].IsNull)
            {
                var flat = (RedisResult[])pair[1]!;
                for (var i = 0; i + 1 < flat.Length; i += 2)
                {
                    fields[(string)flat[i]!] = (string)flat[i + 1]!;
                }
            }
            entries.Add(new StreamEntry(stream, (string)pair[0]!, fields));
        }
        return entries;
    }

    /// <summary>XINFO CONSUMERS: one flat [name, n, pending, p, idle, ms, ...] array per consumer (7.2 adds fields).</summary>
    public static List<ConsumerInfo> Consumers(RedisResult result) =>
        result.IsNull
            ? []
            : ((RedisResult[])result!).Select(item =>
            {
                var flat = (RedisResult[])item!;
                var fields = new Dictionary<string, RedisResult>();
                for (var i = 0; i + 1 < flat.Length; i += 2)
                {
                    fields[(string)flat[i]!] = flat[i + 1];
                }
                return new ConsumerInfo((string)fields["name"]!, (long)fields["pending"], (long)fields["idle"]);
            }).ToList();

    /// <summary>XPENDING extended form: [[id, consumer, idle-ms, deliveries], ...].</summary>
    public static List<PendingEntry> Pending(RedisResult result) =>
        result.IsNull
            ? []
            : ((RedisResult[])result!).Select(item => (RedisResult[])item!)
                .Select(p => new PendingEntry((string)p[0]!, (string)p[1]!, (long)p[2], (long)p[3]))
                .ToList();
}
