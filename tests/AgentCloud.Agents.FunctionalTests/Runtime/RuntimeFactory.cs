using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Agents.Models;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

/// <summary>
/// The agents service with its runtime over a fresh agentsdb and the shared redis-server, the tool gateway and billing
/// as <see cref="RuntimePeers"/> stand-ins, and the "scripted" model provider. Timings are shortened (poll 200 ms,
/// lease 3 s). Every log line and span is kept so tests can prove message contents never reach them.
/// </summary>
public class RuntimeFactory : AgentsFactory
{
    ActivityListener? _listener;

    public RuntimePeers Peers { get; private set; } = null!;

    public ConcurrentQueue<string> Logs { get; } = new();

    public ConcurrentQueue<string> SpanTexts { get; } = new();

    static RuntimeFactory? LastFactory;

    public override async Task InitializeAsync()
    {
        LastFactory = this;
        await base.InitializeAsync();
        Peers = await RuntimePeers.StartAsync();
        WithSetting("services:tool-gateway:http:0", Peers.BaseUrl);
        WithSetting("services:billing:http:0", Peers.BaseUrl);
        WithSetting("services:credentials:http:0", Peers.BaseUrl);
        WithSetting("Models:AttemptTimeout", "00:00:03");
        WithSetting("Models:StreamIdleTimeout", "00:00:03");
        WithSetting("Models:RetryDelay", "00:00:00.050");
        WithSetting("Auth:ServiceName", "agents");
        WithSetting("Runtime:PollInterval", "00:00:00.200");
        WithSetting("Runtime:LeaseDuration", "00:00:03");
        WithSetting("Runtime:ChatWaitTimeout", "00:00:20");
        WithSetting("Approvals:SweepInterval", "00:00:00.200");
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("AgentCloud", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => SpanTexts.Enqueue($"{activity.DisplayName} {string.Join(" ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))}"),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));
        builder.ConfigureTestServices(services => services.AddSingleton<IAgentChatClientFactory, ScriptedChatClientFactory>());
    }

    public override async ValueTask DisposeAsync()
    {
        _listener?.Dispose();
        await base.DisposeAsync();
        if (Peers is not null)
        {
            await Peers.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>The events of this type staged in the agents outbox for a run (published or not): <c>subject</c> and <c>data</c>.</summary>
    public async Task<List<JsonElement>> OutboxEventsAsync(string type, Guid runId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT data, subject FROM event_bus_outbox WHERE topic = $1", connection)
        {
            Parameters = { new() { Value = type } },
        };
        var events = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (!reader.IsDBNull(1) && reader.GetString(1) == runId.ToString())
            {
                events.Add(JsonSerializer.SerializeToElement(new { subject = reader.GetString(1), data = JsonDocument.Parse(reader.GetString(0)).RootElement }));
            }
        }
        return events;
    }

    /// <summary>A <c>count(*)</c> over agentsdb, with <paramref name="parameter"/> as <c>$1</c>.</summary>
    public async Task<long> CountAsync(string sql, object parameter)
    {
        await using var connection = new Npgsql.NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection) { Parameters = { new() { Value = parameter } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The last error log lines (for assertion messages).</summary>
    public string RecentErrors() => string.Join('\n', Logs.Where(l => l.StartsWith("Error") || l.StartsWith("Critical")).TakeLast(3));

    /// <summary>A script under a fresh model name, for an agent with provider "scripted".</summary>
    public static string UseScript(ScriptedChatClient script)
    {
        var name = $"script-{Guid.NewGuid():N}";
        ScriptedChatClientFactory.Scripts[name] = script;
        return name;
    }

    public async Task<Guid> CreateAgentAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/agents", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created,
            $"POST /agents: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{RecentErrors()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>An agent on a script, with these catalog tools enabled.</summary>
    public Task<Guid> CreateScriptedAgentAsync(HttpClient client, ScriptedChatClient script, string[] tools, object? extra = null)
    {
        var body = JsonSerializer.SerializeToNode(new
        {
            name = "Scripted " + Guid.NewGuid().ToString("N")[..6],
            model = new { provider = "scripted", model = UseScript(script) },
            tools = tools.Select(t => new { key = t }),
        })!.AsObject();
        foreach (var (key, value) in extra is null ? [] : JsonSerializer.SerializeToNode(extra)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }
        return CreateAgentAsync(client, body);
    }

    public static Task<HttpResponseMessage> ChatAsync(HttpClient client, Guid userId, string message, Guid? conversationId = null, Guid? agentId = null,
        bool async = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/{userId}/chat")
        {
            Content = JsonContent.Create(new { message, conversation_id = conversationId?.ToString(), agent_id = agentId?.ToString() }),
        };
        if (async)
        {
            request.Headers.Add("Prefer", "respond-async");
        }
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}\n{LastFactory?.RecentErrors()}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Polls GET /runs/{id} until the run exists and its status is one of <paramref name="statuses"/>.</summary>
    public static async Task<JsonElement> WaitForRunAsync(HttpClient client, Guid runId, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync($"/runs/{runId}");
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                var run = await ReadAsync(response, HttpStatusCode.OK);
                if (statuses.Contains(run.GetProperty("status").GetString()))
                {
                    return run;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, $"run {runId}: {(int)response.StatusCode} {text}");
            await Task.Delay(100);
        }
    }
}
