using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentCloud.Agents.FunctionalTests.Models;

/// <summary>What the local server answers to one request.</summary>
public abstract record ProviderReply
{
    /// <summary>An assistant message: text, or tool calls (name, JSON arguments); usage as the provider reports it.</summary>
    public sealed record Answer(string? Text, (string Name, string Arguments)[]? Calls = null, int PromptTokens = 11, int CompletionTokens = 5) : ProviderReply;

    /// <summary>An error status with the OpenAI error body.</summary>
    public sealed record Error(int Status, string Message = "Server error") : ProviderReply;

    /// <summary>No answer at all (until the client gives up).</summary>
    public sealed record Hang : ProviderReply;

    /// <summary>A streamed answer that sends its first chunk, then nothing more.</summary>
    public sealed record Stall(string FirstText) : ProviderReply;
}

/// <summary>
/// A LOCAL server speaking OpenAI Chat Completions (<c>POST /v1/chat/completions</c>) on Kestrel over real HTTP: plain
/// JSON answers, or Server-Sent Events chunks (text in pieces, tool calls with their arguments in pieces, a last chunk
/// with usage, <c>data: [DONE]</c>) when the request says <c>stream: true</c>. The request's <c>model</c> picks the
/// script, so tests can share one server; every request is kept.
/// </summary>
public sealed class ChatCompletionsServer : IAsyncDisposable
{
    readonly WebApplication _app;

    ChatCompletionsServer(WebApplication app) => _app = app;

    /// <summary>The base URL a tenant configures (…/v1).</summary>
    public string Endpoint { get; private set; } = "";

    public ConcurrentDictionary<string, Func<JsonObject, int, ProviderReply>> Scripts { get; } = new();

    /// <summary>Every request: model, body, Authorization header.</summary>
    public ConcurrentQueue<(string Model, JsonObject Body, string? Authorization)> Requests { get; } = new();

    public static async Task<ChatCompletionsServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new ChatCompletionsServer(builder.Build());
        server._app.MapPost("/v1/chat/completions", server.CompleteAsync);
        await server._app.StartAsync();
        server.Endpoint = server._app.Urls.First() + "/v1";
        return server;
    }

    /// <summary>A fresh model name answering with <paramref name="script"/> (request body, attempt number from 1).</summary>
    public string Use(Func<JsonObject, int, ProviderReply> script)
    {
        var model = $"model-{Guid.NewGuid():N}";
        Scripts[model] = script;
        return model;
    }

    public int RequestsFor(string model) => Requests.Count(r => r.Model == model);

    async Task CompleteAsync(HttpContext http)
    {
        var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
        var model = (string)body["model"]!;
        Requests.Enqueue((model, body, http.Request.Headers.Authorization));
        var reply = Scripts[model](body, RequestsFor(model));
        switch (reply)
        {
            case ProviderReply.Hang:
                await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case ProviderReply.Stall stall:
                http.Response.ContentType = "text/event-stream";
                await http.Response.WriteAsync($"data: {Chunk(model, new JsonObject { ["role"] = "assistant", ["content"] = stall.FirstText }, null).ToJsonString()}\n\n");
                await http.Response.Body.FlushAsync();
                await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case ProviderReply.Error error:
                http.Response.StatusCode = error.Status;
                if (error.Status == 429)
                {
                    http.Response.Headers.RetryAfter = "0";
                }
                await http.Response.WriteAsJsonAsync(new { error = new { message = error.Message, type = "server_error", code = (string?)null } });
                return;
            case ProviderReply.Answer answer when (bool?)body["stream"] == true:
                await StreamAsync(http, model, answer);
                return;
            case ProviderReply.Answer answer:
                await http.Response.WriteAsJsonAsync(new JsonObject
                {
                    ["id"] = "chatcmpl-local", ["object"] = "chat.completion", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["model"] = model,
                    ["choices"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0,
                        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer.Text, ["tool_calls"] = ToolCalls(answer) },
                        ["finish_reason"] = answer.Calls is { Length: > 0 } ? "tool_calls" : "stop",
                    }),
                    ["usage"] = Usage(answer),
                });
                return;
        }
    }

    static async Task StreamAsync(HttpContext http, string model, ProviderReply.Answer answer)
    {
        http.Response.ContentType = "text/event-stream";
        async Task Send(JsonObject delta, string? finish, JsonObject? usage = null)
        {
            await http.Response.WriteAsync($"data: {Chunk(model, delta, finish, usage).ToJsonString()}\n\n", Encoding.UTF8);
            await http.Response.Body.FlushAsync();
        }
        await Send(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null);
        foreach (var piece in Pieces(answer.Text ?? ""))
        {
            await Send(new JsonObject { ["content"] = piece }, null);
        }
        for (var i = 0; i < (answer.Calls?.Length ?? 0); i++)
        {
            var (name, arguments) = answer.Calls![i];
            await Send(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = i, ["id"] = $"call_{i}_{Guid.NewGuid():N}", ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = "" },
                }),
            }, null);
            foreach (var piece in Pieces(arguments))
            {
                await Send(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = i, ["function"] = new JsonObject { ["arguments"] = piece } }) }, null);
            }
        }
        await Send(new JsonObject(), answer.Calls is { Length: > 0 } ? "tool_calls" : "stop");
        await Send(new JsonObject(), null, Usage(answer));
        await http.Response.WriteAsync("data: [DONE]\n\n");
    }

    static JsonObject Chunk(string model, JsonObject delta, string? finish, JsonObject? usage = null)
    {
        var chunk = new JsonObject
        {
            ["id"] = "chatcmpl-local", ["object"] = "chat.completion.chunk", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["model"] = model,
            ["choices"] = usage is null ? new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }) : new JsonArray(),
        };
        if (usage is not null)
        {
            chunk["usage"] = usage;
        }
        return chunk;
    }

    static IEnumerable<string> Pieces(string text)
    {
        for (var i = 0; i < text.Length; i += 4)
        {
            yield return text.Substring(i, Math.Min(4, text.Length - i));
        }
    }

    static JsonArray? ToolCalls(ProviderReply.Answer answer) => answer.Calls is not { Length: > 0 } calls ? null
        : new JsonArray([.. calls.Select((c, i) => (JsonNode)new JsonObject
        {
            ["id"] = $"call_{i}_{Guid.NewGuid():N}", ["type"] = "function", ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
        })]);

    static JsonObject Usage(ProviderReply.Answer answer) => new()
    {
        ["prompt_tokens"] = answer.PromptTokens, ["completion_tokens"] = answer.CompletionTokens, ["total_tokens"] = answer.PromptTokens + answer.CompletionTokens,
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
