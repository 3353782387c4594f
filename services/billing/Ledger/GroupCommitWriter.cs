using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Npgsql;

namespace AgentCloud.Billing.Ledger;

/// <summary>
/// Group commit. Requests queue here; one writer applies everything queued with a single database call (one round
/// trip, one transaction for the lot) and answers each request only after that transaction committed. Requests that
/// arrive while a batch is in PostgreSQL form the next one, so a lone request goes at once and a crowd shares the cost.
/// A request PostgreSQL rejects fails alone (the batch is retried one by one); deadlocks are retried.
/// </summary>
public abstract partial class GroupCommitWriter<TRequest, TResult> : IAsyncDisposable
    where TRequest : notnull
{
    public const int MaxBatchSize = 256;
    const int MaxDeadlockRetries = 5;
    static readonly ActivitySource Activities = new("AgentCloud.Billing.Ledger");
    static readonly Meter Meter = new("AgentCloud.Billing.Ledger");
    static readonly Histogram<int> BatchSizes = Meter.CreateHistogram<int>("billing.ledger.batch.size", "{request}",
        "Requests applied by one database call");

    // Bounded: under overload callers wait to enqueue instead of piling up in memory.
    readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(10_000) { SingleReader = true });
    readonly Queue<Pending> _deferred = new();
    readonly NpgsqlDataSource _dataSource;
    readonly ILogger _logger;
    readonly string _name;
    readonly Task _writer;
    long _batches;

    protected GroupCommitWriter(string name, NpgsqlDataSource dataSource, ILogger logger)
    {
        _name = name;
        _dataSource = dataSource;
        _logger = logger;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Database calls made so far: requests ÷ batches is the sharing achieved.</summary>
    public long BatchesApplied => Interlocked.Read(ref _batches);

    /// <summary>Two requests with the same key never share a batch (the second waits for the next one).</summary>
    protected abstract object KeyOf(TRequest request);

    /// <summary>Applies the batch in one transaction; answers one result per request, in order.</summary>
    protected abstract Task<IReadOnlyList<TResult>> ApplyAsync(IReadOnlyList<Batched> batch);

    protected async Task<TResult> EnqueueAsync(TRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(new Batched(request, LedgerSql.TraceParent(), Activity.Current?.Context ?? default));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        // A caller that gives up still has its request applied (as when a connection drops mid-call): all are idempotent.
        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// One call with the batch's parameters, prepared once per physical connection (Npgsql keeps it across pool
    /// returns); a result per row.
    /// </summary>
    protected async Task<IReadOnlyList<TResult>> CallAsync(string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, TResult> read)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        await command.PrepareAsync();
        var results = new List<TResult>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results.Add(read(reader));
        }
        return results;
    }

    async Task WriteAsync()
    {
        var batch = new List<Pending>(MaxBatchSize);
        while (_deferred.Count > 0 || await _queue.Reader.WaitToReadAsync())
        {
            Collect(batch);
            await ApplyIsolatingFailuresAsync(batch);
            batch.Clear();
        }
    }

    void Collect(List<Pending> batch)
    {
        var keys = new HashSet<object>();
        var carried = _deferred.Count;
        for (var i = 0; i < carried && batch.Count < MaxBatchSize; i++)
        {
            Add(_deferred.Dequeue());
        }
        while (batch.Count < MaxBatchSize && _queue.Reader.TryRead(out var pending))
        {
            Add(pending);
        }

        void Add(Pending pending)
        {
            if (keys.Add(KeyOf(pending.Request.Request)))
            {
                batch.Add(pending);
            }
            else
            {
                _deferred.Enqueue(pending);
            }
        }
    }

    async Task ApplyIsolatingFailuresAsync(List<Pending> batch)
    {
        try
        {
            var results = await ApplyRetryingDeadlocksAsync(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (PostgresException e) when (batch.Count > 1)
        {
            LogSplit(_name, batch.Count, e.SqlState, e.MessageText);
            foreach (var pending in batch)
            {
                await ApplyIsolatingFailuresAsync([pending]);
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(e);
            }
        }
    }

    async Task<IReadOnlyList<TResult>> ApplyRetryingDeadlocksAsync(List<Pending> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var activity = StartActivity(batch);
            try
            {
                var results = await ApplyAsync(batch.ConvertAll(p => p.Request));
                if (results.Count != batch.Count)
                {
                    throw new InvalidOperationException($"{_name} answered {results.Count} results for {batch.Count} requests.");
                }
                Interlocked.Increment(ref _batches);
                BatchSizes.Record(batch.Count, new KeyValuePair<string, object?>("billing.batch.kind", _name));
                return results;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                && attempt < MaxDeadlockRetries)
            {
                LogRetry(_name, e.SqlState, attempt);
            }
        }
    }

    Activity? StartActivity(List<Pending> batch)
    {
        if (!Activities.HasListeners())
        {
            return null;
        }
        var links = batch.Where(p => p.Request.Context != default).Select(p => new ActivityLink(p.Request.Context));
        var activity = Activities.StartActivity(ActivityKind.Internal, parentContext: default, links: links, name: $"billing.{_name}");
        activity?.SetTag("billing.batch.size", batch.Count);
        return activity;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        GC.SuppressFinalize(this);
    }

    [LoggerMessage(LogLevel.Warning, "Ledger batch {Name} of {Count} failed ({SqlState}: {Message}); applying its requests one by one")]
    partial void LogSplit(string name, int count, string sqlState, string message);

    [LoggerMessage(LogLevel.Warning, "Ledger batch {Name} hit {SqlState} (attempt {Attempt}); retrying")]
    partial void LogRetry(string name, string sqlState, int attempt);

    /// <summary>A queued request with the caller's trace context (a batch span links to every caller's).</summary>
    public sealed record Batched(TRequest Request, string? TraceParent, ActivityContext Context);

    sealed record Pending(Batched Request)
    {
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
