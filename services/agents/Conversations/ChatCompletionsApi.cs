using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Runs;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Conversations;

/// <summary>
/// The OpenAI-compatible API, for OpenAI's client libraries and the tools built on them: <c>GET /v1/models</c> lists the
/// caller's agents; <c>POST /v1/chat/completions</c> sends the last (user) message to the agent named by <c>model</c> as
/// a run in a conversation — a new one, or the one named by <c>conversation_id</c> (our extension, returned with every
/// answer) — and answers in the chat.completion shape, or streams chat.completion.chunk events ending <c>data: [DONE]</c>.
/// The agent holds the conversation: earlier messages of the request are not replayed into it, and its own
/// instructions, model settings and tools apply.
/// </summary>
public static class ChatCompletionsApi
{
    public static IEndpointRouteBuilder MapChatCompletionsApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("OpenAI-compatible").RequireUser();
        v1.MapGet("/models", ListModels).WithName("ListModelsV1").WithSummary("Your agents as OpenAI models (id = agent id)");
        v1.MapPost("/chat/completions", CreateChatCompletion).WithName("CreateChatCompletionV1")
            .Accepts<JsonObject>("application/json").Produces<ChatCompletion>()
            .WithSummary("A turn with the agent named by model (id or name); stream: true for Server-Sent Events");
        return app;
    }

    public static async Task<Ok<ModelList>> ListModels([AsParameters] AgentServices agents, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ModelList("list", [.. (await AgentsApi.VisibleAgentsAsync(agents, cancellationToken)).Select(ModelObject.Of)]));

    public static async Task<Results<Ok<ChatCompletion>, ProblemHttpResult, EmptyHttpResult>> CreateChatCompletion(
        JsonObject? body, [AsParameters] AgentServices agents, TurnService turns, RunSignals signals, RunStore store, IOptions<RuntimeOptions> options,
        HttpContext http, CancellationToken cancellationToken)
    {
        var (request, error) = OpenAiErrors.Parse(body);
        if (error is not null)
        {
            return error;
        }
        var agent = await FindAgentAsync(request!.Model, agents, cancellationToken);
        if (agent is null)
        {
            return OpenAiErrors.Problem(StatusCodes.Status404NotFound, $"No agent of yours is called '{request.Model}' (GET /v1/models lists them).",
                param: "model", code: "model_not_found");
        }
        if (agent.Value.Ambiguous)
        {
            return OpenAiErrors.BadRequest("model", $"Several of your agents are called '{request.Model}': name one by its id.");
        }

        var runId = Guid.CreateVersion7();
        Action? unsubscribe = null;
        System.Threading.Channels.ChannelReader<RunStreamEvent?>? tokens = null;
        if (request.Stream)
        {
            tokens = signals.Subscribe(runId, out var stop); // before the run can start, so no token is missed
            unsubscribe = stop;
        }
        try
        {
            var start = await turns.StartAsync(agents.Caller,
                new TurnRequest(agent.Value.Agent!.Id, request.ConversationId, null, request.Message, null, "api", runId), cancellationToken);
            switch (start.Outcome)
            {
                case TurnOutcome.NotFound:
                    return OpenAiErrors.Problem(StatusCodes.Status404NotFound, "No such conversation of yours with this agent.", param: "conversation_id",
                        code: "conversation_not_found");
                case TurnOutcome.Conflict:
                    return OpenAiErrors.Problem(StatusCodes.Status409Conflict,
                        "A run is already active in this conversation and its agent rejects new messages meanwhile.", code: "conversation_busy");
            }
            var waiting = turns.WaitAsync(runId, start.Stopped, options.Value.ChatWaitTimeout, cancellationToken);
            if (tokens is null)
            {
                var result = await waiting;
                if (result is { Status: not (RunStatuses.Completed or RunStatuses.RequiresApproval) })
                {
                    return Failure(runId, start.SessionId, result);
                }
                return TypedResults.Ok(await CompletionAsync(request, runId, start.SessionId, result, store, cancellationToken));
            }
            await StreamAsync(http, request, runId, start.SessionId, tokens, waiting, store, cancellationToken);
            return TypedResults.Empty;
        }
        finally
        {
            unsubscribe?.Invoke();
        }
    }

    static async Task<(CurrentAgent? Agent, bool Ambiguous)?> FindAgentAsync(string model, AgentServices agents, CancellationToken cancellationToken)
    {
        var caller = agents.Caller;
        if (Guid.TryParse(model, out var id))
        {
            var byId = await agents.Definitions.FindCurrentAsync(caller.TenantId, id, cancellationToken);
            return byId is not null && AgentAccess.CanSee(caller, byId) ? (byId, false) : null;
        }
        var named = (await AgentsApi.VisibleAgentsAsync(agents, cancellationToken)).Where(a => a.Definition.Name == model).Take(2).ToList();
        return named.Count == 0 ? null : (named[0], named.Count > 1);
    }

    static ProblemHttpResult Failure(Guid runId, Guid sessionId, TurnResult result) =>
        OpenAiErrors.Problem(TurnResponses.StatusCodeOf(result.ErrorCode), result.ErrorMessage ?? "The run did not complete.", type: "run_failed",
            code: result.ErrorCode ?? result.Status, extensions: new() { ["runId"] = runId, ["sessionId"] = sessionId, ["status"] = result.Status });

    /// <summary>The turn's answer; a run still going (or waiting for a person) answers with where to follow it.</summary>
    static async Task<ChatCompletion> CompletionAsync(CompletionRequest request, Guid runId, Guid sessionId, TurnResult? result, RunStore store,
        CancellationToken cancellationToken)
    {
        var run = await store.ReadStatusAsync(runId, cancellationToken);
        var content = result?.Status == RunStatuses.Completed ? result.Response
            : result?.Status == RunStatuses.RequiresApproval ? $"This turn waits for a person's approval; follow it at /runs/{runId}."
            : $"This turn is still running; follow it at /runs/{runId}.";
        return new ChatCompletion($"chatcmpl-{runId:N}", "chat.completion", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), request.Model,
            [new CompletionChoice(0, new CompletionMessage("assistant", content), "stop")], Usage(run), sessionId, runId, result?.Status ?? run.Status,
            run.UsingStub, result?.ToolCalls ?? []);
    }

    static CompletionUsage Usage(RunStatusRow run) => new(run.InputTokens, run.OutputTokens, run.InputTokens + run.OutputTokens);

    /// <summary>
    /// Server-Sent Events: the model's text as it is produced (each model call of the turn, separated by a blank line:
    /// what the agent says before a tool call is part of the turn), then the final chunk, usage if asked, and [DONE]. A
    /// run executed on another replica streams no tokens: its answer comes as one chunk. A run that fails sends
    /// OpenAI's error object as its last event.
    /// </summary>
    static async Task StreamAsync(HttpContext http, CompletionRequest request, Guid runId, Guid sessionId,
        System.Threading.Channels.ChannelReader<RunStreamEvent?> tokens, Task<TurnResult?> waiting, RunStore store, CancellationToken cancellationToken)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var id = $"chatcmpl-{runId:N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Task Send(object chunk) => WriteAsync(http, JsonSerializer.Serialize(chunk), cancellationToken);
        object Chunk(JsonObject delta, string? finish) => new
        {
            id, @object = "chat.completion.chunk", created, model = request.Model,
            choices = new[] { new { index = 0, delta, finish_reason = finish } },
            conversation_id = sessionId, run_id = runId,
        };

        await Send(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));
        string? call = null;
        var streamed = false;
        while (!waiting.IsCompleted)
        {
            await Task.WhenAny(waiting, tokens.WaitToReadAsync(cancellationToken).AsTask());
            while (tokens.TryRead(out var token))
            {
                if (token is not { Type: "token" } || token.Data["text"] is not JsonValue text)
                {
                    continue;
                }
                var callOfToken = token.Id.Split('.')[0];
                var separator = call is not null && call != callOfToken ? "\n\n" : "";
                call = callOfToken;
                streamed = true;
                await Send(Chunk(new JsonObject { ["content"] = separator + text.GetValue<string>() }, null));
            }
        }
        var result = await waiting;
        if (result is { Status: not (RunStatuses.Completed or RunStatuses.RequiresApproval) })
        {
            await Send(new
            {
                error = new { message = result.ErrorMessage ?? "The run did not complete.", type = "run_failed", param = (string?)null, code = result.ErrorCode },
                run_id = runId,
            });
            await WriteAsync(http, "[DONE]", cancellationToken);
            return;
        }
        var completion = await CompletionAsync(request, runId, sessionId, result, store, cancellationToken);
        if (!streamed || result?.Status != RunStatuses.Completed)
        {
            await Send(Chunk(new JsonObject { ["content"] = completion.Choices[0].Message.Content }, null));
        }
        await Send(Chunk(new JsonObject(), "stop"));
        if (request.IncludeUsage)
        {
            await Send(new
            {
                id, @object = "chat.completion.chunk", created, model = request.Model, choices = Array.Empty<object>(), usage = completion.Usage,
                conversation_id = sessionId, run_id = runId, using_stub = completion.UsingStub, status = completion.Status,
            });
        }
        await WriteAsync(http, "[DONE]", cancellationToken);
    }

    static async Task WriteAsync(HttpContext http, string data, CancellationToken cancellationToken)
    {
        await http.Response.WriteAsync($"data: {data}\n\n", cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
