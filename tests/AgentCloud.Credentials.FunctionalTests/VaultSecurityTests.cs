using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using Xunit;

namespace AgentCloud.Credentials.FunctionalTests;

/// <summary>At rest: a dump shows no plaintext; moved or altered ciphertexts and a wrong master key fail closed.</summary>
[Collection(VaultCollection.Name)]
public sealed class VaultSecurityTests(CredentialsFactory factory) : IClassFixture<CredentialsFactory>
{
    [Fact]
    public async Task A_pg_dump_of_the_database_contains_no_plaintext_secret()
    {
        var written = new List<string>();
        foreach (var tenant in new[] { Guid.NewGuid(), Guid.NewGuid() })
        {
            var admin = factory.Client(TestTokens.Admin(tenant));
            for (var i = 0; i < 3; i++)
            {
                var secret = TelemetryCapture.NewSecret($"dump-{i}");
                written.Add(secret);
                var id = await Vault.CreateAsync(admin, tenant, Vault.Body(secret, userId: i == 0 ? null : "omit", name: $"cred {i}"));
                await Vault.ReadAsync(factory.Client(TestTokens.Service("tool-gateway")), tenant, id, "?run_id=dump-run&tool=email.send");
            }
        }
        var rotatedTenant = Guid.NewGuid();
        var rotatedAdmin = factory.Client(TestTokens.Admin(rotatedTenant));
        var rotatedId = await Vault.CreateAsync(rotatedAdmin, rotatedTenant, Vault.Body(TelemetryCapture.NewSecret("old"), userId: null));
        var newSecret = TelemetryCapture.NewSecret("rotated-in");
        written.Add(newSecret);
        using var rotate = await rotatedAdmin.PutAsync($"{Vault.Credential(rotatedTenant, rotatedId)}/secret",
            new StringContent(new JsonObject { ["credentials"] = new JsonObject { ["password"] = newSecret } }.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);

        var dump = await PgDumpAsync(factory.DatabaseConnectionString);

        Assert.Contains("COPY public.credentials", dump);
        Assert.Contains("smtp.example.com", dump); // meta is plain and searchable: the dump really holds the rows
        foreach (var secret in written)
        {
            Assert.DoesNotContain(secret, dump);
            Assert.DoesNotContain(Convert.ToHexString(Encoding.UTF8.GetBytes(secret)), dump, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret))[..20], dump);
        }
        Assert.DoesNotContain(CredentialsFactory.MasterKey, dump);
    }

    [Fact]
    public async Task Swapping_ciphertexts_between_credentials_of_a_tenant_fails_closed()
    {
        var tenant = Guid.NewGuid();
        var admin = factory.Client(TestTokens.Admin(tenant));
        var a = await Vault.CreateAsync(admin, tenant, Vault.Body(TelemetryCapture.NewSecret("swap-a"), userId: null));
        var b = await Vault.CreateAsync(admin, tenant, Vault.Body(TelemetryCapture.NewSecret("swap-b"), userId: null));

        await SwapAsync("credentials", "ciphertext", "id", a, b);

        await AssertFailsClosedAsync(tenant, a);
        await AssertFailsClosedAsync(tenant, b);
        var audit = await admin.GetStringAsync($"{Vault.Credential(tenant, a)}/audit");
        Assert.Contains("read_failed", audit);
    }

    [Fact]
    public async Task A_ciphertext_copied_to_another_tenant_fails_closed()
    {
        var (tenantA, tenantB) = (Guid.NewGuid(), Guid.NewGuid());
        var secretA = TelemetryCapture.NewSecret("tenant-a");
        var a = await Vault.CreateAsync(factory.Client(TestTokens.Admin(tenantA)), tenantA, Vault.Body(secretA, userId: null));
        var b = await Vault.CreateAsync(factory.Client(TestTokens.Admin(tenantB)), tenantB, Vault.Body(TelemetryCapture.NewSecret("tenant-b"), userId: null));

        await Vault.ExecuteAsync(factory.DatabaseConnectionString,
            "UPDATE credentials SET ciphertext = (SELECT ciphertext FROM credentials WHERE id = @a) WHERE id = @b", ("a", a), ("b", b));

        await AssertFailsClosedAsync(tenantB, b);
        Assert.Equal(secretA, await Vault.PasswordAsync(factory.Client(TestTokens.Service("tool-gateway")), tenantA, a));
    }

    [Fact]
    public async Task Swapping_wrapped_data_keys_between_tenants_fails_closed()
    {
        var (tenantA, tenantB) = (Guid.NewGuid(), Guid.NewGuid());
        var a = await Vault.CreateAsync(factory.Client(TestTokens.Admin(tenantA)), tenantA, Vault.Body(TelemetryCapture.NewSecret("key-a"), userId: null));
        var b = await Vault.CreateAsync(factory.Client(TestTokens.Admin(tenantB)), tenantB, Vault.Body(TelemetryCapture.NewSecret("key-b"), userId: null));

        await SwapAsync("tenant_keys", "wrapped_key", "tenant_id", tenantA, tenantB);

        await AssertFailsClosedAsync(tenantA, a);
        await AssertFailsClosedAsync(tenantB, b);
    }

    [Fact]
    public async Task A_flipped_bit_fails_closed()
    {
        var tenant = Guid.NewGuid();
        var id = await Vault.CreateAsync(factory.Client(TestTokens.Admin(tenant)), tenant, Vault.Body(TelemetryCapture.NewSecret("bit"), userId: null));

        await Vault.ExecuteAsync(factory.DatabaseConnectionString,
            "UPDATE credentials SET ciphertext = set_byte(ciphertext, 40, get_byte(ciphertext, 40) # 1) WHERE id = @id", ("id", id));

        await AssertFailsClosedAsync(tenant, id);
    }

    [Fact]
    public async Task A_wrong_master_key_fails_closed_and_a_missing_one_is_503()
    {
        var tenant = Guid.NewGuid();
        var id = await Vault.CreateAsync(factory.Client(TestTokens.Admin(tenant)), tenant, Vault.Body(TelemetryCapture.NewSecret("master"), userId: null));

        await using (var wrong = factory.WithWebHostBuilder(b => b.UseSetting("Secrets:MasterKey", Convert.ToBase64String(new byte[32]))))
        {
            var (status, body) = await Vault.ReadAsync(wrong.CreateClient().WithToken(TestTokens.Service("tool-gateway")), tenant, id);
            Assert.Equal(HttpStatusCode.InternalServerError, status);
            Assert.Contains("did not unwrap with master key version 1", body.GetProperty("detail").GetString());
            Assert.False(body.TryGetProperty("credentials", out _));

            // Writing under a wrong master key fails too, rather than mixing keys.
            using var create = await wrong.CreateClient().WithToken(TestTokens.Admin(tenant))
                .PostAsync(Vault.Credentials(tenant), new StringContent(Vault.Body(TelemetryCapture.NewSecret("wrong"), userId: null).ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.False(create.IsSuccessStatusCode);
        }
        await using (var missing = factory.WithWebHostBuilder(b => b.UseSetting("Secrets:MasterKey", "")))
        {
            var (status, _) = await Vault.ReadAsync(missing.CreateClient().WithToken(TestTokens.Service("tool-gateway")), tenant, id);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            // Not ready either: the orchestrator keeps traffic away from a vault that can only fail.
            using var health = await missing.CreateClient().GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("\"master-key\":{\"status\":\"Unhealthy\"", await health.Content.ReadAsStringAsync());
        }
        await using (var malformed = factory.WithWebHostBuilder(b => b.UseSetting("Secrets:MasterKey", "c2hvcnQ=")))
        {
            var (status, _) = await Vault.ReadAsync(malformed.CreateClient().WithToken(TestTokens.Service("tool-gateway")), tenant, id);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        }
        Assert.Equal(0, await Vault.CountAsync(factory.DatabaseConnectionString,
            $"SELECT count(*) FROM credentials WHERE tenant_id = '{tenant}' AND id <> '{id}'"));
    }

    async Task AssertFailsClosedAsync(Guid tenant, Guid id)
    {
        var (status, body) = await Vault.ReadAsync(factory.Client(TestTokens.Service("tool-gateway")), tenant, id);
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("The credential cannot be decrypted: its integrity check failed.", body.GetProperty("title").GetString());
        Assert.False(body.TryGetProperty("credentials", out _));
    }

    async Task SwapAsync(string table, string column, string key, Guid a, Guid b) =>
        await Vault.ExecuteAsync(factory.DatabaseConnectionString,
            $"""
            UPDATE {table} t SET {column} = o.{column}
            FROM {table} o
            WHERE (t.{key} = @a AND o.{key} = @b) OR (t.{key} = @b AND o.{key} = @a)
            """, ("a", a), ("b", b));

    static async Task<string> PgDumpAsync(string connectionString)
    {
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("/usr/lib/postgresql/15/bin/pg_dump")
        {
            ArgumentList = { "-h", c.Host!, "-p", c.Port.ToString(), "-U", c.Username!, "-d", c.Database!, "--no-owner" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = c.Password ?? "";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {await error}");
        return await output;
    }
}
