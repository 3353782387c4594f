namespace AgentCloud.EventBus.Redis;

/// <summary>
/// Key layout: <c>{prefix}{topic}</c> is the topic's stream (one consumer group per service); replays for one group go to
/// <c>{prefix}{topic}:replay:{group}</c> so other groups do not see them again; <c>{prefix}{topic}:dead:{group}</c> holds
/// that group's dead letters; <c>{prefix}notify:{topic}</c> is the pub/sub channel that wakes pollers;
/// <c>{prefix}alive:{group}:{consumer}</c> is a live replica's heartbeat.
/// </summary>
public sealed record StreamKeys(string Prefix)
{
    /// <summary>The entry field that holds the CloudEvent JSON (topic and dead-letter streams alike).</summary>
    public const string EventField = "event";

    public string Stream(string topic) => Prefix + topic;

    public string Replay(string topic, string group) => $"{Prefix}{topic}:replay:{group}";

    public string DeadLetter(string topic, string group) => $"{Prefix}{topic}:dead:{group}";

    public string Notify(string topic) => $"{Prefix}notify:{topic}";

    public string Heartbeat(string group, string consumer) => $"{Prefix}alive:{group}:{consumer}";
}
