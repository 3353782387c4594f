using System.Threading.Channels;

namespace AgentCloud.ServiceDefaults.Lifecycle;

/// <summary>
/// Wakes a polling background worker early when this replica knows there is work; its poll interval still covers
/// work other replicas create. Subclass it once per worker so each gets its own singleton.
/// </summary>
public abstract class WakeSignal
{
    readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Returns on a nudge or when <paramref name="timeout"/> (the poll interval) passes.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a nudge.
        }
    }
}
