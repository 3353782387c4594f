using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Credentials;

/// <summary>
/// A credential was deleted: drop cached secrets and stop listeners that used it. Carries ids only; TenantId and
/// Subject (the credential id) are set.
/// </summary>
public sealed record CredentialDeleted(Guid CredentialId, Guid? UserId, string Type) : IntegrationEvent;
