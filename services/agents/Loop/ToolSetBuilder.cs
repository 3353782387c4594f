using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Decisions;
using AgentCloud.Agents.Memory;

namespace AgentCloud.Agents.Loop;

/// <summary>
/// The tools one agent's model is offered: its enabled catalog tools that the gateway lists for the tenant (a key the
/// catalog does not have is left out: e.g. reminders before the triggers service lists them), <c>remember_fact</c>,
/// and its sub-agents. Fixed arguments are removed from the schema the model sees.
/// </summary>
public sealed class ToolSetBuilder(ToolCatalog catalog, AgentDefinitions definitions)
{
    readonly ConcurrentDictionary<(Guid Agent, int Version, IReadOnlyDictionary<string, CatalogTool> Catalog), IReadOnlyDictionary<string, RuntimeTool>> _cache = new();

    public async ValueTask<IReadOnlyDictionary<string, RuntimeTool>> BuildAsync(Guid tenantId, Guid agentId, int version, AgentDefinition agent,
        CancellationToken cancellationToken)
    {
        var gateway = agent.EnabledTools.Any(t => t.Key != RememberFactTool.Name) ? await catalog.GetAsync(tenantId, cancellationToken) : Empty;
        if (_cache.TryGetValue((agentId, version, gateway), out var cached))
        {
            return cached;
        }
        var tools = new Dictionary<string, RuntimeTool>();
        foreach (var enabled in agent.EnabledTools)
        {
            if (enabled.Key == RememberFactTool.Name)
            {
                tools[RememberFactTool.Name] = RememberFactTool.Definition;
            }
            else if (gateway.TryGetValue(enabled.Key, out var entry))
            {
                tools[enabled.Key] = new RuntimeTool(enabled.Key, entry.Description, WithoutFixed(entry.Tool.Function.Parameters, enabled.Arguments),
                    RuntimeToolKind.Gateway, entry.RequiresApproval ? DecisionLevels.ApprovalRequired : entry.DefaultDecisionLevel,
                    entry.TokenCost, enabled.CredentialId, enabled.Arguments);
            }
        }
        foreach (var link in agent.SubAgentLinks)
        {
            if (await definitions.FindCurrentAsync(tenantId, link.AgentId, cancellationToken) is { } sub)
            {
                var name = SubAgentTools.ToolName(link, sub.Definition.Name);
                tools[name] = new RuntimeTool(name, link.Description ?? $"Ask the agent '{sub.Definition.Name}': {sub.Definition.Description}",
                    SubAgentTools.Parameters, RuntimeToolKind.SubAgent, DecisionLevels.Automatic, SubAgentId: link.AgentId);
            }
        }
        if (_cache.Count > 10_000)
        {
            _cache.Clear(); // entries of refreshed catalogs and old versions are never asked for again
        }
        return _cache[(agentId, version, gateway)] = tools;
    }

    static readonly IReadOnlyDictionary<string, CatalogTool> Empty = new Dictionary<string, CatalogTool>();

    static JsonElement WithoutFixed(JsonElement schema, JsonObject? fixedArguments)
    {
        if (fixedArguments is not { Count: > 0 } || JsonNode.Parse(schema.GetRawText()) is not JsonObject copy)
        {
            return schema;
        }
        foreach (var (name, _) in fixedArguments)
        {
            (copy["properties"] as JsonObject)?.Remove(name);
            if (copy["required"] is JsonArray required && required.FirstOrDefault(r => r?.GetValue<string>() == name) is { } entry)
            {
                required.Remove(entry);
            }
        }
        return JsonSerializer.SerializeToElement(copy);
    }
}

public static class SubAgentTools
{
    public static readonly JsonElement Parameters = JsonSerializer.SerializeToElement(new
    {
        type = "object",
        properties = new { request = new { type = "string", description = "What to ask the agent, in full sentences.", maxLength = 10_000 } },
        required = new[] { "request" },
    });

    public static string ToolName(SubAgentLink link, string agentName)
    {
        if (link.ToolName is { Length: > 0 } named)
        {
            return named;
        }
        var slug = new string([.. agentName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]).Trim('_');
        return $"ask_{(slug.Length == 0 ? link.AgentId.ToString("N")[..8] : slug[..Math.Min(slug.Length, 40)])}";
    }
}
