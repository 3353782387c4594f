using System.Collections.Concurrent;
using System.Diagnostics;
using AgentCloud.EventBus.Tests.Support;
using AgentCloud.LocalServers;
using AgentCloud.ServiceDefaults.Secrets;
using AgentCloud.Testing;
using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AgentCloud.EventBus.Tests;

public sealed class SecretStoreTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("secrets-test-").FullName;

    [Fact]
    public async Task Local_store_reads_the_file_the_apphost_creates_with_mode_0600()
    {
        var path = LocalSecretsFile.CreateIfMissing(Path.Combine(_folder, "secrets.json"));
        var store = new LocalSecretStore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Secrets:File"] = path }).Build());

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var masterKey = await store.GetRequiredSecretAsync(SecretNames.MasterKey);
        Assert.Equal(32, Convert.FromBase64String(masterKey).Length);
        LocalSecretsFile.CreateIfMissing(path);
        Assert.Equal(masterKey, await new LocalSecretStore(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Secrets:File"] = path }).Build()).GetSecretAsync(SecretNames.MasterKey));
        Assert.Null(await store.GetSecretAsync("NoSuchSecret"));
    }

    [Fact]
    public async Task Environment_variable_overrides_the_file()
    {
        var path = LocalSecretsFile.CreateIfMissing(Path.Combine(_folder, "secrets.json"));
        const string variable = "Secrets__JwtSigningKey";
        Environment.SetEnvironmentVariable(variable, "from-environment");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Secrets:File"] = path })
                .AddEnvironmentVariables()
                .Build();

            Assert.Equal("from-environment", await new LocalSecretStore(configuration).GetSecretAsync(SecretNames.JwtSigningKey));
            Assert.NotEqual("from-environment", await new LocalSecretStore(configuration).GetSecretAsync(SecretNames.MasterKey));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Dapr_store_reads_the_sidecar_secrets_api_and_never_logs_or_traces_values()
    {
        await using var sidecar = await FakeDaprSidecar.StartAsync();
        const string value = "s3cr3t-Value-that-must-not-leak";
        sidecar.SecretStores["vault"] = new() { [SecretNames.JwtSigningKey] = value };
        var logs = new ConcurrentQueue<string>();
        var spans = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => spans.Enqueue(string.Join(' ', a.DisplayName, string.Join(',', a.TagObjects.Select(t => $"{t.Key}={t.Value}")))),
        };
        ActivitySource.AddActivityListener(listener);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Secrets:Transport"] = "dapr",
            ["Secrets:Store"] = "vault",
            ["DAPR_GRPC_PORT"] = sidecar.GrpcPort.ToString(),
        });
        builder.AddServiceDefaults();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(logs));
        await using var app = builder.Build();
        var store = app.Services.GetRequiredService<ISecretStore>();

        Assert.IsType<DaprSecretStore>(store);
        Assert.Equal(value, await store.GetSecretAsync(SecretNames.JwtSigningKey));
        Assert.Null(await store.GetSecretAsync("Missing"));
        sidecar.SecretStores.Clear();
        var refused = await Assert.ThrowsAsync<DaprException>(() => store.GetSecretAsync(SecretNames.JwtSigningKey).AsTask());

        Assert.Equal(["vault/JwtSigningKey", "vault/Missing", "vault/JwtSigningKey"], sidecar.SecretRequests);
        Assert.DoesNotContain(value, refused.ToString());
        Assert.DoesNotContain(logs, l => l.Contains(value));
        Assert.DoesNotContain(spans, s => s.Contains(value));
    }

    [Fact]
    public void Local_store_is_the_default()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddServiceDefaults();
        using var app = builder.Build();

        Assert.IsType<LocalSecretStore>(app.Services.GetRequiredService<ISecretStore>());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
