using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentCloud.Contracts.Triggers;

// The triggers service's API speaks snake_case, as seed 003 does. These are the records its callers (the tool
// gateway's reminder tools, the web app) send and read.

/// <summary>
/// Body of <c>POST /agent/{agent_id}/trigger</c> (all of system and options required) and of
/// <c>PATCH /agent/{agent_id}/triggers/{trigger_id}</c> (any subset; system cannot change).
/// </summary>
public sealed record TriggerRequest(
    [property: JsonPropertyName("system")] string? System = null,
    [property: JsonPropertyName("options")] JsonElement? Options = null,
    [property: JsonPropertyName("credential_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? CredentialId = null,
    [property: JsonPropertyName("conversation_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? ConversationId = null,
    [property: JsonPropertyName("active"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Active = null);

/// <summary>A trigger as the API shows it. <see cref="Webhook"/>'s secret is present only in the answers that create or
/// rotate it.</summary>
public sealed record TriggerDetails(
    [property: JsonPropertyName("trigger_id")] Guid TriggerId,
    [property: JsonPropertyName("tenant_id")] Guid TenantId,
    [property: JsonPropertyName("agent_id")] Guid AgentId,
    [property: JsonPropertyName("user_id")] Guid? UserId,
    [property: JsonPropertyName("system")] string System,
    [property: JsonPropertyName("credential_id")] Guid? CredentialId,
    [property: JsonPropertyName("options")] JsonElement Options,
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("conversation_id")] Guid? ConversationId,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("completed_at")] DateTimeOffset? CompletedAt,
    [property: JsonPropertyName("next_fire_at")] DateTimeOffset? NextFireAt,
    [property: JsonPropertyName("webhook")] TriggerWebhook? Webhook,
    [property: JsonPropertyName("listener")] TriggerListener? Listener);

/// <summary>Where a webhook trigger receives deliveries, and (once) the Standard Webhooks secret that signs them.</summary>
public sealed record TriggerWebhook(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret);

/// <summary>The polling listener a trigger shares with others of the same system, credential and compatible options.</summary>
public sealed record TriggerListener(
    [property: JsonPropertyName("shared_by")] int SharedBy,
    [property: JsonPropertyName("next_poll_at")] DateTimeOffset? NextPollAt,
    [property: JsonPropertyName("last_polled_at")] DateTimeOffset? LastPolledAt,
    [property: JsonPropertyName("failures")] int Failures,
    [property: JsonPropertyName("last_error")] string? LastError);

public sealed record TriggerList([property: JsonPropertyName("items")] IReadOnlyList<TriggerDetails> Items);

/// <summary>One entry of a trigger's event log: <c>fired</c>, <c>caught_up</c> (one fire for missed ticks) or
/// <c>skipped</c> (missed ticks not fired, by the trigger's misfire policy; no event was published).</summary>
public sealed record TriggerEventEntry(
    [property: JsonPropertyName("event_id")] Guid EventId,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("scheduled_for")] DateTimeOffset? ScheduledFor,
    [property: JsonPropertyName("fired_at")] DateTimeOffset FiredAt,
    [property: JsonPropertyName("payload")] JsonElement? Payload);

public sealed record TriggerEventLog(
    [property: JsonPropertyName("trigger_id")] Guid TriggerId,
    [property: JsonPropertyName("items")] IReadOnlyList<TriggerEventEntry> Items);
