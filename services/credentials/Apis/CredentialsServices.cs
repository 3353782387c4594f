using AgentCloud.Credentials.Crypto;
using AgentCloud.Credentials.Infrastructure;

namespace AgentCloud.Credentials.Apis;

/// <summary>What every credentials handler needs, bound with [AsParameters].</summary>
public sealed class CredentialsServices(CredentialsDbContext db, CredentialVault vault, ILogger<CredentialsServices> logger)
{
    public CredentialsDbContext Db { get; } = db;
    public CredentialVault Vault { get; } = vault;
    public ILogger<CredentialsServices> Logger { get; } = logger;
}
