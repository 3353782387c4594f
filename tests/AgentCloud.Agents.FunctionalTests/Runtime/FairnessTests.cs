using System.Diagnostics;
using System.Net;
using Npgsql;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

/// <summary>One replica with two worker slots and a per-tenant cap of two.</summary>
public sealed class FairnessFactory : RuntimeFactory
{
    public FairnessFactory()
    {
        WithSetting("Runtime:WorkerSlots", "2");
        WithSetting("Runtime:MaxConcurrentRunsPerTenant", "2");
    }
}

public sealed class FairnessTests(FairnessFactory factory) : IClassFixture<FairnessFactory>
{
    [Fact]
    public async Task A_second_tenants_run_starts_while_the_first_has_hundreds_queued()
    {
        var busy = await TestDirectory.SignUpAsync(factory);
        var other = await TestDirectory.SignUpAsync(factory);
        var slow = new ScriptedChatClient((m, _) => ScriptedChatClient.Reply("done")) { Delay = TimeSpan.FromSeconds(1) };
        var busyAgent = await factory.CreateScriptedAgentAsync(busy.Owner, slow, []);
        var otherAgent = await factory.CreateScriptedAgentAsync(other.Owner, new ScriptedChatClient((m, _) => ScriptedChatClient.Reply("done")), []);
        for (var i = 0; i < 300; i++)
        {
            using var queued = await RuntimeFactory.ChatAsync(busy.Owner, busy.OwnerId, $"job {i}", agentId: busyAgent, async: true);
            Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        }

        var started = Stopwatch.StartNew();
        using var response = await RuntimeFactory.ChatAsync(other.Owner, other.OwnerId, "me too", agentId: otherAgent);
        started.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"the second tenant waited {started.Elapsed}");
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM runs WHERE tenant_id = $1 AND status = 'queued'", connection)
        {
            Parameters = { new() { Value = busy.TenantId } },
        };
        var stillQueued = (long)(await count.ExecuteScalarAsync())!;
        Assert.True(stillQueued >= 200, $"only {stillQueued} of the first tenant's runs were still queued");
        await using var running = new NpgsqlCommand("SELECT count(*) FROM runs WHERE tenant_id = $1 AND status = 'running'", connection)
        {
            Parameters = { new() { Value = busy.TenantId } },
        };
        Assert.True((long)(await running.ExecuteScalarAsync())! <= 2);
    }
}
