using StackExchange.Redis;

namespace AgentCloud.EventBus.Redis;

/// <summary>The consumer-group commands, as one consumer of one group sees them.</summary>
sealed class StreamCommands(IDatabase db, string group, string consumer, string newGroupStartId)
{
    // Dead-lettering and acking in one script: a message is never both gone from the group and missing from the DLQ.
    const string DeadLetterScript = """
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], '*', 'event', ARGV[2], 'error', ARGV[3], 'attempts', ARGV[4],
            'topic', ARGV[6], 'stream', KEYS[1], 'id', ARGV[1], 'group', ARGV[5], 'failed_at', ARGV[8])
        return redis.call('XACK', KEYS[1], ARGV[5], ARGV[1])
        """;

    public string Group => group;

    public string Consumer => consumer;

    /// <summary>Creates the group (at <c>newGroupStartId</c>) and the stream if missing.</summary>
    public async Task EnsureGroupAsync(string stream)
    {
        try
        {
            await db.ExecuteAsync("XGROUP", "CREATE", stream, group, newGroupStartId, "MKSTREAM");
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already: created by another replica or an earlier run.
        }
    }

    public async Task<List<StreamEntry>> ReadNewAsync(IReadOnlyList<string> streams, int count)
    {
        var args = new List<object> { "GROUP", group, consumer, "COUNT", count, "STREAMS" };
        args.AddRange(streams);
        args.AddRange(streams.Select(_ => (object)">"));
        return StreamReplies.ReadGroup(await db.ExecuteAsync("XREADGROUP", args.ToArray()));
    }

    public async Task AckAsync(string stream, IReadOnlyCollection<string> ids)
    {
        if (ids.Count > 0)
        {
            await db.ExecuteAsync("XACK", [stream, group, .. ids]);
        }
    }

    public async Task<List<PendingEntry>> PendingAsync(string stream, TimeSpan minIdle, int count) =>
        StreamReplies.Pending(await db.ExecuteAsync("XPENDING",
            stream, group, "IDLE", (long)minIdle.TotalMilliseconds, "-", "+", count));

    /// <summary>Takes over messages idle at least <paramref name="minIdle"/>; entries trimmed meanwhile come back without fields.</summary>
    public async Task<List<StreamEntry>> ClaimAsync(string stream, TimeSpan minIdle, IReadOnlyCollection<string> ids) =>
        ids.Count == 0
            ? []
            : StreamReplies.Entries(stream, await db.ExecuteAsync("XCLAIM",
                [stream, group, consumer, (long)minIdle.TotalMilliseconds, .. ids]));

    public async Task<List<ConsumerInfo>> ConsumersAsync(string stream) =>
        StreamReplies.Consumers(await db.ExecuteAsync("XINFO", "CONSUMERS", stream, group));

    public async Task DeleteConsumerAsync(string stream, string name) =>
        await db.ExecuteAsync("XGROUP", "DELCONSUMER", stream, group, name);

    public async Task DeadLetterAsync(StreamEntry entry, string topic, string deadLetterStream, string error, int attempts, int maxLength) =>
        await db.ScriptEvaluateAsync(DeadLetterScript, [entry.Stream, deadLetterStream],
        [
            entry.Id, entry.Fields.GetValueOrDefault("event") ?? "", error, attempts, group, topic, maxLength,
            DateTimeOffset.UtcNow.ToString("O"),
        ]);
}
