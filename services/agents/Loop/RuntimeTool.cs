using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace AgentCloud.Agents.Loop;

public enum RuntimeToolKind
{
    /// <summary>Executed by the tool gateway.</summary>
    Gateway,
    /// <summary>remember_fact: stored by the runtime itself.</summary>
    Fact,
    /// <summary>Another agent, run as a nested run.</summary>
    SubAgent,
}

/// <summary>A tool as one agent's model sees it and as the loop executes it.</summary>
public sealed record RuntimeTool(
    string Name,
    string Description,
    JsonElement Parameters,
    RuntimeToolKind Kind,
    string DefaultLevel,
    long TokenCost = 0,
    Guid? CredentialId = null,
    JsonObject? FixedArguments = null,
    Guid? SubAgentId = null)
{
    public AIFunctionDeclaration Declaration { get; } = AIFunctionFactory.CreateDeclaration(Name, Description, Parameters);
}
