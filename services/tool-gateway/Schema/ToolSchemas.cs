using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Tools;
using Microsoft.Extensions.Caching.Memory;

namespace AgentCloud.ToolGateway.Schema;

/// <summary>
/// Built schemas, so no call builds one: by the schema object (a built-in tool's lives as long as the process) and by
/// the schema's text (an external MCP server's tools are described afresh on every listing; the same text is the same
/// schema for every tenant, since a built schema sees nothing outside itself). The text cache is bounded.
/// </summary>
public static class ToolSchemas
{
    static readonly ConditionalWeakTable<JsonObject, ToolSchema> ByObject = new();
    static readonly MemoryCache ByText = new(new MemoryCacheOptions { SizeLimit = 2_000 });

    public static IReadOnlyList<ToolArgumentProblem> Validate(JsonObject parameters, JsonElement arguments) =>
        For(parameters).Check(arguments);

    /// <exception cref="InvalidToolSchemaException">The schema cannot be used.</exception>
    public static ToolSchema For(JsonObject parameters) =>
        ByObject.TryGetValue(parameters, out var built) ? built : ByObject.GetValue(parameters, ByTextOf);

    static ToolSchema ByTextOf(JsonObject parameters)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(parameters.ToJsonString())));
        return ByText.TryGetValue(key, out ToolSchema? built) ? built!
            : ByText.Set(key, ToolSchema.Build(parameters), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
    }
}
