using System.Collections.Concurrent;
using AgentCloud.Agents.Loop;
using AgentCloud.ServiceDefaults.Lifecycle;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Runs;

/// <summary>Wakes the dispatcher: a run was queued or a slot freed here, or another replica said so (NOTIFY).</summary>
public sealed class RunQueueSignal : WakeSignal;

/// <summary>
/// This replica's workers: up to <see cref="RuntimeOptions.WorkerSlots"/> runs at once, each on its own task (never on
/// a request's thread). A run queued here while a slot is free is claimed in the same statement that queues it; other
/// runs are claimed by <c>runtime_claim</c> (fair across tenants, capped per tenant) when a slot frees, when woken, or
/// every <see cref="RuntimeOptions.PollInterval"/>, which also picks up runs whose worker died.
/// </summary>
public sealed class RunDispatcher(
    RunStore store, RunExecutor executor, RunQueueSignal signal, WorkerIdentity worker, IOptions<RuntimeOptions> options,
    ILogger<RunDispatcher> logger) : BackgroundService
{
    readonly SemaphoreSlim _slots = new(options.Value.WorkerSlots);
    readonly ConcurrentDictionary<Guid, (Task Task, CancellationTokenSource Cancel)> _running = new();
    CancellationToken _stopping = CancellationToken.None;

    /// <summary>Queues a run; claims it for this replica at once when it can.</summary>
    public async Task<EnqueueResult> EnqueueAsync(EnqueueCommand command, CancellationToken cancellationToken)
    {
        var reserved = _slots.Wait(0);
        try
        {
            var result = await store.EnqueueAsync(command with { Worker = reserved ? worker.Id : null }, worker.Id, cancellationToken);
            foreach (var interrupted in result.Interrupted)
            {
                CancelLocal(interrupted);
            }
            if (result.Outcome == "claimed")
            {
                Start(new ClaimedRun(command.RunId, result.Fencing!.Value, command.AgentId, command.AgentVersion));
                reserved = false;
            }
            else if (reserved)
            {
                signal.Notify();
            }
            return result;
        }
        finally
        {
            if (reserved)
            {
                _slots.Release();
            }
        }
    }

    public void Wake() => signal.Notify();

    /// <summary>Stops a run executing on this replica at once (its fencing token was already moved on).</summary>
    public void CancelLocal(Guid runId)
    {
        if (_running.TryGetValue(runId, out var running))
        {
            running.Cancel.Cancel();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ClaimWhileFreeAsync(stoppingToken);
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Claiming runs failed; retrying");
                await Task.Delay(options.Value.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    async Task ClaimWhileFreeAsync(CancellationToken stoppingToken)
    {
        while (_slots.CurrentCount > 0)
        {
            var free = _slots.CurrentCount;
            var claimed = await store.ClaimAsync(worker.Id, free, stoppingToken);
            foreach (var run in claimed)
            {
                await _slots.WaitAsync(stoppingToken);
                Start(run);
            }
            if (claimed.Count < free)
            {
                return;
            }
        }
    }

    /// <summary>Executes a claimed run on a slot already taken for it.</summary>
    void Start(ClaimedRun run)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        var task = Task.Run(async () =>
        {
            try
            {
                await executor.ExecuteAsync(run, cancel.Token);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // Cancelled or shutting down: nothing more is written; another worker resumes it if it is still live.
            }
            catch (Exception e)
            {
                logger.LogError(e, "Run {RunId} stopped with an error its executor did not handle", run.RunId);
            }
            finally
            {
                _running.TryRemove(run.RunId, out _);
                cancel.Dispose();
                _slots.Release();
                signal.Notify();
            }
        }, CancellationToken.None);
        _running[run.RunId] = (task, cancel);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAny(Task.WhenAll(_running.Values.Select(r => r.Task)), Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        try
        {
            await store.ReleaseLeasesAsync(worker.Id, cancellationToken);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("Could not release this worker's leases at shutdown; they expire by themselves");
        }
    }
}
