using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AgentCloud.ToolGateway.Registry;

[JsonConverter(typeof(JsonStringEnumConverter<ActionCategory>))]
public enum ActionCategory
{
    [JsonStringEnumMemberName("communication")] Communication,
    [JsonStringEnumMemberName("resource")] Resource,
    [JsonStringEnumMemberName("external")] External,
    [JsonStringEnumMemberName("internal")] Internal,
    [JsonStringEnumMemberName("coordination")] Coordination,
}

[JsonConverter(typeof(JsonStringEnumConverter<DecisionLevel>))]
public enum DecisionLevel
{
    [JsonStringEnumMemberName("automatic")] Automatic,
    [JsonStringEnumMemberName("suggestion")] Suggestion,
    [JsonStringEnumMemberName("consultation")] Consultation,
    [JsonStringEnumMemberName("approval_required")] ApprovalRequired,
}

/// <summary>
/// Seed 002's ActionDefinition. <see cref="Key"/> is the type and the function name the model sees.
/// <see cref="CostOperation"/> names billing's operation type (seed 002 costs) for the hold, and
/// <see cref="CostQuantity"/> how many of it one call is; billing's cost table is the price, <see cref="TokenCost"/>
/// is what the catalog shows (and whether the call is billed at all).
/// <see cref="CredentialType"/>: the credential the connector needs (null = none; <see cref="CredentialOptional"/>
/// when it may use one). <see cref="ReadOnly"/>: the tool changes nothing, in our database or anywhere else, and is free,
/// so running it twice is running it once: the executor does not claim its tool call id before it runs.
/// </summary>
public sealed record ActionDefinition(
    string Key,
    ActionCategory Category,
    string Name,
    string Description,
    IReadOnlyList<string> RequiredPermissions,
    long TokenCost,
    DecisionLevel DefaultDecisionLevel,
    JsonObject Parameters,
    TimeSpan Timeout,
    bool IsAsync = false,
    bool RequiresApproval = false,
    string? CredentialType = null,
    bool CredentialOptional = false,
    string? CostOperation = null,
    bool EnabledByDefault = true,
    long CostQuantity = 1,
    bool ReadOnly = false);
