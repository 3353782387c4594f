using System.Net;
using System.Net.Http.Headers;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

public sealed class RunStreamTests(RuntimeFactory factory) : IClassFixture<RuntimeFactory>
{
    [Fact]
    public async Task The_stream_replays_steps_after_Last_Event_ID_and_ends_with_the_final_status()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, ScriptedChatClient.ToolsThenReply(("current_time", new { })), ["current_time"]);
        var turn = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "time?", agentId: agentId), HttpStatusCode.OK);
        var runId = turn.GetProperty("run_id").GetGuid();

        var all = await ReadStreamAsync(runId, null);
        Assert.Equal(["1 step", "2 step", "3 step", "3.s status"], all);

        var resumed = await ReadStreamAsync(runId, "1");
        Assert.Equal(["2 step", "3 step", "3.s status"], resumed);

        var stranger = factory.CreateClient(AgentCloud.Testing.TestTokens.Admin(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/runs/{runId}/stream")).StatusCode);

        async Task<List<string>> ReadStreamAsync(Guid id, string? lastEventId)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/runs/{id}/stream");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }
            using var response = await tenant.Owner.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            var text = await response.Content.ReadAsStringAsync();
            return [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e =>
            {
                var lines = e.Split('\n');
                return $"{lines.First(l => l.StartsWith("id: "))[4..]} {lines.First(l => l.StartsWith("event: "))[7..]}";
            })];
        }
    }
}
