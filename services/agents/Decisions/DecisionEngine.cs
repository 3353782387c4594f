using AgentCloud.Agents.Loop;

namespace AgentCloud.Agents.Decisions;

/// <param name="Reasons">Why the level is above automatic (each rule that raised it), shown to the approver.</param>
public sealed record Decision(string Level, IReadOnlyList<string> Reasons)
{
    public bool IsAutomatic => Level == DecisionLevels.Automatic;
}

/// <summary>Seed 002's decision engine for one proposed tool call: level = max(tool default, policy, rules).</summary>
public static class DecisionEngine
{
    public static Decision Decide(RuntimeTool tool, DecisionPolicy policy, double? confidence, bool firstCredentialUse)
    {
        var level = DecisionLevels.Automatic;
        var reasons = new List<string>();
        void Raise(string to, string reason)
        {
            if (to != DecisionLevels.Automatic)
            {
                level = DecisionLevels.Max(level, to);
                reasons.Add(reason);
            }
        }

        Raise(tool.DefaultLevel, $"the tool's default level is {tool.DefaultLevel}");
        Raise(policy.MinimumLevel, $"the agent's minimum level is {policy.MinimumLevel}");
        if (policy.Actions?.GetValueOrDefault(tool.Name) is { } overridden)
        {
            Raise(overridden, $"the agent's policy sets {tool.Name} to {overridden}");
        }
        if (policy.ApproveCostAbove is { } threshold && tool.TokenCost > threshold)
        {
            Raise(DecisionLevels.ApprovalRequired, $"it costs {tool.TokenCost} tokens, above {threshold}");
        }
        if (policy.ConsultBelowConfidence is { } minimum && confidence is { } given && given < minimum)
        {
            Raise(DecisionLevels.Consultation, $"the model's confidence {given:0} is below {minimum:0}");
        }
        if (policy.ApproveFirstCredentialUse && firstCredentialUse)
        {
            Raise(DecisionLevels.ApprovalRequired, "it is the first use of its credential by this agent");
        }
        return new Decision(level, reasons);
    }
}
