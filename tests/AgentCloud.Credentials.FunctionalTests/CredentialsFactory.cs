using AgentCloud.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentCloud.Credentials.FunctionalTests;

/// <summary>
/// The credentials service over its own fresh database, with a test master key and captured telemetry. The agents
/// service is a stand-in (<see cref="StandInDirectory"/>): it issues the service token and knows the tokens' users
/// (see <c>Vault.Client</c>).
/// </summary>
public class CredentialsFactory : ServiceFactory<Program>
{
    /// <summary>Test-only master key (base64, 32 bytes).</summary>
    public const string MasterKey = "0r9nq2mB8JrZ5nV4Lk7tS3Ywq1Xe6Hc0Fp2Ud9Ga4Vo=";

    public CredentialsFactory() : base("credentialsdb")
    {
        TelemetryCapture.Start();
        WithSetting("Secrets:MasterKey", MasterKey);
        WithSetting("Credentials:RotationPollSeconds", "1");
        WithStandInDirectory("credentials");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging
            .AddProvider(TelemetryCapture.Logs)
            .AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
    }
}
