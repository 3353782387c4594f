using System.Net;
using System.Net.Http.Json;
using System.Text;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Credentials.FunctionalTests;

/// <summary>Bad bodies get a clear 4xx and store nothing. Limits: body 96 KiB, credentials 64 KiB, meta 8 KiB.</summary>
[Collection(VaultCollection.Name)]
public sealed class BadInputTests(CredentialsFactory factory) : IClassFixture<CredentialsFactory>
{
    readonly Guid _tenant = Guid.NewGuid();

    public static TheoryData<string, string> BadBodies => new()
    {
        { "missing type", """{"name":"n","credentials":{"k":"SECRET"}}""" },
        { "missing name", """{"type":"smtp","credentials":{"k":"SECRET"}}""" },
        { "missing credentials", """{"type":"smtp","name":"n"}""" },
        { "credentials a string", """{"type":"smtp","name":"n","credentials":"SECRET"}""" },
        { "credentials an array", """{"type":"smtp","name":"n","credentials":["SECRET"]}""" },
        { "credentials a number", """{"type":"smtp","name":"n","credentials":42}""" },
        { "credentials null", """{"type":"smtp","name":"n","credentials":null}""" },
        { "credentials empty", """{"type":"smtp","name":"n","credentials":{}}""" },
        { "meta an array", """{"type":"smtp","name":"n","meta":[1],"credentials":{"k":"SECRET"}}""" },
        { "user_id not a uuid", """{"user_id":"bob","type":"smtp","name":"n","credentials":{"k":"SECRET"}}""" },
        { "type with spaces", """{"type":"S M T P","name":"n","credentials":{"k":"SECRET"}}""" },
        { "empty name", """{"type":"smtp","name":" ","credentials":{"k":"SECRET"}}""" },
        { "unknown field", """{"type":"smtp","name":"n","credential":{"k":"SECRET"}}""" },
        { "body an array", """[{"type":"smtp","name":"n","credentials":{"k":"SECRET"}}]""" },
        { "not JSON", """{"type":"smtp","name":"n","credentials":{"k":"SECRET" """ },
        { "empty body", "" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_create_body_is_a_400_naming_the_problem_and_stores_nothing(string why, string body)
    {
        var secret = TelemetryCapture.NewSecret("bad-input");
        var client = factory.Client(TestTokens.Admin(_tenant));

        using var response = await client.PostAsync(Vault.Credentials(_tenant),
            new StringContent(body.Replace("SECRET", secret), Encoding.UTF8, "application/json"));

        var problem = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode} {problem}");
        Assert.Contains("\"title\"", problem);
        Assert.DoesNotContain(secret, problem);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Credentials_over_64_KiB_are_refused_with_400()
    {
        var client = factory.Client(TestTokens.Admin(_tenant));
        var body = Vault.Body(TelemetryCapture.NewSecret("big"), userId: null);
        body["credentials"]!["blob"] = new string('x', 64 * 1024);

        using var response = await client.PostAsJsonAsync(Vault.Credentials(_tenant), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("64 KiB", await response.Content.ReadAsStringAsync());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Credentials_just_under_the_limit_are_accepted()
    {
        var tenant = Guid.NewGuid();
        var client = factory.Client(TestTokens.Admin(tenant));
        var body = Vault.Body(TelemetryCapture.NewSecret("fits"), userId: null);
        body["credentials"]!["blob"] = new string('x', 60 * 1024);

        using var response = await client.PostAsJsonAsync(Vault.Credentials(tenant), body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_96_KiB_is_refused_with_413()
    {
        var client = factory.Client(TestTokens.Admin(_tenant));
        var body = Vault.Body(TelemetryCapture.NewSecret("huge"), userId: null);
        body["meta"]!["padding"] = new string('y', 200 * 1024);

        using var response = await client.PostAsJsonAsync(Vault.Credentials(_tenant), body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_bad_rotation_or_update_leaves_the_credential_as_it_was()
    {
        var admin = factory.Client(TestTokens.Admin(_tenant));
        var secret = TelemetryCapture.NewSecret("unchanged");
        var id = await Vault.CreateAsync(admin, _tenant, Vault.Body(secret, userId: null));
        var before = await admin.GetStringAsync($"{Vault.Credential(_tenant, id)}/metadata");

        foreach (var bad in new[] { """{"credentials":"x"}""", """{"credentials":{}}""", """{}""", "nope" })
        {
            using var rotate = await admin.PutAsync($"{Vault.Credential(_tenant, id)}/secret", new StringContent(bad, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, rotate.StatusCode);
        }
        foreach (var bad in new[] { """{"meta":"x"}""", """{"name":""}""", """{}""", """{"secret":1}""" })
        {
            using var update = await admin.PatchAsync(Vault.Credential(_tenant, id), new StringContent(bad, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, update.StatusCode);
        }

        Assert.Equal(before, await admin.GetStringAsync($"{Vault.Credential(_tenant, id)}/metadata"));
        Assert.Equal(secret, await Vault.PasswordAsync(factory.Client(TestTokens.Service("tool-gateway")), _tenant, id));
    }

    [Fact]
    public async Task Bad_query_parameters_are_400()
    {
        var admin = factory.Client(TestTokens.Admin(_tenant));
        var gateway = factory.Client(TestTokens.Service("tool-gateway"));
        var id = await Vault.CreateAsync(admin, _tenant, Vault.Body(TelemetryCapture.NewSecret("q"), userId: null));

        Assert.Equal(HttpStatusCode.BadRequest, (await Vault.ReadAsync(gateway, _tenant, id, "?user_id=bob")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Vault.ReadAsync(gateway, _tenant, id, $"?tool={new string('t', 300)}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"{Vault.Credentials(_tenant)}?meta=[1]")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"{Vault.Credentials(_tenant)}?scope=everyone")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"{Vault.Credentials(_tenant)}?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/tenant/not-a-uuid/credentials")).StatusCode);
    }

    async Task AssertNothingStoredAsync()
    {
        Assert.Equal(0, await Vault.CountAsync(factory.DatabaseConnectionString, $"SELECT count(*) FROM credentials WHERE tenant_id = '{_tenant}'"));
        Assert.Equal(0, await Vault.CountAsync(factory.DatabaseConnectionString, $"SELECT count(*) FROM credential_audit WHERE tenant_id = '{_tenant}'"));
    }}
