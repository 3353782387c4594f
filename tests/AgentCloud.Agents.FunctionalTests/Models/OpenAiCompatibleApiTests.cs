using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.FunctionalTests.Runtime;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Models;

/// <summary>The runtime factory on a real Kestrel port (node must reach it).</summary>
public sealed class KestrelRuntimeFactory : RuntimeFactory
{
    public KestrelRuntimeFactory() => UseKestrel(0);

    public Uri Address { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        StartServer();
        Address = ClientOptions.BaseAddress;
    }
}

/// <summary>
/// <c>GET /v1/models</c> and <c>POST /v1/chat/completions</c>: with the official <c>openai</c> npm client (pinned in
/// OpenAiClient/package.json, installed on first use) against the service on a real port, and every bad input.
/// </summary>
public sealed class OpenAiCompatibleApiTests(KestrelRuntimeFactory factory) : IClassFixture<KestrelRuntimeFactory>, IAsyncLifetime
{
    ChatCompletionsServer _provider = null!;

    public async Task InitializeAsync() => _provider = await ChatCompletionsServer.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task The_official_openai_client_lists_the_agents_and_chats_with_and_without_streaming()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        using (var put = await tenant.Owner.PutAsJsonAsync("/model-provider", new { endpoint = _provider.Endpoint }))
        {
            await RuntimeFactory.ReadAsync(put, HttpStatusCode.OK);
        }
        const string streamed = "Hello there, I stream in pieces.";
        var model = _provider.Use((_, _) => new ProviderReply.Answer(streamed, PromptTokens: 21, CompletionTokens: 8));
        var streamer = await factory.CreateAgentAsync(tenant.Owner, new { name = "Streamer", model = new { provider = "openai", model } });
        var token = tenant.Owner.DefaultRequestHeaders.Authorization!.Parameter!;

        var folder = await NpmPackages.EnsureProjectAsync(Path.Combine(AppContext.BaseDirectory, "OpenAiClient"));
        var output = await NpmPackages.RunScriptAsync(folder, Path.Combine(folder, "client.mjs"), new Dictionary<string, string>
        {
            ["BASE_URL"] = new Uri(factory.Address, "/v1").ToString(), ["API_KEY"] = token, ["AGENT"] = "Assistant", ["STREAMER"] = streamer.ToString(),
        });
        var result = JsonNode.Parse(output)!;

        // models.list: the caller's agents, by id, with their names.
        var models = result["models"]!.AsArray();
        Assert.Equal(["Assistant", "Streamer"], models.Select(m => (string?)m!["name"]).Order());
        Assert.All(models, m => Assert.Equal("model", (string?)m!["object"]));
        Assert.Contains(models, m => (string?)m!["id"] == streamer.ToString());

        // Non-streamed: the default Assistant (offline model) ran its tool and answered, with usage.
        var completion = result["completion"]!;
        Assert.Equal(("chat.completion", "assistant", "stop"), ((string?)completion["object"], (string?)completion["role"], (string?)completion["finish_reason"]));
        Assert.Contains("current_time", (string?)completion["content"]);
        Assert.True((bool)completion["using_stub"]!);
        Assert.True((long)completion["usage"]!["prompt_tokens"]! > 0);
        Assert.Equal((long)completion["usage"]!["prompt_tokens"]! + (long)completion["usage"]!["completion_tokens"]!, (long)completion["usage"]!["total_tokens"]!);

        // Streamed in the same conversation: chunks, a stop, usage, and the stream ended with [DONE] (the loop finished).
        var stream = result["stream"]!;
        Assert.Equal((string?)completion["conversation_id"], (string?)stream["conversation_id"]);
        Assert.StartsWith("[offline model]", (string?)stream["content"]);
        Assert.Equal("stop", (string?)stream["finish_reason"]);
        Assert.NotNull(stream["usage"]);
        var conversation = await tenant.Owner.GetFromJsonAsync<JsonElement>(
            $"/agent/conversations/{tenant.TenantId}/sessions/{(string?)completion["conversation_id"]}/messages");
        Assert.Equal(["user", "assistant", "user", "assistant"], conversation.EnumerateArray().Select(m => m.GetProperty("role").GetString()));

        // Streamed from a provider that streams in pieces: the pieces came through as chunks, with the provider's usage.
        var pieces = result["streamer"]!;
        Assert.Equal(streamed, (string?)pieces["content"]);
        Assert.True((int)pieces["chunks"]! >= 8, $"{pieces["chunks"]} chunks");
        Assert.Equal((21, 8), ((int)pieces["usage"]!["prompt_tokens"]!, (int)pieces["usage"]!["completion_tokens"]!));

        // An unknown model: the client reads our error as OpenAI's.
        var error = result["error"]!;
        Assert.Equal((404, "model_not_found", "model"), ((int)error["status"]!, (string?)error["code"], (string?)error["param"]));
    }

    [Fact]
    public async Task Every_bad_body_is_a_400_and_other_tenants_agents_are_not_found()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var other = await TestDirectory.SignUpAsync(factory);
        var othersAgent = await factory.CreateScriptedAgentAsync(other.Owner, ScriptedChatClient.ToolsThenReply(), []);
        object User(object content) => new { role = "user", content };
        foreach (var bad in new[]
        {
            "null", "[]", "{}", """{"model":""}""", """{"model":42,"messages":[]}""", """{"model":"Assistant"}""", """{"model":"Assistant","messages":[]}""",
            """{"model":"Assistant","messages":"hi"}""", """{"model":"Assistant","messages":[1]}""",
            JsonSerializer.Serialize(new { model = "Assistant", messages = new[] { new { role = "assistant", content = "hi" } } }),
            JsonSerializer.Serialize(new { model = "Assistant", messages = new[] { User("") } }),
            JsonSerializer.Serialize(new { model = "Assistant", messages = new[] { User(new string('x', 10_001)) } }),
            JsonSerializer.Serialize(new { model = "Assistant", messages = new[] { User(42) } }),
            JsonSerializer.Serialize(new { model = "Assistant", messages = new[] { User(new[] { new { type = "image_url", image_url = "x" } }) } }),
            JsonSerializer.Serialize(new { model = "Assistant", messages = new[] { User("hi") }, stream = "yes" }),
            JsonSerializer.Serialize(new { model = "Assistant", messages = new[] { User("hi") }, stream_options = new { include_usage = 1 } }),
            JsonSerializer.Serialize(new { model = "Assistant", messages = new[] { User("hi") }, conversation_id = "nope" }),
            JsonSerializer.Serialize(new { model = "Assistant", messages = new[] { User("hi") }, tools = new[] { new { type = "function" } } }),
            JsonSerializer.Serialize(new { model = new string('m', 201), messages = new[] { User("hi") } }),
            """{"model":"Assistant","messages":[{"role":"user","content":"hi"}]""",
        })
        {
            using var response = await tenant.Owner.PostAsync("/v1/chat/completions", new StringContent(bad, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad[..Math.Min(bad.Length, 120)]}: {(int)response.StatusCode} {text}");
        }

        async Task<HttpResponseMessage> Ask(string model, object? conversationId = null) =>
            await tenant.Owner.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { User("hi") }, conversation_id = conversationId });
        using (var missing = await Ask(othersAgent.ToString()))
        {
            var body = await RuntimeFactory.ReadAsync(missing, HttpStatusCode.NotFound);
            Assert.Equal("model_not_found", body.GetProperty("error").GetProperty("code").GetString());
        }
        using (var conversation = await Ask("Assistant", Guid.NewGuid()))
        {
            await RuntimeFactory.ReadAsync(conversation, HttpStatusCode.NotFound);
        }
        var models = await tenant.Owner.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.DoesNotContain(othersAgent.ToString(), models.GetRawText());
        using var anonymous = await factory.CreateClient().GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task An_api_keys_token_lists_the_models_and_chats()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        using var created = await tenant.Owner.PostAsJsonAsync("/api-keys", new { name = "openai client", roles = new[] { "member" } });
        var key = (await RuntimeFactory.ReadAsync(created, HttpStatusCode.Created)).GetProperty("key").GetString();
        using var exchanged = await factory.CreateClient().PostAsJsonAsync("/auth/api-key-token", new { apiKey = key });
        var machine = factory.CreateClient((await RuntimeFactory.ReadAsync(exchanged, HttpStatusCode.OK)).GetProperty("accessToken").GetString()!);

        var models = await machine.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Contains("Assistant", models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        using var response = await machine.PostAsJsonAsync("/v1/chat/completions",
            new { model = "Assistant", messages = new[] { new { role = "user", content = "Hello" } } });
        var body = await RuntimeFactory.ReadAsync(response, HttpStatusCode.OK);
        Assert.StartsWith("[offline model]", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_turn_waiting_for_approval_or_failing_answers_in_the_openai_shapes()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var approval = await factory.CreateScriptedAgentAsync(tenant.Owner,
            ScriptedChatClient.ToolsThenReply(("send_email", new { to = "a@example.com" })), ["send_email"]);
        using (var waiting = await tenant.Owner.PostAsJsonAsync("/v1/chat/completions",
            new { model = approval.ToString(), messages = new[] { new { role = "user", content = "Mail a@example.com" } } }))
        {
            var body = await RuntimeFactory.ReadAsync(waiting, HttpStatusCode.OK);
            Assert.Equal("requires_approval", body.GetProperty("status").GetString());
            Assert.Contains($"/runs/{body.GetProperty("run_id").GetGuid()}", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }

        factory.Peers.SetBalance(tenant.TenantId, 0);
        using (var broke = await tenant.Owner.PostAsJsonAsync("/v1/chat/completions",
            new { model = "Assistant", messages = new[] { new { role = "user", content = "Hi" } } }))
        {
            var body = await RuntimeFactory.ReadAsync(broke, HttpStatusCode.PaymentRequired);
            Assert.Equal("insufficient_tokens", body.GetProperty("error").GetProperty("code").GetString());
        }
        using var stream = await tenant.Owner.PostAsJsonAsync("/v1/chat/completions",
            new { model = "Assistant", messages = new[] { new { role = "user", content = "Hi" } }, stream = true });
        var events = await stream.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Contains("\"code\":\"insufficient_tokens\"", events);
        Assert.EndsWith("data: [DONE]\n\n", events);
    }
}
