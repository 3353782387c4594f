using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Credentials;
using AgentCloud.Credentials.Apis;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Credentials.FunctionalTests;

/// <summary>Seed 003's API: tenant-wide and user-scoped credentials, who may read the secret, metadata never with it.</summary>
[Collection(VaultCollection.Name)]
public sealed class CredentialsApiTests(CredentialsFactory factory) : IClassFixture<CredentialsFactory>
{
    readonly Guid _tenant = Guid.NewGuid();

    [Fact]
    public async Task A_tenant_wide_credential_is_handed_to_tool_gateway_for_any_user()
    {
        var secret = TelemetryCapture.NewSecret("smtp-password");
        var admin = factory.Client(TestTokens.Admin(_tenant));
        var id = await Vault.CreateAsync(admin, _tenant, Vault.Body(secret, userId: null));

        var gateway = factory.Client(TestTokens.Service("tool-gateway"));
        using var response = await gateway.GetAsync($"{Vault.Credential(_tenant, id)}?user_id={Guid.NewGuid()}&run_id=run-1&tool=email.send");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var read = (await response.Content.ReadFromJsonAsync<CredentialSecret>())!;
        Assert.Equal(id, read.CredentialId);
        Assert.Equal(_tenant, read.TenantId);
        Assert.Null(read.UserId);
        Assert.Equal("smtp", read.Type);
        Assert.Equal(secret, read.Credentials.GetProperty("password").GetString());
        Assert.Equal("smtp.example.com", read.Meta.GetProperty("host").GetString());

        // agents may read too (model-provider keys), without any user.
        Assert.Equal(secret, await Vault.PasswordAsync(factory.Client(TestTokens.Service("agents")), _tenant, id));
    }

    [Fact]
    public async Task Triggers_reads_a_secret_for_its_listeners_and_the_audit_names_the_triggers_served()
    {
        var owner = Guid.NewGuid();
        var secret = TelemetryCapture.NewSecret("gmail-refresh-token");
        var member = factory.Client(TestTokens.User(_tenant, owner));
        var id = await Vault.CreateAsync(member, _tenant, Vault.Body(secret, userId: "omit", type: "oauth2"));
        var triggers = factory.Client(TestTokens.Service("triggers"));
        var purpose = $"trigger-listener:gmail/triggers:{Guid.NewGuid()}";

        var read = await Vault.ReadAsync(triggers, _tenant, id, $"?user_id={owner}&purpose={Uri.EscapeDataString(purpose)}");
        var withoutTheUser = await Vault.ReadAsync(triggers, _tenant, id, $"?purpose={Uri.EscapeDataString(purpose)}");
        var billing = await Vault.ReadAsync(factory.Client(TestTokens.Service("billing")), _tenant, id, $"?user_id={owner}");

        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(secret, read.Body.GetProperty("credentials").GetProperty("password").GetString());
        Assert.Equal(HttpStatusCode.NotFound, withoutTheUser.Status);
        Assert.Equal(HttpStatusCode.Forbidden, billing.Status);
        var audit = (await member.GetFromJsonAsync<JsonElement>($"{Vault.Credential(_tenant, id)}/audit")).GetProperty("entries").EnumerateArray()
            .Select(e => (Action: e.GetProperty("action").GetString(), Service: e.GetProperty("actor_service").GetString(), Purpose: e.GetProperty("purpose").GetString()))
            .ToList();
        Assert.Contains(("read", "triggers", purpose), audit);
        Assert.Contains(("read_denied", "triggers", purpose), audit);
    }

    [Fact]
    public async Task A_user_scoped_credential_needs_the_same_user_id_else_404()
    {
        var (owner, other) = (Guid.NewGuid(), Guid.NewGuid());
        var secret = TelemetryCapture.NewSecret("twilio-token");
        var member = factory.Client(TestTokens.User(_tenant, owner));
        var id = await Vault.CreateAsync(member, _tenant, Vault.Body(secret, userId: "omit", type: "twilio"));

        var gateway = factory.Client(TestTokens.Service("tool-gateway"));
        Assert.Equal(HttpStatusCode.NotFound, (await Vault.ReadAsync(gateway, _tenant, id)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Vault.ReadAsync(gateway, _tenant, id, $"?user_id={other}")).Status);
        Assert.Equal(secret, await Vault.PasswordAsync(gateway, _tenant, id, owner));

        var metadata = await member.GetFromJsonAsync<JsonElement>($"{Vault.Credential(_tenant, id)}/metadata");
        Assert.Equal(owner, metadata.GetProperty("user_id").GetGuid());
        Assert.Equal("user", metadata.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task An_explicit_user_id_of_the_caller_is_user_scoped_too()
    {
        var user = Guid.NewGuid();
        var id = await Vault.CreateAsync(factory.Client(TestTokens.User(_tenant, user)), _tenant,
            Vault.Body(TelemetryCapture.NewSecret("own"), userId: user));

        var gateway = factory.Client(TestTokens.Service("tool-gateway"));
        Assert.Equal(HttpStatusCode.NotFound, (await Vault.ReadAsync(gateway, _tenant, id)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Vault.ReadAsync(gateway, _tenant, id, $"?user_id={user}")).Status);
    }

    [Fact]
    public async Task Credentials_manage_is_what_the_directory_says_not_the_role_in_the_token()
    {
        var (deniedAdmin, grantedMember) = (Guid.NewGuid(), Guid.NewGuid());
        factory.Directory.Grant(_tenant, deniedAdmin); // known to the directory, holding nothing (say a deny)
        factory.Directory.Grant(_tenant, grantedMember, CredentialAccess.ManagePermission);
        var admin = factory.CreateClient().WithToken(TestTokens.Admin(_tenant, deniedAdmin));
        var member = factory.CreateClient().WithToken(TestTokens.User(_tenant, grantedMember));

        using var byAdmin = await admin.PostAsJsonAsync(Vault.Credentials(_tenant), Vault.Body(TelemetryCapture.NewSecret("denied"), userId: null));
        var id = await Vault.CreateAsync(member, _tenant, Vault.Body(TelemetryCapture.NewSecret("granted"), userId: null));

        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        var listed = await member.GetFromJsonAsync<JsonElement>(Vault.Credentials(_tenant));
        Assert.Equal(id, Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("credential_id").GetGuid());
        Assert.Contains($"credentials {_tenant}/{deniedAdmin}", factory.Directory.Lookups);
    }

    [Fact]
    public async Task A_member_cannot_create_tenant_wide_or_another_users_credentials_and_nothing_is_stored()
    {
        var member = factory.Client(TestTokens.User(_tenant));

        using var tenantWide = await member.PostAsJsonAsync(Vault.Credentials(_tenant), Vault.Body(TelemetryCapture.NewSecret("denied"), userId: null));
        using var forOther = await member.PostAsJsonAsync(Vault.Credentials(_tenant), Vault.Body(TelemetryCapture.NewSecret("denied"), userId: Guid.NewGuid()));

        Assert.Equal(HttpStatusCode.Forbidden, tenantWide.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forOther.StatusCode);
        var all = await factory.Client(TestTokens.Admin(_tenant)).GetFromJsonAsync<JsonElement>(Vault.Credentials(_tenant));
        Assert.Equal(0, all.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_admin_may_create_a_credential_for_another_user()
    {
        var user = Guid.NewGuid();
        var id = await Vault.CreateAsync(factory.Client(TestTokens.Admin(_tenant)), _tenant,
            Vault.Body(TelemetryCapture.NewSecret("for-user"), userId: user));

        var gateway = factory.Client(TestTokens.Service("tool-gateway"));
        Assert.Equal(HttpStatusCode.OK, (await Vault.ReadAsync(gateway, _tenant, id, $"?user_id={user}")).Status);
        // And the user manages it as their own.
        var member = factory.Client(TestTokens.User(_tenant, user));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"{Vault.Credential(_tenant, id)}/audit")).StatusCode);
    }

    [Theory]
    [InlineData("member")]
    [InlineData("admin")]
    [InlineData("owner")]
    [InlineData("billing")]
    [InlineData("web")]
    public async Task Only_tool_gateway_agents_and_triggers_read_plaintext(string who)
    {
        var secret = TelemetryCapture.NewSecret("only-services");
        var user = Guid.NewGuid();
        var id = await Vault.CreateAsync(factory.Client(TestTokens.Admin(_tenant, user)), _tenant, Vault.Body(secret, userId: null));
        var token = who switch
        {
            "member" => TestTokens.User(_tenant, user),
            "admin" => TestTokens.Admin(_tenant, user),
            "owner" => TestTokens.User(_tenant, user, ["owner"]),
            _ => TestTokens.Service(who),
        };
        var client = factory.Client(token);

        using var response = await client.GetAsync($"{Vault.Credential(_tenant, id)}?user_id={user}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(secret, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task List_metadata_and_lookup_never_carry_the_secret()
    {
        var admin = factory.Client(TestTokens.Admin(_tenant));
        var (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        var secrets = Enumerable.Range(0, 4).Select(i => TelemetryCapture.NewSecret($"list-{i}")).ToArray();
        var shared = await Vault.CreateAsync(admin, _tenant, Vault.Body(secrets[0], userId: null, type: "openai", name: "OpenAI",
            meta: new JsonObject { ["provider"] = "openai", ["region"] = "eu" }));
        var smtp = await Vault.CreateAsync(admin, _tenant, Vault.Body(secrets[1], userId: null,
            meta: new JsonObject { ["host"] = "smtp.example.com", ["port"] = 587 }));
        var alices = await Vault.CreateAsync(factory.Client(TestTokens.User(_tenant, alice)), _tenant, Vault.Body(secrets[2], userId: "omit",
            meta: new JsonObject { ["host"] = "smtp.alice.example", ["port"] = 25 }));
        var bobs = await Vault.CreateAsync(factory.Client(TestTokens.User(_tenant, bob)), _tenant, Vault.Body(secrets[3], userId: "omit",
            meta: new JsonObject { ["host"] = "smtp.example.com", ["port"] = 2525 }));

        var all = await admin.GetStringAsync(Vault.Credentials(_tenant));
        Assert.All([shared, smtp, alices, bobs], id => Assert.Contains(id.ToString(), all));
        var asAlice = await factory.Client(TestTokens.User(_tenant, alice)).GetStringAsync(Vault.Credentials(_tenant));
        Assert.All([shared, smtp, alices], id => Assert.Contains(id.ToString(), asAlice));
        Assert.DoesNotContain(bobs.ToString(), asAlice);
        Assert.Equal(HttpStatusCode.NotFound,
            (await factory.Client(TestTokens.User(_tenant, alice)).GetAsync($"{Vault.Credential(_tenant, bobs)}/metadata")).StatusCode);

        Assert.Equal([smtp, bobs], await Ids(admin, "?meta.host=smtp.example.com"));
        Assert.Equal([smtp], await Ids(factory.Client(TestTokens.User(_tenant, alice)), "?meta.host=smtp.example.com"));
        Assert.Equal([smtp], await Ids(admin, $"?meta.host=smtp.example.com&meta={Uri.EscapeDataString("""{"port":587}""")}"));
        Assert.Empty(await Ids(admin, "?meta.port=587")); // meta.key=value compares strings; typed values go in meta={json}
        Assert.Equal([shared], await Ids(admin, "?meta.provider=openai"));
        Assert.Equal([alices], await Ids(admin, $"?meta={Uri.EscapeDataString("""{"port":25}""")}"));
        Assert.Equal([shared], await Ids(admin, "?type=openai"));
        Assert.Equal([alices], await Ids(admin, $"?user_id={alice}"));
        Assert.Equal([shared, smtp], await Ids(admin, "?scope=tenant"));
        Assert.Equal([shared, smtp, alices], await Ids(factory.Client(TestTokens.Service("tool-gateway")), $"?usable_by={alice}"));
        Assert.Equal([smtp, bobs], await Ids(factory.Client(TestTokens.Service("tool-gateway")), $"?usable_by={bob}&meta.host=smtp.example.com"));
        // Services look up metadata too (tool-gateway choosing a credential).
        Assert.Equal([shared], await Ids(factory.Client(TestTokens.Service("tool-gateway")), "?meta.provider=openai"));

        var everything = all + asAlice + await admin.GetStringAsync($"{Vault.Credential(_tenant, shared)}/metadata");
        Assert.All(secrets, s => Assert.DoesNotContain(s, everything));
        Assert.DoesNotContain("\"credentials\"", everything);

        async Task<Guid[]> Ids(HttpClient client, string query) =>
            [.. (await client.GetFromJsonAsync<JsonElement>($"{Vault.Credentials(_tenant)}{query}")).GetProperty("items")
                .EnumerateArray().Select(i => i.GetProperty("credential_id").GetGuid())];
    }

    [Fact]
    public async Task Update_rotate_and_delete_keep_the_id_and_are_audited_with_purpose()
    {
        var admin = factory.Client(TestTokens.Admin(_tenant));
        var (first, second) = (TelemetryCapture.NewSecret("before-rotation"), TelemetryCapture.NewSecret("after-rotation"));
        var id = await Vault.CreateAsync(admin, _tenant, Vault.Body(first, userId: null));
        var gateway = factory.Client(TestTokens.Service("tool-gateway"));
        var runId = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await Vault.ReadAsync(gateway, _tenant, id, $"?run_id={runId}&tool=email.send&purpose=send+invoice")).Status);

        using var patched = await admin.PatchAsJsonAsync(Vault.Credential(_tenant, id), new JsonObject { ["name"] = "Mail (EU)", ["meta"] = new JsonObject { ["host"] = "smtp.eu.example.com" } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        using var rotated = await admin.PutAsJsonAsync($"{Vault.Credential(_tenant, id)}/secret", new JsonObject { ["credentials"] = new JsonObject { ["password"] = second } });
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);

        var read = await Vault.ReadAsync(gateway, _tenant, id);
        Assert.Equal(second, read.Body.GetProperty("credentials").GetProperty("password").GetString());
        Assert.Equal("Mail (EU)", read.Body.GetProperty("name").GetString());
        Assert.Equal("smtp.eu.example.com", read.Body.GetProperty("meta").GetProperty("host").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Vault.Credential(_tenant, id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Vault.ReadAsync(gateway, _tenant, id)).Status);
        Assert.Equal(0, await Vault.CountAsync(factory.DatabaseConnectionString, $"SELECT count(*) FROM credentials WHERE id = '{id}'"));

        // The trail outlives the credential, newest first, and never holds the secret.
        using var audit = await admin.GetAsync($"{Vault.Credential(_tenant, id)}/audit");
        var text = await audit.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        var entries = JsonDocument.Parse(text).RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["deleted", "read", "rotated", "updated", "read", "created"], entries.Select(e => e.GetProperty("action").GetString()));
        var firstRead = entries[4];
        Assert.Equal("tool-gateway", firstRead.GetProperty("actor_service").GetString());
        Assert.Equal(runId, firstRead.GetProperty("run_id").GetString());
        Assert.Equal("email.send", firstRead.GetProperty("tool").GetString());
        Assert.Equal("send invoice", firstRead.GetProperty("purpose").GetString());
        Assert.NotEqual(JsonValueKind.Null, entries[^1].GetProperty("actor_user_id").ValueKind);
        Assert.DoesNotContain(first, text);
        Assert.DoesNotContain(second, text);

        // Triggers and tool-gateway hear of it through the outbox, in the same transaction; ids only, never the secret.
        var connection = factory.DatabaseConnectionString;
        Assert.Equal(1, await Vault.CountAsync(connection, $"SELECT count(*) FROM event_bus_outbox WHERE topic = 'CredentialRotated' AND data::text LIKE '%{id}%'"));
        Assert.Equal(1, await Vault.CountAsync(connection, $"SELECT count(*) FROM event_bus_outbox WHERE topic = 'CredentialDeleted' AND data::text LIKE '%{id}%'"));
        Assert.Equal(0, await Vault.CountAsync(connection, "SELECT count(*) FROM event_bus_outbox o WHERE strpos(o::text, @a) > 0 OR strpos(o::text, @b) > 0",
            ("a", first), ("b", second)));
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await Vault.CountAsync(connection, $"SELECT count(*) FROM event_bus_outbox WHERE data::text LIKE '%{id}%' AND published_at IS NULL") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the outbox relay did not publish the events");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task The_purpose_may_come_in_headers()
    {
        var admin = factory.Client(TestTokens.Admin(_tenant));
        var id = await Vault.CreateAsync(admin, _tenant, Vault.Body(TelemetryCapture.NewSecret("headers"), userId: null));
        using var request = new HttpRequestMessage(HttpMethod.Get, Vault.Credential(_tenant, id));
        request.Headers.Add("X-Run-Id", "run-42");
        request.Headers.Add("X-Tool-Name", "sms.send");
        request.Headers.Add("X-Purpose", "reminder");

        using var response = await factory.Client(TestTokens.Service("tool-gateway")).SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = (await admin.GetFromJsonAsync<JsonElement>($"{Vault.Credential(_tenant, id)}/audit")).GetProperty("entries")[0];
        Assert.Equal(("read", "run-42", "sms.send", "reminder"), (read.GetProperty("action").GetString(), read.GetProperty("run_id").GetString(),
            read.GetProperty("tool").GetString(), read.GetProperty("purpose").GetString()));
    }

    [Fact]
    public async Task Denied_reads_are_audited_and_members_cannot_change_tenant_wide_credentials()
    {
        var owner = Guid.NewGuid();
        var mine = await Vault.CreateAsync(factory.Client(TestTokens.User(_tenant, owner)), _tenant, Vault.Body(TelemetryCapture.NewSecret("mine"), userId: "omit"));
        var shared = await Vault.CreateAsync(factory.Client(TestTokens.Admin(_tenant)), _tenant, Vault.Body(TelemetryCapture.NewSecret("shared"), userId: null));
        var intruder = Guid.NewGuid();
        await Vault.ReadAsync(factory.Client(TestTokens.Service("tool-gateway")), _tenant, mine, $"?user_id={intruder}&tool=sms.send");

        var audit = await factory.Client(TestTokens.User(_tenant, owner)).GetFromJsonAsync<JsonElement>($"{Vault.Credential(_tenant, mine)}/audit");
        var denied = audit.GetProperty("entries")[0];
        Assert.Equal("read_denied", denied.GetProperty("action").GetString());
        Assert.Equal(intruder, denied.GetProperty("on_behalf_of_user_id").GetGuid());

        var member = factory.Client(TestTokens.User(_tenant, owner));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"{Vault.Credential(_tenant, shared)}/metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PatchAsJsonAsync(Vault.Credential(_tenant, shared), new JsonObject { ["name"] = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.DeleteAsync(Vault.Credential(_tenant, shared))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"{Vault.Credential(_tenant, shared)}/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutAsJsonAsync($"{Vault.Credential(_tenant, shared)}/secret",
            new JsonObject { ["credentials"] = new JsonObject { ["password"] = TelemetryCapture.NewSecret("denied-rotation") } })).StatusCode);
    }

    [Fact]
    public async Task Another_tenants_ids_answer_404()
    {
        var other = Guid.NewGuid();
        var secret = TelemetryCapture.NewSecret("isolated");
        var adminA = factory.Client(TestTokens.Admin(_tenant));
        var adminB = factory.Client(TestTokens.Admin(other));
        var id = await Vault.CreateAsync(adminA, _tenant, Vault.Body(secret, userId: null));

        await TenantIsolation.AssertTenantIsolatedAsync(adminA, adminB, $"{Vault.Credential(_tenant, id)}/metadata",
            canDelete: false, listUrl: Vault.Credentials(other));
        await TenantIsolation.AssertTenantIsolatedAsync(adminA, adminB, $"{Vault.Credential(_tenant, id)}/audit", canDelete: false);

        // B names its own tenant with A's id: still nothing.
        var inB = Vault.Credential(other, id);
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.GetAsync($"{inB}/metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.GetAsync($"{inB}/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.PatchAsJsonAsync(inB, new JsonObject { ["name"] = "mine now" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.PutAsJsonAsync($"{inB}/secret",
            new JsonObject { ["credentials"] = new JsonObject { ["password"] = TelemetryCapture.NewSecret("hijack") } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.DeleteAsync(inB)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.PatchAsJsonAsync(Vault.Credential(_tenant, id), new JsonObject { ["name"] = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminB.DeleteAsync(Vault.Credential(_tenant, id))).StatusCode);
        // A service asked for tenant B does not get tenant A's credential.
        Assert.Equal(HttpStatusCode.NotFound, (await Vault.ReadAsync(factory.Client(TestTokens.Service("tool-gateway")), other, id)).Status);

        Assert.Equal(secret, await Vault.PasswordAsync(factory.Client(TestTokens.Service("tool-gateway")), _tenant, id));
    }
}
