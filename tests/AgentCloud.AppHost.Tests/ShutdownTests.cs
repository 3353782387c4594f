using AgentCloud.Hosting.Machine;
using Npgsql;
using Xunit;

namespace AgentCloud.AppHost.Tests;

/// <summary>The AppHost as a real process: Ctrl+C leaves nothing behind, data survives a restart, and even kill -9 of
/// the AppHost leaves no orphans (each child's guard stops it).</summary>
public sealed class ShutdownTests : IDisposable
{
    readonly string _state = Path.Combine(Path.GetTempPath(), $"agentcloud-apphost-{Guid.NewGuid():N}"[..32]);

    public ShutdownTests()
    {
        Directory.CreateDirectory(_state);
        File.SetUnixFileMode(_state, (UnixFileMode)0b111_001_001);
    }

    [Fact]
    public async Task Ctrl_C_stops_every_resource_and_a_second_start_keeps_the_data()
    {
        using (var first = AppHostProcess.Start(_state))
        {
            var pids = await first.WaitUntilRunningAsync(_state, TimeSpan.FromMinutes(2));
            await ExecuteAsync(first, "CREATE TABLE IF NOT EXISTS survives (note text); INSERT INTO survives VALUES ('kept')");

            first.Signal(AppHostProcess.InterruptSignal);

            Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(30)), first.Output);
            Assert.Equal(0, first.ExitCode);
            await AssertAllGoneAsync(pids, TimeSpan.FromSeconds(2));
        }

        using var second = AppHostProcess.Start(_state);
        await second.WaitUntilRunningAsync(_state, TimeSpan.FromMinutes(2));
        Assert.DoesNotContain("Initialising a new PostgreSQL cluster", second.Output);
        Assert.Equal("kept", await ExecuteAsync(second, "SELECT note FROM survives"));
        second.Signal(Signals.SIGTERM);
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(30)), second.Output);
    }

    [Fact]
    public async Task Kill_9_of_the_AppHost_still_leaves_no_orphan()
    {
        using var host = AppHostProcess.Start(_state);
        var pids = await host.WaitUntilRunningAsync(_state, TimeSpan.FromMinutes(2));

        host.Signal(Signals.SIGKILL);

        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(5)));
        await AssertAllGoneAsync(pids, TimeSpan.FromSeconds(20));
    }

    static async Task AssertAllGoneAsync(Dictionary<string, int> pids, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (pids.Values.Any(Signals.IsAlive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Empty(pids.Where(p => Signals.IsAlive(p.Value)).Select(p => $"{p.Key} ({p.Value})"));
    }

    async Task<string?> ExecuteAsync(AppHostProcess host, string sql)
    {
        var password = (await File.ReadAllTextAsync(Path.Combine(_state, "postgres", "password"))).Trim();
        var port = new Uri(System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_state, "resources.json")))
            .RootElement.EnumerateArray().First(r => r.GetProperty("name").GetString() == "postgres").GetProperty("url").GetString()!).Port;
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=agentsdb;Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Could not delete {_state}: {e.Message}");
        }
    }
}
