using System.Diagnostics;
using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.EventBus.Benchmarks;

/// <summary>Counts deliveries and keeps each one's published-to-handled latency.</summary>
public sealed class Recorder
{
    double[] _latencies = [];
    int _count;
    TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Done => _done.Task;

    public void Reset(int expected)
    {
        _latencies = new double[expected];
        _count = 0;
        _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Record(long publishedAtTicks)
    {
        var latency = Stopwatch.GetElapsedTime(publishedAtTicks).TotalMilliseconds;
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _latencies.Length)
        {
            _latencies[index] = latency;
        }
        if (index == _latencies.Length - 1)
        {
            _done.TrySetResult();
        }
    }

    public double[] SortedLatencies()
    {
        var copy = _latencies[..Math.Min(_count, _latencies.Length)];
        Array.Sort(copy);
        return copy;
    }
}

public sealed class RecordingHandler(Recorder recorder) : IIntegrationEventHandler<BenchEvent>
{
    public Task HandleAsync(BenchEvent @event, CancellationToken cancellationToken)
    {
        recorder.Record(@event.PublishedAtTicks);
        return Task.CompletedTask;
    }
}
