using System.Collections.Concurrent;
using System.Text.Json;
using AgentCloud.Contracts.Triggers;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>
/// A STAND-IN for the triggers routes the reminder tools call (the real service's side of them is tested in
/// tests/AgentCloud.Triggers.FunctionalTests, with the same contract records): create, list with filters, get and
/// delete, only to the gateway's service token naming tenant_id and user_id, answering <see cref="TriggerDetails"/>.
/// </summary>
public sealed class StandInTriggers : IAsyncDisposable
{
    readonly WebApplication _app;

    StandInTriggers(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public ConcurrentDictionary<Guid, TriggerDetails> Triggers { get; } = new();

    public static async Task<StandInTriggers> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var triggers = new StandInTriggers(builder.Build());
        triggers.Map();
        await triggers._app.StartAsync();
        triggers.BaseUrl = triggers._app.Urls.First();
        return triggers;
    }

    void Map()
    {
        var api = _app.MapGroup("").AddEndpointFilter(async (context, next) =>
            TestTokens.CallingService(context.HttpContext.Request) == "tool-gateway"
            && Guid.TryParse(context.HttpContext.Request.Query["tenant_id"], out _) && Guid.TryParse(context.HttpContext.Request.Query["user_id"], out _)
                ? await next(context) : Results.Unauthorized());
        api.MapPost("/agent/{agentId:guid}/trigger", (Guid agentId, TriggerRequest request, HttpContext http) =>
        {
            var options = request.Options!.Value;
            if (!DateTimeOffset.TryParse(options.GetProperty("at").GetString(), out var at) || at < DateTimeOffset.UtcNow.AddMinutes(-1))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["options.at"] = ["at is in the past."] });
            }
            var now = DateTimeOffset.UtcNow;
            var trigger = new TriggerDetails(Guid.CreateVersion7(), Query(http, "tenant_id"), agentId, Query(http, "user_id"), request.System!, null,
                options, request.Active ?? true, request.ConversationId, now, now, null, at, null, null);
            Triggers[trigger.TriggerId] = trigger;
            return Results.Created($"/triggers/{trigger.TriggerId}", trigger);
        });
        api.MapGet("/agent/{agentId:guid}/triggers", (Guid agentId, HttpContext http) => Results.Ok(new TriggerList([.. Triggers.Values
            .Where(t => t.TenantId == Query(http, "tenant_id") && t.AgentId == agentId && t.UserId == Query(http, "user_id") && t.CompletedAt is null
                && t.Options.TryGetProperty("reminder", out _))
            .OrderBy(t => t.TriggerId)])));
        api.MapGet("/triggers/{id:guid}", (Guid id, HttpContext http) =>
            Triggers.TryGetValue(id, out var t) && t.TenantId == Query(http, "tenant_id") ? Results.Ok(t) : Results.NotFound());
        api.MapDelete("/triggers/{id:guid}", (Guid id, HttpContext http) =>
            Triggers.TryGetValue(id, out var t) && t.TenantId == Query(http, "tenant_id") && Triggers.TryRemove(id, out _)
                ? Results.NoContent() : Results.NotFound());
    }

    static Guid Query(HttpContext http, string name) => Guid.Parse(http.Request.Query[name].ToString());

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
