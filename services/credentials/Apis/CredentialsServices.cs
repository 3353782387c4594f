using AgentCloud.Credentials.Crypto;
using AgentCloud.Credentials.Infrastructure;
using AgentCloud.EventBus.Outbox;

namespace AgentCloud.Credentials.Apis;

/// <summary>What every credentials handler needs, bound with [AsParameters].</summary>
public sealed class CredentialsServices(
    CredentialsDbContext db, CredentialVault vault, IIntegrationEventOutbox outbox, CredentialAccess access, ILogger<CredentialsServices> logger)
{
    public CredentialsDbContext Db { get; } = db;
    public CredentialVault Vault { get; } = vault;
    public IIntegrationEventOutbox Outbox { get; } = outbox;
    public CredentialAccess Access { get; } = access;
    public ILogger<CredentialsServices> Logger { get; } = logger;
}
