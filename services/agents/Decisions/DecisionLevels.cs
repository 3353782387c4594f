namespace AgentCloud.Agents.Decisions;

/// <summary>Seed 002's decision levels, in rising order of human involvement.</summary>
public static class DecisionLevels
{
    public const string Automatic = "automatic";
    public const string Suggestion = "suggestion";
    public const string Consultation = "consultation";
    public const string ApprovalRequired = "approval_required";

    public static readonly IReadOnlyList<string> All = [Automatic, Suggestion, Consultation, ApprovalRequired];

    public static bool IsKnown(string? level) => level is not null && All.Contains(level);

    public static string Max(string a, string b) => Rank(a) >= Rank(b) ? a : b;

    static int Rank(string level) => All.ToList().IndexOf(level);
}

/// <summary>
/// An agent's decision policy. The level of a proposed tool call is the highest of: the tool's own default (the
/// gateway catalog's <c>defaultDecisionLevel</c>; <c>approval_required</c> when the tool requires approval),
/// <see cref="MinimumLevel"/>, <see cref="Actions"/>[tool] (per-action override), and the rules: the tool costs more
/// than <see cref="ApproveCostAbove"/> tokens → approval_required; the model's confidence (0–100) is below
/// <see cref="ConsultBelowConfidence"/> → consultation; the call uses a credential this agent never used before and
/// <see cref="ApproveFirstCredentialUse"/> → approval_required. Anything but automatic pauses the run.
/// </summary>
public sealed record DecisionPolicy(
    string MinimumLevel = DecisionLevels.Automatic,
    IReadOnlyDictionary<string, string>? Actions = null,
    long? ApproveCostAbove = 10,
    double? ConsultBelowConfidence = 60,
    bool ApproveFirstCredentialUse = true);
