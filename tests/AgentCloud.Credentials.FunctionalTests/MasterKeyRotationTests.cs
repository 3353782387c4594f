using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace AgentCloud.Credentials.FunctionalTests;

/// <summary>
/// Master-key rotation: the operator adds <c>MasterKey-v2</c> to the secret store and starts a rotation; every data key
/// is re-wrapped in the background while every credential stays readable; then version 1 can be removed.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class MasterKeyRotationTests(CredentialsFactory factory) : IClassFixture<CredentialsFactory>
{
    static readonly string MasterKeyV2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    const int Tenants = 150; // more than one batch of 100

    [Fact]
    public async Task Rotation_rewraps_every_data_key_and_keeps_every_credential_readable()
    {
        // Before: credentials of many tenants, all under master key version 1.
        var written = new List<(Guid Tenant, Guid Id, Guid? User, string Secret)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Tenants), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var tenant = Guid.NewGuid();
            var user = Guid.NewGuid();
            var secret = TelemetryCapture.NewSecret($"rotation-{i}");
            var scoped = i % 2 == 0;
            var id = await Vault.CreateAsync(factory.Client(TestTokens.User(tenant, user, ["admin"])), tenant,
                Vault.Body(secret, userId: scoped ? "omit" : null));
            lock (written)
            {
                written.Add((tenant, id, scoped ? user : null, secret));
            }
        });
        Assert.Equal(Tenants, await Vault.CountAsync(factory.DatabaseConnectionString, "SELECT count(*) FROM tenant_keys WHERE master_key_version = 1"));

        await using var withV2 = factory.WithWebHostBuilder(b => b.UseSetting("Secrets:MasterKey-v2", MasterKeyV2));
        var operatorClient = withV2.CreateClient().WithToken(TestTokens.Service("credentials"));

        // Only the operator identity may start it.
        Assert.Equal(HttpStatusCode.Forbidden, (await withV2.CreateClient().WithToken(TestTokens.Service("tool-gateway")).PostAsync("/admin/master-key/rotations", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await withV2.CreateClient().WithToken(TestTokens.User(written[0].Tenant, null, ["owner"])).PostAsync("/admin/master-key/rotations", null)).StatusCode);

        // The new version is active for new tenants at once; old ones still open with version 1.
        var status = await operatorClient.GetFromJsonAsync<JsonElement>("/admin/master-key");
        Assert.Equal(2, status.GetProperty("active_version").GetInt32());
        var gateway = withV2.CreateClient().WithToken(TestTokens.Service("tool-gateway"));
        Assert.Equal(written[0].Secret, await Vault.PasswordAsync(gateway, written[0].Tenant, written[0].Id, written[0].User));

        using var started = await operatorClient.PostAsync("/admin/master-key/rotations", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var rotation = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, rotation.GetProperty("target_version").GetInt32());
        Assert.Equal(Tenants, rotation.GetProperty("total").GetInt32());
        var location = started.Headers.Location!.ToString();

        // Reads go on while it runs.
        var progress = rotation;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var readDuring = 0;
        while (progress.GetProperty("status").GetString() == "running")
        {
            Assert.True(DateTime.UtcNow < deadline, $"rotation did not finish: {progress}");
            var sample = written[readDuring++ % written.Count];
            Assert.Equal(sample.Secret, await Vault.PasswordAsync(gateway, sample.Tenant, sample.Id, sample.User));
            progress = await operatorClient.GetFromJsonAsync<JsonElement>(location);
        }
        Assert.Equal("completed", progress.GetProperty("status").GetString());
        Assert.Equal(Tenants, progress.GetProperty("rewrapped").GetInt32());
        Assert.Equal(0, progress.GetProperty("failed").GetInt32());
        Assert.Equal(0, progress.GetProperty("remaining").GetInt32());
        Assert.Equal(0, await Vault.CountAsync(factory.DatabaseConnectionString, "SELECT count(*) FROM tenant_keys WHERE master_key_version <> 2"));

        // Version 1 retired: a host that only has version 2 reads every credential.
        await using var onlyV2 = factory.WithWebHostBuilder(b => b
            .UseSetting("Secrets:MasterKey", "")
            .UseSetting("Secrets:MasterKey-v2", MasterKeyV2));
        var reader = onlyV2.CreateClient().WithToken(TestTokens.Service("tool-gateway"));
        foreach (var (tenant, id, user, secret) in written)
        {
            Assert.Equal(secret, await Vault.PasswordAsync(reader, tenant, id, user));
        }
        // And version 1 alone no longer opens them: the data keys really moved.
        var (oldStatus, _) = await Vault.ReadAsync(factory.Client(TestTokens.Service("tool-gateway")), written[1].Tenant, written[1].Id, $"?user_id={written[1].User}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, oldStatus);
    }

    [Fact]
    public async Task A_second_rotation_while_one_runs_is_a_conflict_and_progress_of_an_unknown_one_is_404()
    {
        await using var host = factory.WithWebHostBuilder(b => b.UseSetting("Credentials:RotationPollSeconds", "3600"));
        var operatorClient = host.CreateClient().WithToken(TestTokens.Service("credentials"));

        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync($"/admin/master-key/rotations/{Guid.NewGuid()}")).StatusCode);
        await Vault.ExecuteAsync(factory.DatabaseConnectionString,
            "INSERT INTO master_key_rotations (id, target_version, status, total, requested_by) VALUES (@id, 99, 'running', 0, 'test')",
            ("id", Guid.NewGuid()));
        try
        {
            using var second = await operatorClient.PostAsync("/admin/master-key/rotations", null);
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        }
        finally
        {
            await Vault.ExecuteAsync(factory.DatabaseConnectionString, "DELETE FROM master_key_rotations WHERE requested_by = 'test'");
        }
    }
}
