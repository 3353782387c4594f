using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.LocalServers;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

/// <summary>
/// A worker killed with SIGKILL mid-run: the agents service runs as a child process (the real executable) on the same
/// agentsdb, stops dead at a fault point, and is killed there; the in-process service (another worker) takes the run
/// over when its lease expires and finishes it, without a second execution of the tool call.
/// </summary>
public sealed class WorkerCrashTests(RuntimeFactory factory) : IClassFixture<RuntimeFactory>
{
    [Theory]
    [InlineData("before-tool")] // the tool step is persisted, nothing sent yet
    [InlineData("after-tool")]  // the gateway executed the call; its result was not persisted
    public async Task A_worker_killed_mid_run_is_resumed_by_another_without_executing_the_tool_call_twice(string faultPoint)
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        using var worker = await ChildWorker.StartAsync(factory, faultPoint);
        using var client = new HttpClient { BaseAddress = new Uri(worker.Url) };
        client.DefaultRequestHeaders.Authorization = tenant.Owner.DefaultRequestHeaders.Authorization;
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/{tenant.OwnerId}/chat") { Content = JsonContent.Create(new { message = "What time is it?" }) };
        request.Headers.Add("Prefer", "respond-async");

        var accepted = await RuntimeFactory.ReadAsync(await client.SendAsync(request), HttpStatusCode.Accepted);
        var runId = accepted.GetProperty("runId").GetGuid();
        await worker.WaitForFaultPointAsync(runId);
        worker.Kill();

        var run = await RuntimeFactory.WaitForRunAsync(tenant.Owner, runId, "completed", "failed");

        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(["model_call", "tool_call", "model_call"], run.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        var tool = run.GetProperty("steps")[1];
        var callId = tool.GetProperty("id").GetGuid().ToString();
        Assert.Equal("succeeded", tool.GetProperty("status").GetString());
        Assert.Equal(1, factory.Peers.Executions[callId]);
        var sent = factory.Peers.Invocations.Count(i => i.Request.ToolCallId == callId);
        Assert.Equal(faultPoint == "before-tool" ? 1 : 2, sent); // after-tool: re-sent with the same id and replayed, not executed
        Assert.Equal(faultPoint == "after-tool", tool.GetProperty("data").GetProperty("result").GetProperty("replayed").GetBoolean());
        Assert.Contains("2026-11-25T12:00:00Z", (await tenant.Owner.GetFromJsonAsync<JsonElement>(
            $"/agent/conversations/{tenant.TenantId}/sessions/{accepted.GetProperty("sessionId").GetGuid()}/messages"))[1].GetProperty("content").GetString());
    }

    sealed class ChildWorker : IDisposable
    {
        readonly Process _process;
        readonly ConcurrentQueue<string> _output = new();

        ChildWorker(Process process, string url)
        {
            _process = process;
            Url = url;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Url { get; }

        public static async Task<ChildWorker> StartAsync(RuntimeFactory factory, string faultPoint)
        {
            var url = $"http://127.0.0.1:{FreePort.Next()}";
            var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetDirectoryName(typeof(Program).Assembly.Location)!,
            };
            foreach (var (key, value) in new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = url,
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
                ["ConnectionStrings__agentsdb"] = factory.DatabaseConnectionString,
                ["ConnectionStrings__redis"] = factory.Infrastructure.RedisConnectionString,
                ["Secrets__JwtSigningKey"] = TestTokens.SigningKey,
                ["services__tool-gateway__http__0"] = factory.Peers.BaseUrl,
                ["services__billing__http__0"] = factory.Peers.BaseUrl,
                ["Auth__ServiceName"] = "agents",
                ["Runtime__FaultPoint"] = faultPoint,
                ["Runtime__LeaseDuration"] = "00:00:03",
                ["Runtime__PollInterval"] = "00:00:00.200",
                ["Directory__SeedDemoData"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
            })
            {
                start.Environment[key] = value;
            }
            var worker = new ChildWorker(Process.Start(start)!, url);
            using var probe = new HttpClient { BaseAddress = new Uri(url) };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    if ((await probe.GetAsync("/health")).IsSuccessStatusCode) return worker;
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                Assert.True(DateTime.UtcNow < deadline && !worker._process.HasExited, "the child agents service did not start:\n" + string.Join('\n', worker._output));
                await Task.Delay(200);
            }
        }

        public async Task WaitForFaultPointAsync(Guid runId)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!_output.Any(l => l.Contains($"FAULT-POINT") && l.Contains(runId.ToString())))
            {
                Assert.True(DateTime.UtcNow < deadline, "the child never reached its fault point:\n" + string.Join('\n', _output));
                await Task.Delay(50);
            }
        }

        /// <summary>SIGKILL: no shutdown code runs, the lease stays taken until it expires.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit(10_000);
            Assert.Equal(137, _process.ExitCode);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
            _process.Dispose();
        }
    }
}
