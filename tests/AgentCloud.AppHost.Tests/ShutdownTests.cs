using System.Runtime.InteropServices;
using Npgsql;
using Xunit;

namespace AgentCloud.AppHost.Tests;

/// <summary>
/// The AppHost as a real process: Ctrl+C (or SIGTERM) leaves nothing behind and data survives a restart; kill -9 of the
/// AppHost leaves no orphan either (DCP's monitor stops the rest); a state folder PostgreSQL cannot reach stops start-up
/// with the fix.
/// </summary>
public sealed class ShutdownTests : IDisposable
{
    static readonly string[] Expected =
    [
        "dcp", "postgres", "redis-server", "AgentCloud.Agents", "AgentCloud.ToolGateway", "AgentCloud.Credentials",
        "AgentCloud.Triggers", "AgentCloud.Billing", "AgentCloud.Web",
    ];

    /// <summary>
    /// The AppHost returns at once on Ctrl+C, SIGTERM or kill -9; DCP, which watches its process, then stops every resource
    /// (about 20-30 s here).
    /// </summary>
    static readonly TimeSpan DcpCleanUp = TimeSpan.FromSeconds(90);

    readonly TempFolder _state = new("agentcloud-apphost-");

    [Fact]
    public async Task Ctrl_C_stops_every_resource_and_a_second_start_keeps_the_data()
    {
        using (var first = AppHostProcess.Start(_state.Path))
        {
            var processes = await first.WaitUntilUpAsync(TimeSpan.FromMinutes(6));
            AssertTheWholeRun(processes);
            Assert.Contains("Creating a new PostgreSQL cluster", first.Output);
            await ExecuteAsync(processes, "CREATE TABLE survives (note text); INSERT INTO survives VALUES ('kept')");

            first.Signal(AppHostProcess.InterruptSignal);

            Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(60)), first.Output);
            Assert.Equal(0, first.ExitCode);
            await AssertAllGoneAsync(processes, DcpCleanUp);
        }

        using var second = AppHostProcess.Start(_state.Path);
        var again = await second.WaitUntilUpAsync(TimeSpan.FromMinutes(6));
        Assert.DoesNotContain("Creating a new PostgreSQL cluster", second.Output);
        Assert.Equal("kept", await ExecuteAsync(again, "SELECT note FROM survives"));
        second.Signal(PosixSignal.SIGTERM);
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(60)), second.Output);
        await AssertAllGoneAsync(again, DcpCleanUp);
    }

    [Fact]
    public async Task Kill_9_of_the_AppHost_still_leaves_no_orphan()
    {
        using var host = AppHostProcess.Start(_state.Path);
        var processes = await host.WaitUntilUpAsync(TimeSpan.FromMinutes(6));
        AssertTheWholeRun(processes);

        host.Kill();

        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(5)));
        await AssertAllGoneAsync(processes, DcpCleanUp);
    }

    [Fact]
    public async Task A_state_folder_PostgreSQL_cannot_reach_stops_start_up_with_the_fix()
    {
        var privateFolder = Path.Combine(_state.Path, "root-only");
        Directory.CreateDirectory(privateFolder);
        File.SetUnixFileMode(privateFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using var host = AppHostProcess.Start(Path.Combine(privateFolder, "state"));

        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(60)), host.Output);
        Assert.NotEqual(0, host.ExitCode);
        Assert.Contains($"cannot enter {privateFolder}", host.Output);
        Assert.Contains($"chmod o+x {privateFolder}", host.Output);
        Assert.DoesNotContain(host.Processes, p => p.IsAlive);
    }

    static void AssertTheWholeRun(IReadOnlyList<RunProcess> processes)
    {
        foreach (var name in Expected)
        {
            Assert.True(processes.Any(p => p.Name == name), $"no {name} among {string.Join(", ", processes)}");
        }
    }

    static async Task AssertAllGoneAsync(IReadOnlyList<RunProcess> processes, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (processes.Any(p => p.IsAlive) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.Empty(processes.Where(p => p.IsAlive).Select(p => p.ToString()));
    }

    /// <summary>Runs SQL in agentsdb with the connection string the AppHost gave the agents service.</summary>
    static async Task<string?> ExecuteAsync(IReadOnlyList<RunProcess> processes, string sql)
    {
        var agents = processes.First(p => p.Name == "AgentCloud.Agents");
        await using var connection = new NpgsqlConnection(agents.Environment["ConnectionStrings__agentsdb"] + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    public void Dispose() => _state.Dispose();
}
