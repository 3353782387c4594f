using AgentCloud.ToolGateway.Schema;

namespace AgentCloud.ToolGateway.Registry;

/// <summary>Every built-in definition, by key, with the connector that runs it; each schema is built here, once, so a
/// broken one fails the registry (and so every request) rather than a call.</summary>
public sealed class ToolRegistry
{
    readonly Dictionary<string, (ActionDefinition Definition, IToolConnector Connector)> _tools = new(StringComparer.Ordinal);

    public ToolRegistry(IEnumerable<IToolConnector> connectors)
    {
        foreach (var connector in connectors)
        {
            foreach (var definition in connector.Definitions)
            {
                if (!_tools.TryAdd(definition.Key, (definition, connector)))
                {
                    throw new InvalidOperationException($"Tool '{definition.Key}' is registered twice.");
                }
                if (definition.ReadOnly && definition.TokenCost != 0)
                {
                    throw new InvalidOperationException($"Tool '{definition.Key}' is read-only and bills: a hold is an effect.");
                }
                try
                {
                    ToolSchemas.For(definition.Parameters);
                }
                catch (InvalidToolSchemaException e)
                {
                    throw new InvalidOperationException($"Tool '{definition.Key}': {e.Message}", e);
                }
            }
        }
    }

    public IEnumerable<ActionDefinition> Definitions => _tools.Values.Select(t => t.Definition).OrderBy(d => d.Key, StringComparer.Ordinal);

    public bool TryGet(string key, out ActionDefinition definition, out IToolConnector connector)
    {
        var found = _tools.TryGetValue(key, out var tool);
        (definition, connector) = tool;
        return found;
    }
}
