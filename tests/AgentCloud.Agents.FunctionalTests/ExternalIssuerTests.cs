using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

/// <summary>Production's switch: <c>Auth:Authority</c> trusts an external OIDC issuer's RS256 tokens (a real HTTP issuer here).</summary>
public sealed class ExternalIssuerTests : IAsyncLifetime
{
    readonly RSA _issuerKey = RSA.Create(2048);
    WebApplication _issuer = null!;
    WebApplication _service = null!;
    string _authority = "";

    public async Task InitializeAsync()
    {
        var issuerBuilder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        issuerBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        _issuer = issuerBuilder.Build();
        var parameters = _issuerKey.ExportParameters(includePrivateParameters: false);
        _issuer.MapGet("/.well-known/openid-configuration", (HttpContext http) => TypedResults.Ok(new Dictionary<string, string>
        {
            ["issuer"] = _authority,
            ["jwks_uri"] = $"{_authority}/jwks",
        }));
        _issuer.MapGet("/jwks", () => TypedResults.Ok(new
        {
            keys = new[] { new { kty = "RSA", kid = "k1", use = "sig", n = Base64Url.EncodeToString(parameters.Modulus), e = Base64Url.EncodeToString(parameters.Exponent) } },
        }));
        await _issuer.StartAsync();
        _authority = _issuer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration["Secrets:JwtSigningKey"] = TestTokens.SigningKey;
        builder.Configuration["Auth:ServiceName"] = "agents";
        builder.Configuration["Auth:Authority"] = _authority;
        builder.Configuration["Auth:AuthorityAudience"] = "agentcloud-api";
        builder.AddServiceDefaults();
        _service = builder.Build();
        _service.MapDefaultEndpoints();
        await _service.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _issuer.DisposeAsync();
        _issuerKey.Dispose();
    }

    string Rs256(RSA key, string audience, string? issuer = null, string kid = "k1")
    {
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject { ["alg"] = "RS256", ["kid"] = kid, ["typ"] = "JWT" }.ToJsonString()));
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["iss"] = issuer ?? _authority, ["aud"] = audience, ["sub"] = Guid.NewGuid().ToString(), ["tid"] = Guid.NewGuid().ToString(),
            ["roles"] = new JsonArray("member"), ["exp"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
        }.ToJsonString()));
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }

    async Task<HttpStatusCode> WhoAmI(string token)
    {
        using var response = await _service.GetTestClient().WithToken(token).GetAsync("/auth/whoami");
        return response.StatusCode;
    }

    [Fact]
    public async Task The_external_issuers_tokens_are_accepted_as_users()
    {
        var caller = await _service.GetTestClient().WithToken(Rs256(_issuerKey, "agentcloud-api")).GetFromJsonAsync<JsonElement>("/auth/whoami");

        Assert.True(caller.GetProperty("isUser").GetBoolean());
    }

    [Fact]
    public async Task Tokens_not_signed_by_the_issuer_or_for_another_audience_or_issuer_are_refused()
    {
        using var stranger = RSA.Create(2048);

        Assert.Equal(HttpStatusCode.Unauthorized, await WhoAmI(Rs256(stranger, "agentcloud-api")));
        Assert.Equal(HttpStatusCode.Unauthorized, await WhoAmI(Rs256(_issuerKey, "agentcloud")));
        Assert.Equal(HttpStatusCode.Unauthorized, await WhoAmI(Rs256(_issuerKey, "agentcloud-api", issuer: "https://other.example")));
        Assert.Equal(HttpStatusCode.Unauthorized, await WhoAmI(Rs256(_issuerKey, "agentcloud-api", kid: "unknown")));
    }

    [Fact]
    public async Task Local_service_tokens_stay_valid()
    {
        Assert.Equal(HttpStatusCode.OK, await WhoAmI(TestTokens.Service("tool-gateway")));
    }
}
