using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Agents.Benchmarks;

// Usage: dotnet run -c Release --project benchmarks/AgentCloud.Agents.Benchmarks -- [seconds=10] [concurrency=1,16] [--no-fsync]
// One turn = POST /api/{user}/chat "What time is it?" → queued run claimed by a worker → model call (the built-in offline
// model: deterministic, no latency) proposing current_time → tool step persisted → POST tool-gateway /tools/current_time/invoke
// (a no-op: claim, validate, audit, outbox) → result persisted → second model call → answer, run completed, RunCompleted in the
// outbox → the waiting request answers. Both model calls are paid through billing holds (POST /tokens/holds, commits after).
var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 10;
var levels = args.Length > 1 && !args[1].StartsWith("--") ? args[1].Split(',').Select(int.Parse).ToArray() : [1, 16];
var durable = !args.Contains("--no-fsync");

var platform = await Platform.StartAsync(durable);
var agents = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(platform.Url("agents")) };
var email = $"owner-{Guid.NewGuid():N}@bench.local";
var signUp = await (await agents.PostAsJsonAsync("/tenants", new
{
    name = "Bench", licensePlan = "pro", contactPerson = "Bench", ownerEmail = email, ownerDisplayName = "Owner", ownerPassword = "bench-password-123",
})).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
var (tenantId, userId) = (signUp.GetProperty("tenantId").GetGuid(), signUp.GetProperty("ownerId").GetGuid());
var token = (await (await agents.PostAsJsonAsync("/auth/token", new { email, password = "bench-password-123" })).EnsureSuccessStatusCode()
    .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
agents.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
using (var billing = new HttpClient { BaseAddress = new Uri(platform.Url("billing")) })
{
    billing.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    (await billing.PostAsJsonAsync($"/tokens/add/{tenantId}", new { amount = 1_000_000_000 })).EnsureSuccessStatusCode();
}

const int TurnsPerConversation = 10;
async Task<long> TurnAsync(Guid?[] conversations, int client, long turn)
{
    var started = Stopwatch.GetTimestamp();
    var conversation = turn % TurnsPerConversation == 0 ? null : conversations[client];
    using var response = await agents.PostAsJsonAsync($"/api/{userId}/chat", new { message = "What time is it?", conversation_id = conversation?.ToString() });
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
    if (body.GetProperty("tool_results").GetArrayLength() != 1 || body.GetProperty("tool_results")[0].GetProperty("status").GetString() != "succeeded")
    {
        throw new InvalidOperationException("The turn did not run its tool: " + body);
    }
    conversations[client] = body.GetProperty("session_id").GetGuid();
    return Stopwatch.GetTimestamp() - started;
}

async Task<List<long>> RunAsync(int concurrency, TimeSpan duration)
{
    var conversations = new Guid?[concurrency];
    var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var workers = Enumerable.Range(0, concurrency).Select(client => Task.Run(async () =>
    {
        var samples = new List<long>();
        for (long turn = 0; Stopwatch.GetTimestamp() < until; turn++)
        {
            samples.Add(await TurnAsync(conversations, client, turn));
        }
        return samples;
    }));
    return [.. (await Task.WhenAll(workers)).SelectMany(x => x)];
}

Console.WriteLine($"agents turn benchmark: {seconds}s per level, PostgreSQL {(durable ? "durable (fsync on)" : "fsync off")}, cores={Environment.ProcessorCount}");
foreach (var concurrency in levels)
{
    await RunAsync(concurrency, TimeSpan.FromSeconds(3)); // warm-up: JIT, pools, plans, caches
    var measured = await RunAsync(concurrency, TimeSpan.FromSeconds(seconds));
    measured.Sort();
    double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
    double Percentile(double p) => Ms(measured[Math.Min(measured.Count - 1, (int)Math.Ceiling(p * measured.Count) - 1)]);
    Console.WriteLine($"clients={concurrency,3} turns={measured.Count,6} turns/s={measured.Count / (double)seconds,7:F1} " +
        $"p50={Percentile(0.50),7:F2} ms p90={Percentile(0.90),7:F2} ms p99={Percentile(0.99),7:F2} ms max={Ms(measured[^1]),7:F2} ms");
}
await platform.DisposeAsync(); // PostgreSQL, redis-server and their folder
Environment.Exit(0); // the services run on background threads with their own hosts
