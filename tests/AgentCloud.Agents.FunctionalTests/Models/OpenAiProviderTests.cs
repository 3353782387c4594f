using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.FunctionalTests.Runtime;
using AgentCloud.Agents.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Models;

/// <summary>
/// The OpenAI-compatible provider through Microsoft.Extensions.AI.OpenAI over real HTTP against a local Chat Completions
/// server (<see cref="ChatCompletionsServer"/>), with the key from the credentials stand-in. Test timings: 3 s per
/// attempt and per stream silence, 2 retries 50 ms apart.
/// </summary>
public sealed class OpenAiProviderTests(RuntimeFactory factory) : IClassFixture<RuntimeFactory>, IAsyncLifetime
{
    ChatCompletionsServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatCompletionsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A tenant whose provider is the local server, with an API key in a credential.</summary>
    async Task<(TestTenant Tenant, string Key, Guid CredentialId)> TenantWithProviderAsync()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var key = $"sk-test-{Guid.NewGuid():N}";
        var credentialId = Guid.NewGuid();
        factory.Peers.Credentials[credentialId] = (tenant.TenantId, new { api_key = key });
        using var put = await tenant.Owner.PutAsJsonAsync("/model-provider", new { endpoint = _server.Endpoint, credentialId, model = (string?)null });
        await RuntimeFactory.ReadAsync(put, HttpStatusCode.OK);
        return (tenant, key, credentialId);
    }

    static Task<Guid> CreateAgentAsync(RuntimeFactory factory, HttpClient client, string model, params string[] tools) =>
        factory.CreateAgentAsync(client, new { name = "Provider " + Guid.NewGuid().ToString("N")[..6], model = new { provider = "openai", model },
            tools = tools.Select(t => new { key = t }) });

    static JsonElement[] Steps(JsonElement run, string kind) =>
        [.. run.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("kind").GetString() == kind)];

    [Fact]
    public async Task A_turn_with_a_tool_call_streams_through_the_provider_records_usage_and_reads_the_key_for_the_run()
    {
        var (tenant, key, credentialId) = await TenantWithProviderAsync();
        var model = _server.Use((body, _) => body["messages"]!.AsArray()[^1]!["role"]!.GetValue<string>() == "tool"
            ? new ProviderReply.Answer("It is noon in Paris.", PromptTokens: 42, CompletionTokens: 7)
            : new ProviderReply.Answer(null, [("current_time", """{"timezone":"Europe/Paris"}""")], PromptTokens: 30, CompletionTokens: 9));
        var agentId = await CreateAgentAsync(factory, tenant.Owner, model, "current_time");

        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "What time is it in Paris?", agentId: agentId);

        var body = await RuntimeFactory.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("It is noon in Paris.", body.GetProperty("response").GetString());
        Assert.False(body.GetProperty("using_stub").GetBoolean());
        var call = Assert.Single(body.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal(("current_time", "Europe/Paris"), (call.GetProperty("name").GetString(), call.GetProperty("arguments").GetProperty("timezone").GetString()));
        Assert.Equal("succeeded", Assert.Single(body.GetProperty("tool_results").EnumerateArray()).GetProperty("status").GetString());

        // Usage as the provider reported it in the last stream chunk, on each model-call step and in the run's totals.
        var runId = body.GetProperty("run_id").GetGuid();
        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{runId}");
        var modelSteps = Steps(run, "model_call").Select(s => s.GetProperty("data")).ToList();
        Assert.Equal([(30L, 9L), (42L, 7L)], modelSteps.Select(d => (d.GetProperty("inputTokens").GetInt64(), d.GetProperty("outputTokens").GetInt64())));
        Assert.All(modelSteps, d => Assert.True(d.GetProperty("usageReported").GetBoolean()));
        Assert.All(modelSteps, d => Assert.Equal(credentialId, d.GetProperty("credentialId").GetGuid()));
        Assert.All(modelSteps, d => Assert.Equal("openai", d.GetProperty("provider").GetString()));
        Assert.Equal((72L, 16L), (run.GetProperty("inputTokens").GetInt64(), run.GetProperty("outputTokens").GetInt64()));

        // The provider got the key, a streamed request with the tool, then the tool's result.
        var requests = _server.Requests.Where(r => r.Model == model).ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal($"Bearer {key}", r.Authorization));
        Assert.All(requests, r => Assert.True((bool?)r.Body["stream"]));
        Assert.Equal("current_time", (string?)requests[0].Body["tools"]![0]!["function"]!["name"]);
        Assert.Contains("2026-11-25T12:00:00Z", (string?)requests[1].Body["messages"]!.AsArray()[^1]!["content"] ?? "", StringComparison.Ordinal);

        // One credential read per model call, each naming the run; the key never reached logs, spans or the run's record.
        var reads = factory.Peers.CredentialReads.Where(r => r.CredentialId == credentialId).ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, r => Assert.Equal(runId.ToString(), r.RunId));
        Assert.All(reads, r => Assert.StartsWith("model call", r.Purpose));
        Assert.DoesNotContain(factory.Logs, l => l.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.SpanTexts, s => s.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain(key, run.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_errors_are_retried_then_the_offline_model_answers_with_using_stub_and_the_step_says_why()
    {
        var (tenant, key, _) = await TenantWithProviderAsync();
        var model = _server.Use((_, _) => new ProviderReply.Error(500, $"boom, your key {key} is fine"));
        var agentId = await CreateAgentAsync(factory, tenant.Owner, model, "current_time");

        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "Tell me a story", agentId: agentId);

        var body = await RuntimeFactory.ReadAsync(response, HttpStatusCode.OK);
        Assert.True(body.GetProperty("using_stub").GetBoolean());
        Assert.StartsWith("[offline model]", body.GetProperty("response").GetString());
        Assert.Equal(3, _server.RequestsFor(model)); // 1 + 2 retries
        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{body.GetProperty("run_id").GetGuid()}");
        var step = Assert.Single(Steps(run, "model_call")).GetProperty("data");
        Assert.True(step.GetProperty("usingStub").GetBoolean());
        Assert.Equal("agentcloud-offline", step.GetProperty("model").GetString());
        Assert.Equal("the provider answered 500 after retries", step.GetProperty("fallback").GetString());
        Assert.DoesNotContain(factory.Logs, l => l.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain(key, run.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_is_retried_and_the_provider_answers()
    {
        var (tenant, _, _) = await TenantWithProviderAsync();
        var model = _server.Use((_, attempt) => attempt == 1 ? new ProviderReply.Error(429, "Rate limited") : new ProviderReply.Answer("Hello from the provider."));
        var agentId = await CreateAgentAsync(factory, tenant.Owner, model);

        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "Hi", agentId: agentId);

        var body = await RuntimeFactory.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("Hello from the provider.", body.GetProperty("response").GetString());
        Assert.False(body.GetProperty("using_stub").GetBoolean());
        Assert.Equal(2, _server.RequestsFor(model));
    }

    [Fact]
    public async Task A_provider_that_never_answers_times_out_then_the_offline_model_answers()
    {
        var (tenant, _, _) = await TenantWithProviderAsync();
        var model = _server.Use((_, _) => new ProviderReply.Hang());
        var agentId = await CreateAgentAsync(factory, tenant.Owner, model, "current_time");

        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "Tell me a story", agentId: agentId);

        var body = await RuntimeFactory.ReadAsync(response, HttpStatusCode.OK);
        Assert.True(body.GetProperty("using_stub").GetBoolean());
        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{body.GetProperty("run_id").GetGuid()}");
        var step = Assert.Single(Steps(run, "model_call")).GetProperty("data");
        Assert.Equal("the provider did not answer in time", step.GetProperty("fallback").GetString());
        Assert.Equal(3, _server.RequestsFor(model)); // 1 + 2 retries, each cut at the 3 s attempt timeout
        Assert.True(step.GetProperty("latencyMs").GetDouble() >= 9_000, $"latency {step.GetProperty("latencyMs")}");
    }

    [Fact]
    public async Task A_stream_that_stalls_after_its_first_chunk_fails_the_model_call_after_the_idle_timeout()
    {
        var (tenant, _, _) = await TenantWithProviderAsync();
        var model = _server.Use((_, _) => new ProviderReply.Stall("Once upon"));
        var agentId = await CreateAgentAsync(factory, tenant.Owner, model);

        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "Tell me a story", agentId: agentId);

        var body = await RuntimeFactory.ReadAsync(response, HttpStatusCode.BadGateway);
        Assert.Equal("model_error", body.GetProperty("code").GetString());
        Assert.Equal(1, _server.RequestsFor(model)); // its text already reached the run's stream: no retry, no fallback
    }

    [Fact]
    public async Task Without_a_provider_or_with_an_unreadable_key_the_offline_model_answers_and_says_why()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var agentId = await CreateAgentAsync(factory, tenant.Owner, "gpt-4o-mini");
        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "Hi", agentId: agentId);
        var body = await RuntimeFactory.ReadAsync(response, HttpStatusCode.OK);
        Assert.True(body.GetProperty("using_stub").GetBoolean());
        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{body.GetProperty("run_id").GetGuid()}");
        Assert.Equal("no model provider is configured for this tenant", Steps(run, "model_call")[0].GetProperty("data").GetProperty("fallback").GetString());

        using var put = await tenant.Owner.PutAsJsonAsync("/model-provider", new { endpoint = _server.Endpoint, credentialId = Guid.NewGuid() });
        await RuntimeFactory.ReadAsync(put, HttpStatusCode.OK);
        using var again = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "Hi", agentId: agentId);
        body = await RuntimeFactory.ReadAsync(again, HttpStatusCode.OK);
        Assert.True(body.GetProperty("using_stub").GetBoolean());
        run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{body.GetProperty("run_id").GetGuid()}");
        Assert.Equal("the provider's API key could not be read from the credentials service",
            Steps(run, "model_call")[0].GetProperty("data").GetProperty("fallback").GetString());
        Assert.Equal(0, _server.RequestsFor("gpt-4o-mini"));
    }

    [Fact]
    public async Task A_plain_non_streamed_answer_with_usage_and_the_tenants_default_model()
    {
        var (tenant, _, _) = await TenantWithProviderAsync();
        var model = _server.Use((_, _) => new ProviderReply.Answer("A summary.", PromptTokens: 120, CompletionTokens: 3));
        using var put = await tenant.Owner.PutAsJsonAsync("/model-provider", new
        {
            endpoint = _server.Endpoint, credentialId = factory.Peers.Credentials.First(c => c.Value.TenantId == tenant.TenantId).Key, model,
        });
        var view = await RuntimeFactory.ReadAsync(put, HttpStatusCode.OK);
        Assert.Equal(model, view.GetProperty("model").GetString());

        var models = factory.Services.GetRequiredService<IAgentChatClientFactory>();
        var client = await models.GetClientAsync(new AgentModelSettings(Provider: "openai"), new ModelCall(tenant.TenantId, Guid.NewGuid(), 1), default);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Summarize")]);

        Assert.Equal("A summary.", response.Text);
        Assert.Equal((120L, 3L), (response.Usage!.InputTokenCount!.Value, response.Usage.OutputTokenCount!.Value));
        Assert.NotEqual(OfflineChatClient.ModelName, response.ModelId);
        var request = _server.Requests.Last(r => r.Model == model).Body;
        Assert.NotEqual(true, (bool?)request["stream"]);
    }

    [Fact]
    public async Task The_provider_settings_are_validated_and_only_admins_change_them()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var member = await TestDirectory.AddUserAsync(factory, tenant);
        using (var none = await tenant.Owner.GetAsync("/model-provider"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }
        foreach (var bad in new object[]
        {
            new { }, new { endpoint = "not a url" }, new { endpoint = "ftp://host/v1" }, new { endpoint = "https://user:pw@host/v1" },
            new { endpoint = "https://host/v1", credentialId = "nope" }, new { endpoint = "https://host/v1", model = new string('m', 201) },
        })
        {
            using var response = await tenant.Owner.PutAsJsonAsync("/model-provider", bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        using (var forbidden = await member.Client.PutAsJsonAsync("/model-provider", new { endpoint = "https://api.openai.com/v1" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }
        using (var ok = await tenant.Owner.PutAsJsonAsync("/model-provider", new { endpoint = "https://api.openai.com/v1", model = "gpt-4o-mini" }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        var read = await member.Client.GetFromJsonAsync<JsonElement>("/model-provider");
        Assert.Equal(("https://api.openai.com/v1", "gpt-4o-mini"), (read.GetProperty("endpoint").GetString(), read.GetProperty("model").GetString()));
        var other = await TestDirectory.SignUpAsync(factory);
        using (var elsewhere = await other.Owner.GetAsync("/model-provider"))
        {
            Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        }
        using (var deleted = await tenant.Owner.DeleteAsync("/model-provider"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
    }
}
