using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Credentials;

/// <summary>
/// A credential's secret was replaced (same id). Holders of a cached secret or a listener built on it (triggers,
/// tool-gateway) fetch it again. Carries ids only; TenantId and Subject (the credential id) are set.
/// </summary>
public sealed record CredentialRotated(Guid CredentialId, Guid? UserId, string Type) : IntegrationEvent;
