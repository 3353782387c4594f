namespace AgentCloud.EventBus.Hosting;

/// <summary>Runs a delivery's handlers at most once per consumer group and event id.</summary>
public interface IInbox
{
    /// <summary>False when the event was already processed: the handlers did not run.</summary>
    Task<bool> RunOnceAsync(IServiceProvider scope, string consumer, string eventId, Func<Task> handle, CancellationToken cancellationToken);
}

/// <summary>Without an inbox a redelivered event runs its handlers again: they must be idempotent themselves.</summary>
sealed class NoInbox : IInbox
{
    public async Task<bool> RunOnceAsync(IServiceProvider scope, string consumer, string eventId, Func<Task> handle, CancellationToken cancellationToken)
    {
        await handle();
        return true;
    }
}
