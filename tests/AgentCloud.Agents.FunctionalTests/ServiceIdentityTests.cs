using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ServiceDefaults.Secrets;
using AgentCloud.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class ServiceIdentityTests(AgentsFactory factory) : IClassFixture<AgentsFactory>
{
    [Fact]
    public async Task A_service_trades_its_client_secret_for_a_service_token()
    {
        using var response = await factory.CreateClient().PostAsJsonAsync("/auth/service-token",
            new ServiceTokenRequest("tool-gateway", TestTokens.ServiceSecret("tool-gateway"), "agents"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issued = await response.Content.ReadFromJsonAsync<ServiceTokenResponse>();
        Assert.True(issued!.ExpiresIn > 0);
        var caller = await factory.CreateClient(issued.AccessToken).GetFromJsonAsync<JsonElement>("/auth/whoami");
        Assert.Equal("tool-gateway", caller.GetProperty("serviceName").GetString());
        Assert.Equal(JsonValueKind.Null, caller.GetProperty("userId").ValueKind);
    }

    [Theory]
    [InlineData("tool-gateway", "wrong")]
    [InlineData("credentials", "test-client-secret-tool-gateway")]
    [InlineData("mallory", "test-client-secret-mallory")]
    public async Task Wrong_client_credentials_get_401(string clientId, string secret)
    {
        using var response = await factory.CreateClient().PostAsJsonAsync("/auth/service-token", new ServiceTokenRequest(clientId, secret, "billing"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Missing_client_credentials_get_a_validation_problem()
    {
        using var response = await factory.CreateClient().PostAsJsonAsync("/auth/service-token", new { clientId = "billing" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_service_token_handler_fetches_caches_and_attaches_the_service_token()
    {
        var issued = 0;
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ISecretStore>(new FixedSecrets(ServiceClients.SecretName("billing"), TestTokens.ServiceSecret("billing")));
        services.AddOptions<AuthOptions>().Configure(o => (o.ServiceName, o.ServiceTokenEndpoint) = ("billing", "http://localhost/auth/service-token"));
        services.AddHttpClient(RemoteServiceTokenSource.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new CountingHandler(() => issued++) { InnerHandler = factory.Server.CreateHandler() });
        services.AddSingleton<ServiceTokenSource, RemoteServiceTokenSource>();
        services.AddTransient<ServiceTokenHandler>();
        services.AddHttpClient("to-agents", c => c.BaseAddress = new Uri("http://agents"))
            .ConfigurePrimaryHttpMessageHandler(() => factory.Server.CreateHandler())
            .AddServiceIdentity();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("to-agents");

        var first = await client.GetFromJsonAsync<JsonElement>("/auth/whoami");
        var second = await client.GetFromJsonAsync<JsonElement>("/auth/whoami");

        Assert.Equal("billing", first.GetProperty("serviceName").GetString());
        Assert.Equal("billing", second.GetProperty("serviceName").GetString());
        Assert.Equal(1, issued);
    }

    sealed class FixedSecrets(string name, string value) : ISecretStore
    {
        public ValueTask<string?> GetSecretAsync(string secret, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(secret == name ? value : null);
    }

    sealed class CountingHandler(Action onSend) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
