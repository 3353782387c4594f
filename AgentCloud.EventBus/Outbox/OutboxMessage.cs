namespace AgentCloud.EventBus.Outbox;

/// <summary>An event waiting to be relayed; written in the transaction of the change it announces.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    public required string Topic { get; set; }

    public required string CloudEvent { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    public int Attempts { get; set; }
}

/// <summary>An event a consumer group has processed; its presence makes a redelivery a no-op.</summary>
public sealed class InboxMessage
{
    public required string Consumer { get; set; }

    public required string EventId { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }
}
