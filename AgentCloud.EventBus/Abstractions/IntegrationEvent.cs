using System.Text.Json.Serialization;

namespace AgentCloud.EventBus.Abstractions;

/// <summary>
/// A fact that happened, named in the past tense (<c>TokensDebited</c>). The derived record's properties are the
/// CloudEvent's <c>data</c>; these base properties travel as CloudEvent attributes instead.
/// </summary>
public abstract record IntegrationEvent
{
    [JsonIgnore]
    public string Id { get; init; } = Guid.CreateVersion7().ToString();

    [JsonIgnore]
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    [JsonIgnore]
    public string? Subject { get; init; }

    [JsonIgnore]
    public string? TenantId { get; init; }
}
