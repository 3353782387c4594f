using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Registry;
using Microsoft.Extensions.Options;

namespace AgentCloud.ToolGateway.Connectors;

/// <summary>Web search in Tavily's shape: <c>POST {base}/search</c> with <c>api_key</c> and <c>query</c> in the JSON
/// body. Credential type <c>tavily</c> (secret = API key).</summary>
public sealed class WebSearchConnector(IHttpClientFactory httpClients, IOptions<ConnectorOptions> options) : IToolConnector
{
    public const string HttpClientName = "tavily";

    public IReadOnlyList<ActionDefinition> Definitions { get; } =
    [
        new("web_search", ActionCategory.External, "Web search", "Searches the web and returns the top results with snippets.",
            ["web:search"], 1, DecisionLevel.Automatic,
            Schemas.Object(new()
            {
                ["query"] = Schemas.String("what to search for", 1, 400),
                ["max_results"] = Schemas.Integer("how many results", 1, 20),
                ["search_depth"] = Schemas.String("basic or advanced", oneOf: ["basic", "advanced"]),
            }, "query"),
            TimeSpan.FromSeconds(20), CredentialType: "tavily", CostOperation: "web_search", EnabledByDefault: false),
    ];

    public async Task<ToolOutcome> ExecuteAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["api_key"] = context.Credential!.Secret,
            ["query"] = context.Argument("query"),
            ["max_results"] = context.Arguments.TryGetProperty("max_results", out var max) ? max.GetInt32() : 5,
            ["search_depth"] = context.Argument("search_depth") ?? "basic",
        };
        using var response = await httpClients.CreateClient(HttpClientName)
            .PostAsJsonAsync($"{options.Value.TavilyBaseUrl.TrimEnd('/')}/search", request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return ToolOutcome.Fail("provider_error", $"The search provider answered {(int)response.StatusCode}.");
        }
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var results = new JsonArray();
        if (body.RootElement.TryGetProperty("results", out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                results.Add(new JsonObject
                {
                    ["title"] = Text(item, "title"), ["url"] = Text(item, "url"), ["content"] = Text(item, "content"),
                    ["score"] = item.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number ? score.GetDouble() : null,
                });
            }
        }
        return ToolOutcome.Ok(new JsonObject { ["query"] = context.Argument("query"), ["answer"] = Text(body.RootElement, "answer"), ["results"] = results });
    }

    static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
