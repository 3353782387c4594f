using System.Net;
using System.Net.Http.Json;
using AgentCloud.Contracts.Agents;
using AgentCloud.Contracts.Triggers;
using AgentCloud.EventBus.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

public sealed class AgentDeletedTests(TriggersFactory factory) : IClassFixture<TriggersFactory>
{
    [Fact]
    public async Task An_agent_deleted_takes_its_triggers_with_it_and_leaves_the_other_agents_triggers()
    {
        var tenant = new TestTenant(factory);
        var otherAgent = Guid.NewGuid();
        factory.Directory.AddAgent(tenant.TenantId, otherAgent);
        var doomed = await tenant.CreateTimerAsync(new { cron = "0 9 * * *" });
        var alsoDoomed = await tenant.CreateTimerAsync(new { cron = "0 18 * * *" });
        using var created = await tenant.PostAsync(new { system = "timer", options = new { cron = "0 12 * * *" } }, otherAgent);
        var kept = (await created.Content.ReadFromJsonAsync<TriggerDetails>())!;
        // The same agent id in another tenant is another agent.
        var stranger = new TestTenant(factory);
        factory.Directory.AddAgent(stranger.TenantId, tenant.AgentId);
        using var strangers = await stranger.PostAsync(new { system = "timer", options = new { cron = "0 7 * * *" } }, tenant.AgentId);
        var strangersTrigger = (await strangers.Content.ReadFromJsonAsync<TriggerDetails>())!;

        await factory.Services.GetRequiredService<IEventBus>().PublishAsync(
            new AgentDeleted(tenant.AgentId, tenant.UserId) { TenantId = tenant.TenantId.ToString() });

        await TestTenant.EventuallyAsync(async () =>
        {
            using var gone = await tenant.Client.GetAsync($"/triggers/{doomed.TriggerId}");
            return gone.StatusCode == HttpStatusCode.NotFound;
        }, "the agent's trigger to be deleted");
        using (var second = await tenant.Client.GetAsync($"/triggers/{alsoDoomed.TriggerId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
        }
        Assert.True((await tenant.GetAsync(kept.TriggerId)).Active);
        Assert.True((await stranger.GetAsync(strangersTrigger.TriggerId)).Active);
    }
}
