using System.Text.Json.Serialization;

namespace AgentCloud.Credentials.Apis;

public sealed record MasterKeyStatus(
    [property: JsonPropertyName("active_version")] int ActiveVersion,
    [property: JsonPropertyName("data_keys_by_master_version")] IReadOnlyDictionary<string, int> DataKeysByMasterVersion);

public sealed record RotationProgress(
    [property: JsonPropertyName("rotation_id")] Guid RotationId,
    [property: JsonPropertyName("target_version")] int TargetVersion,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("rewrapped")] int Rewrapped,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("remaining")] int Remaining,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("requested_by")] string RequestedBy,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt);
