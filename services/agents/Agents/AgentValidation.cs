using System.Text.RegularExpressions;
using AgentCloud.Agents.Apis;
using AgentCloud.Agents.Decisions;
using AgentCloud.Agents.Models;
using AgentCloud.Agents.Runs;
using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.Agents.Agents;

/// <summary>
/// Save-time checks of an agent (every problem at once, as a 400): fields and limits, the instructions template,
/// the model provider, tool keys, the team, and sub-agents (visible, no cycle, nesting within the limit).
/// </summary>
public sealed partial class AgentValidation(
    AgentDefinitions definitions, IAgentChatClientFactory models, Infrastructure.AgentsDbContext db, Microsoft.Extensions.Options.IOptions<RuntimeOptions> options)
{
    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}(__[a-zA-Z0-9_.-]{1,64})?$")]
    private static partial Regex ToolKey();

    public async Task<Validation> CheckAsync(AgentDefinition? agent, Guid? agentId, Caller caller, CancellationToken cancellationToken)
    {
        var check = new Validation();
        if (agent is null)
        {
            return check.Check("body", false, "A JSON body with the agent is required.");
        }
        check.Name("name", agent.Name)
            .Check("description", agent.Description is { Length: <= 2_000 }, "description is at most 2,000 characters.")
            .Check("instructions", agent.Instructions is { Length: > 0 and <= 20_000 }, "instructions are required and at most 20,000 characters.")
            .Check("scope", agent.Scope is AgentScopes.User or AgentScopes.Team, "scope must be 'user' or 'team'.")
            .Check("teamId", agent.TeamId is not { } team || (agent.Scope == AgentScopes.Team && (caller.TeamIds.Contains(team) || caller.IsTenantAdmin)
                && await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Teams, t => t.Id == team, cancellationToken)),
                "teamId must be one of your teams, and only with scope 'team'.")
            .Check("doubleTexting", DoubleTextingPolicies.All.Contains(agent.DoubleTexting ?? ""), "doubleTexting must be enqueue, reject or interrupt.");
        if (agent.Instructions is { Length: > 0 } instructions && InstructionTemplate.Check(instructions) is { Count: > 0 } problems)
        {
            check.Errors["instructions"] = [.. problems];
        }

        var model = agent.ModelSettings;
        check.Check("model.provider", model.Provider is not null && models.Supports(model.Provider), $"model.provider '{model.Provider}' is not configured here.")
            .Check("model.model", model.Model is { Length: > 0 and <= 200 }, "model.model is required (at most 200 characters).")
            .Check("model.temperature", model.Temperature is null or (>= 0 and <= 2), "model.temperature is between 0 and 2.")
            .Check("model.maxOutputTokens", model.MaxOutputTokens is >= 1 and <= 32_768, "model.maxOutputTokens is between 1 and 32,768.")
            .Check("model.contextBudget", model.ContextBudget is >= 1_000 and <= 2_000_000 && model.ContextBudget > model.MaxOutputTokens,
                "model.contextBudget is between 1,000 and 2,000,000 tokens and above maxOutputTokens.")
            .Check("model.historyWindow", model.HistoryWindow is >= 1 and <= 200, "model.historyWindow is between 1 and 200 messages.")
            .Check("model.timezone", model.Timezone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(model.Timezone, out _),
                "model.timezone must be an IANA time zone, e.g. Europe/Paris.");

        var tools = agent.EnabledTools;
        check.Check("tools", tools.Count <= 64, "At most 64 tools.")
            .Check("tools", tools.All(t => t is not null && t.Key is not null && ToolKey().IsMatch(t.Key)), "Each tool needs a key like 'send_email'.")
            .Check("tools", tools.Where(t => t?.Key is not null).Select(t => t.Key).Distinct().Count() == tools.Count, "A tool is listed twice.");

        var policy = agent.Policy;
        check.Check("decisionPolicy.minimumLevel", DecisionLevels.IsKnown(policy.MinimumLevel), $"Levels are: {string.Join(", ", DecisionLevels.All)}.")
            .Check("decisionPolicy.actions", policy.Actions is null || policy.Actions.Values.All(DecisionLevels.IsKnown), $"Levels are: {string.Join(", ", DecisionLevels.All)}.")
            .Check("decisionPolicy.approveCostAbove", policy.ApproveCostAbove is null or >= 0, "approveCostAbove is 0 or more tokens.")
            .Check("decisionPolicy.consultBelowConfidence", policy.ConsultBelowConfidence is null or (>= 0 and <= 100), "consultBelowConfidence is 0 to 100.");

        await CheckSubAgentsAsync(check, agent, agentId, caller, cancellationToken);
        return check;
    }

    async Task CheckSubAgentsAsync(Validation check, AgentDefinition agent, Guid? agentId, Caller caller, CancellationToken cancellationToken)
    {
        var links = agent.SubAgentLinks;
        if (links.Count > 16 || links.Any(l => l is null))
        {
            check.Check("subAgents", false, "At most 16 sub-agents.");
            return;
        }
        var names = new HashSet<string>();
        foreach (var link in links)
        {
            if (await definitions.FindCurrentAsync(caller.TenantId, link.AgentId, cancellationToken) is not { } sub || !AgentAccess.CanSee(caller, sub))
            {
                check.Check("subAgents", false, $"Agent {link.AgentId} does not exist or is not visible to you.");
                return;
            }
            var toolName = Loop.SubAgentTools.ToolName(link, sub.Definition.Name);
            check.Check("subAgents", ToolKey().IsMatch(toolName) && names.Add(toolName) && agent.EnabledTools.All(t => t.Key != toolName),
                $"The tool name '{toolName}' is not valid or is used twice.");
            if (agentId == link.AgentId || (agentId is { } self && await ReachesAsync(sub, self, caller.TenantId, [], cancellationToken)))
            {
                check.Check("subAgents", false, $"Agent {link.AgentId} leads back to this agent: sub-agents may not form a cycle.");
                return;
            }
            var depth = 1 + await DepthAsync(sub, caller.TenantId, [], cancellationToken);
            check.Check("subAgents", depth <= options.Value.MaxSubAgentDepth,
                $"Through {link.AgentId} sub-agents would nest {depth} deep; the limit is {options.Value.MaxSubAgentDepth}.");
        }
    }

    async Task<bool> ReachesAsync(CurrentAgent from, Guid target, Guid tenantId, HashSet<Guid> seen, CancellationToken cancellationToken)
    {
        if (!seen.Add(from.Id))
        {
            return false;
        }
        foreach (var link in from.Definition.SubAgentLinks)
        {
            if (link.AgentId == target
                || (await definitions.FindCurrentAsync(tenantId, link.AgentId, cancellationToken) is { } next && await ReachesAsync(next, target, tenantId, seen, cancellationToken)))
            {
                return true;
            }
        }
        return false;
    }

    async Task<int> DepthAsync(CurrentAgent from, Guid tenantId, HashSet<Guid> path, CancellationToken cancellationToken)
    {
        if (!path.Add(from.Id) || path.Count > 10)
        {
            return path.Count;
        }
        var deepest = 0;
        foreach (var link in from.Definition.SubAgentLinks)
        {
            if (await definitions.FindCurrentAsync(tenantId, link.AgentId, cancellationToken) is { } next)
            {
                deepest = Math.Max(deepest, 1 + await DepthAsync(next, tenantId, [.. path], cancellationToken));
            }
        }
        return deepest;
    }
}
