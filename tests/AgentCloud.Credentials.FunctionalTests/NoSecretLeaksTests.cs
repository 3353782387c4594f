using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Hosting;
using Xunit;

namespace AgentCloud.Credentials.FunctionalTests;

/// <summary>
/// Every path that touches a secret (create, read, rotate, denied and failed reads, bad input carrying a secret, a
/// wrong master key), then a look through everything logged (Trace and up, all categories) and every span of
/// "AgentCloud.*", "Microsoft.AspNetCore", "Npgsql" and "System.Net.Http" captured so far in this process. The
/// collection's <see cref="LeakGuard"/> repeats the check after the last test.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class NoSecretLeaksTests(CredentialsFactory factory) : IClassFixture<CredentialsFactory>
{
    [Fact]
    public async Task Logs_and_spans_of_the_run_contain_no_secret_value()
    {
        var tenant = Guid.NewGuid();
        var user = Guid.NewGuid();
        var admin = factory.Client(TestTokens.Admin(tenant, user));
        var gateway = factory.Client(TestTokens.Service("tool-gateway"));

        var id = await Vault.CreateAsync(admin, tenant, Vault.Body(TelemetryCapture.NewSecret("leak-create"), userId: "omit"));
        await Vault.PasswordAsync(gateway, tenant, id, user);
        await Vault.ReadAsync(gateway, tenant, id, $"?user_id={Guid.NewGuid()}");
        using (await admin.PutAsJsonAsync($"{Vault.Credential(tenant, id)}/secret",
            new JsonObject { ["credentials"] = new JsonObject { ["token"] = TelemetryCapture.NewSecret("leak-rotate") } }))
        {
        }
        using (await admin.PostAsync(Vault.Credentials(tenant), new StringContent(
            $$"""{"type":"smtp","name":"x","credentials":"{{TelemetryCapture.NewSecret("leak-bad")}}"}""", Encoding.UTF8, "application/json")))
        {
        }
        using (await admin.PostAsync(Vault.Credentials(tenant), new StringContent(
            $$"""{"type":"smtp","name":"x","credentials":{"k":"{{TelemetryCapture.NewSecret("leak-broken-json")}}" """, Encoding.UTF8, "application/json")))
        {
        }
        await using (var wrong = factory.WithWebHostBuilder(b => b.UseSetting("Secrets:MasterKey", Convert.ToBase64String(new byte[32]))))
        {
            var (status, _) = await Vault.ReadAsync(wrong.CreateClient().WithToken(TestTokens.Service("tool-gateway")), tenant, id, $"?user_id={user}");
            Assert.Equal(HttpStatusCode.InternalServerError, status);
            using (await wrong.CreateClient().WithToken(TestTokens.Admin(tenant)).PostAsJsonAsync(Vault.Credentials(tenant),
                Vault.Body(TelemetryCapture.NewSecret("leak-wrong-master"), userId: null)))
            {
            }
        }

        // The capture is live: it saw this test's requests, queries and log lines.
        Assert.True(TelemetryCapture.SpanCount > 0 && TelemetryCapture.LogCount > 0);
        Assert.True(TelemetryCapture.Captured($"/tenant/{tenant}/credentials/{id}"), "no span or log of the service read was captured");
        Assert.True(TelemetryCapture.Captured("tenant_keys"), "no database span was captured");
        Assert.True(TelemetryCapture.Captured($"Credential {id}"), "the service's own log lines were not captured");
        Assert.Empty(TelemetryCapture.Leaks());
    }
}
