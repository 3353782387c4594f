using AgentCloud.Credentials.Apis;
using AgentCloud.Credentials.Crypto;
using AgentCloud.Credentials.Infrastructure;
using AgentCloud.Credentials.Rotation;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ServiceDefaults.Data;

namespace AgentCloud.Credentials.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMigratedNpgsqlDbContext<CredentialsDbContext>("credentialsdb");
        builder.AddRedisClient("redis");
        builder.AddEventBus().AddOutboxInbox<CredentialsDbContext>();
        builder.AddPermissionDirectory();
        builder.Services.AddScoped<CredentialAccess>();

        builder.Services.AddSingleton<MasterKeyRing>();
        builder.Services.AddScoped<CredentialVault>();
        builder.Services.AddSingleton<RotationSignal>();
        builder.Services.AddHostedService<MasterKeyRotationWorker>();
        builder.Services.AddHealthChecks().AddCheck<MasterKeyHealthCheck>("master-key");
    }
}
