using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentCloud.Credentials.Apis;

// Seed 003 speaks snake_case; every body of this service does too.

/// <summary>
/// Body of <c>POST /tenant/{tenant_id}/credentials</c>. <c>user_id</c> absent = the calling user (seed 003's default),
/// null = tenant-wide (needs credentials:manage), another user's id = needs credentials:manage.
/// </summary>
public sealed record CreateCredentialRequest(
    [property: JsonPropertyName("user_id")] Guid? UserId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("meta")] JsonElement? Meta,
    [property: JsonPropertyName("credentials")] JsonElement Credentials);

public sealed record CredentialCreated([property: JsonPropertyName("credential_id")] Guid CredentialId);

/// <summary>Body of <c>PATCH</c>: a new name and/or a new meta object (replaces the old one).</summary>
public sealed record UpdateCredentialRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("meta")] JsonElement? Meta);

/// <summary>Body of <c>PUT .../secret</c>: the new secret; the id, type, name and meta stay.</summary>
public sealed record RotateCredentialRequest([property: JsonPropertyName("credentials")] JsonElement Credentials);

/// <summary>A credential without its secret.</summary>
public sealed record CredentialMetadata(
    [property: JsonPropertyName("credential_id")] Guid CredentialId,
    [property: JsonPropertyName("tenant_id")] Guid TenantId,
    [property: JsonPropertyName("user_id")] Guid? UserId,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("meta")] JsonElement Meta,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

public sealed record CredentialList([property: JsonPropertyName("items")] IReadOnlyList<CredentialMetadata> Items);

public sealed record AuditEntry(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("actor_user_id")] Guid? ActorUserId,
    [property: JsonPropertyName("actor_service")] string? ActorService,
    [property: JsonPropertyName("on_behalf_of_user_id")] Guid? OnBehalfOfUserId,
    [property: JsonPropertyName("run_id")] string? RunId,
    [property: JsonPropertyName("tool")] string? Tool,
    [property: JsonPropertyName("purpose")] string? Purpose);

public sealed record AuditLog(
    [property: JsonPropertyName("credential_id")] Guid CredentialId,
    [property: JsonPropertyName("entries")] IReadOnlyList<AuditEntry> Entries);
