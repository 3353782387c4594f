using System.Diagnostics;
using AgentCloud.EventBus.Redis;
using AgentCloud.EventBus.TestConsumer;
using AgentCloud.EventBus.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AgentCloud.EventBus.Tests;

public sealed class KilledConsumerTests(ITestOutputHelper output)
{
    const string Topic = "agentcloud.test.work-requested";

    [Fact]
    public async Task Consumer_killed_after_its_work_but_before_the_ack_is_redelivered_and_the_inbox_prevents_a_second_effect()
    {
        var redisOnly = await TestSettings.ForRedisAsync();
        var stream = new StreamKeys(redisOnly["EventBus:StreamPrefix"]!).Stream(Topic);
        var @event = new WorkRequested("kill-me");
        // The publisher subscribes too (its own group): without the database, its handling can never add an effect.
        await using (var publisher = await RunningApp.StartAsync(redisOnly.With("EventBus:AppId", "publisher-only")))
        {
            await publisher.Bus.PublishAsync(@event);
        }
        var settings = await redisOnly.WithDatabaseAsync();
        var database = settings["ConnectionStrings:effectsdb"]!;

        var childOutput = new List<string>();
        using (var doomed = StartChild(settings.With("EventBus:ConsumerName", "doomed"), childOutput, out var committed))
        {
            try
            {
                Assert.Equal(@event.Id, await committed.Task.WaitAsync(TimeSpan.FromSeconds(60)));
                doomed.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no ack
                await doomed.WaitForExitAsync();
            }
            finally
            {
                if (!doomed.HasExited)
                {
                    doomed.Kill(entireProcessTree: true);
                }
                lock (childOutput)
                {
                    output.WriteLine(string.Join('\n', childOutput)); // the child's log, shown when the test fails
                }
            }
        }
        Assert.Equal(1, await Probes.ScalarAsync(database, "SELECT count(*) FROM effects WHERE event_id = @id", ("id", @event.Id)));
        Assert.Equal(1, await Probes.PendingCountAsync(stream, "worker"));

        await using var survivor = await RunningApp.StartAsync(settings.With("EventBus:VisibilityTimeout", "00:00:01").With("EventBus:ConsumerName", "survivor"));
        await Probes.EventuallyAsync(async () => await Probes.PendingCountAsync(stream, "worker") == 0, TimeSpan.FromSeconds(20), "redelivered and acked");

        Assert.Empty(survivor.Probe.Calls); // the inbox knew the event: the handler did not run again
        Assert.Equal(1, await Probes.ScalarAsync(database, "SELECT count(*) FROM effects WHERE event_id = @id", ("id", @event.Id)));
    }

    static Process StartChild(IReadOnlyDictionary<string, string?> settings, List<string> output, out TaskCompletionSource<string> committed)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AgentCloud.EventBus.TestConsumer.dll"));
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__")] = value;
        }
        var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (output)
            {
                output.Add(e.Data);
            }
            if (e.Data.StartsWith("COMMITTED ", StringComparison.Ordinal))
            {
                signal.TrySetResult(e.Data["COMMITTED ".Length..]);
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.Exited += (_, _) => signal.TrySetException(new InvalidOperationException($"Consumer exited early:\n{string.Join('\n', output)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        committed = signal;
        return process;
    }
}
