using System.Collections.Concurrent;
using System.Diagnostics;

namespace AgentCloud.EventBus.TestConsumer;

public sealed record HandlerCall(string EventId, string Key, string Consumer, int Attempt, ActivityTraceId TraceId, ActivitySpanId ParentSpanId, DateTimeOffset At);

/// <summary>What the handler saw, for assertions; <see cref="FailAll"/> makes every attempt throw.</summary>
public sealed class HandlerProbe
{
    readonly ConcurrentDictionary<string, int> _attempts = new();

    public ConcurrentQueue<HandlerCall> Calls { get; } = new();

    public volatile bool FailAll;

    public event Action<HandlerCall>? Called;

    public int NextAttempt(string eventId) => _attempts.AddOrUpdate(eventId, 1, (_, n) => n + 1);

    public void Record(HandlerCall call)
    {
        Calls.Enqueue(call);
        Called?.Invoke(call);
    }

    public async Task WaitForAsync(Func<IReadOnlyCollection<HandlerCall>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Calls.ToArray()))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Handler probe condition not met in {timeout}; {Calls.Count} calls so far.");
            }
            await Task.Delay(10);
        }
    }
}
