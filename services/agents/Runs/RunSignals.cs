using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace AgentCloud.Agents.Runs;

/// <summary>The turn's outcome as the worker knew it when the run stopped (saves the waiting request a read).</summary>
public sealed record TurnResult(
    string Status, Guid? MessageId, string Response, DateTimeOffset Timestamp, JsonArray ToolCalls, JsonArray ToolResults, bool UsingStub,
    string? ErrorCode, string? ErrorMessage);

/// <summary>One Server-Sent Event of a run's stream: <c>step</c>, <c>status</c> or <c>token</c>.</summary>
public sealed record RunStreamEvent(string Id, string Type, JsonNode Data);

/// <summary>
/// In-process wake-ups: a chat request waiting for its run, and the streams following it. A run executed on another
/// replica reaches them through PostgreSQL NOTIFY (<see cref="RuntimeNotifications"/>) as a bare "changed".
/// </summary>
public sealed class RunSignals
{
    readonly ConcurrentDictionary<Guid, TaskCompletionSource<TurnResult?>> _waiters = new();
    readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Channel<RunStreamEvent?>, byte>> _streams = new();

    /// <summary>Registers before the run is enqueued, so its end cannot be missed.</summary>
    public Task<TurnResult?> Watch(Guid runId) =>
        _waiters.GetOrAdd(runId, _ => new TaskCompletionSource<TurnResult?>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(Guid runId) => _waiters.TryRemove(runId, out _);

    /// <summary>The run stopped (finished or paused for approval); <paramref name="result"/> is null when only "changed" is known.</summary>
    public void Stopped(Guid runId, TurnResult? result)
    {
        if (_waiters.TryRemove(runId, out var waiter))
        {
            waiter.TrySetResult(result);
        }
        Changed(runId);
    }

    /// <summary>Wakes the run's streams so they read what was persisted.</summary>
    public void Changed(Guid runId) => Emit(runId, null);

    public void Token(Guid runId, RunStreamEvent token) => Emit(runId, token);

    public ChannelReader<RunStreamEvent?> Subscribe(Guid runId, out Action unsubscribe)
    {
        var channel = Channel.CreateBounded<RunStreamEvent?>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        var set = _streams.GetOrAdd(runId, _ => new());
        set[channel] = 0;
        unsubscribe = () =>
        {
            set.TryRemove(channel, out _);
            if (set.IsEmpty)
            {
                _streams.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<Channel<RunStreamEvent?>, byte>>(runId, set));
            }
        };
        return channel.Reader;
    }

    public bool HasStreams(Guid runId) => _streams.ContainsKey(runId);

    void Emit(Guid runId, RunStreamEvent? item)
    {
        if (_streams.TryGetValue(runId, out var set))
        {
            foreach (var channel in set.Keys)
            {
                channel.Writer.TryWrite(item);
            }
        }
    }
}
