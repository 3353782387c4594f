using System.Diagnostics;
using AgentCloud.Hosting.ApplicationModel;

namespace AgentCloud.Hosting.Orchestration;

/// <summary>
/// Runs one resource: waits for its dependencies, starts it, waits until it answers, and restarts it with exponential
/// backoff when it exits unexpectedly. Five failed starts in a row mark it Failed.
/// </summary>
sealed class ResourceRuntime(ProcessResource resource, HostingContext context, ResourceLog log, Action onChange)
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);
    const int MaxFailedStarts = 5;

    readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    ManagedProcess? _process;

    public ProcessResource Resource => resource;

    public ResourceLog Log => log;

    public Task Ready => _ready.Task;

    public ResourceState State { get; private set; } = ResourceState.Waiting;

    public int Restarts { get; private set; }

    public ResourceSnapshot Snapshot() => new(resource.Name, State, resource.DisplayUrl, _process?.Pid, Restarts);

    public async Task RunAsync(IReadOnlyList<ResourceRuntime> dependencies, CancellationToken stopping)
    {
        if (await FailedDependencyAsync(dependencies, stopping) is { } failed)
        {
            log.Write($"not started: it waits for '{failed}', which failed");
            SetState(ResourceState.Failed);
            _ready.TrySetException(new InvalidOperationException($"{resource.Name} waits for {failed}, which failed."));
            return;
        }

        try
        {
            SetState(ResourceState.Starting);
            await resource.PrepareAsync(context, stopping);
            await SuperviseAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            _ready.TrySetCanceled(stopping);
        }
        catch (Exception e)
        {
            log.Write($"failed: {e.Message}");
            SetState(ResourceState.Failed);
            _ready.TrySetException(new InvalidOperationException($"{resource.Name} failed to start: {e.Message}", e));
        }
    }

    static async Task<string?> FailedDependencyAsync(IReadOnlyList<ResourceRuntime> dependencies, CancellationToken stopping)
    {
        try
        {
            await Task.WhenAll(dependencies.Select(d => d.Ready)).WaitAsync(stopping);
            return null;
        }
        catch (Exception) when (!stopping.IsCancellationRequested)
        {
            return dependencies.First(d => d.Ready.IsFaulted).Resource.Name;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    async Task SuperviseAsync(CancellationToken stopping)
    {
        var failedStarts = 0;
        var backoff = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            var started = Stopwatch.StartNew();
            _process = resource.Start(context, log);
            onChange();

            if (await WaitUntilReadyAsync(_process, stopping))
            {
                await resource.OnReadyAsync(stopping);
                failedStarts = 0;
                SetState(ResourceState.Running);
                _ready.TrySetResult();
                await _process.Exited.WaitAsync(stopping);
            }
            else
            {
                await _process.StopAsync(TimeSpan.FromSeconds(5));
                if (++failedStarts >= MaxFailedStarts)
                {
                    throw new InvalidOperationException($"did not become healthy in {MaxFailedStarts} attempts; see its log above");
                }
            }

            if (started.Elapsed > StableAfter)
            {
                backoff = TimeSpan.FromSeconds(1);
            }
            Restarts++;
            SetState(ResourceState.Restarting);
            log.Write($"exited (code {_process.ExitCode}); restart {Restarts} in {backoff.TotalSeconds:0}s");
            await Task.Delay(backoff, stopping);
            backoff = TimeSpan.FromSeconds(Math.Min(backoff.TotalSeconds * 2, 30));
        }
    }

    async Task<bool> WaitUntilReadyAsync(ManagedProcess process, CancellationToken stopping)
    {
        var deadline = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(50);
        while (deadline.Elapsed < StartTimeout)
        {
            stopping.ThrowIfCancellationRequested();
            if (process.Exited.IsCompleted)
            {
                return false;
            }
            if (await resource.IsReadyAsync(stopping))
            {
                return true;
            }
            await Task.Delay(delay, stopping);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 500));
        }
        log.Write($"not healthy after {StartTimeout.TotalSeconds:0}s");
        return false;
    }

    public async Task StopAsync()
    {
        if (_process is null)
        {
            SetState(ResourceState.Stopped);
            return;
        }
        SetState(ResourceState.Stopping);
        await _process.StopAsync(TimeSpan.FromSeconds(10));
        SetState(ResourceState.Stopped);
    }

    void SetState(ResourceState state)
    {
        State = state;
        onChange();
    }
}
