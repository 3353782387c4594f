using System.Text;
using System.Text.RegularExpressions;

namespace AgentCloud.Agents.Agents;

/// <summary>
/// Instructions are templates (seed 000): <c>{{user.name}}</c>, <c>{{now}}</c>, <c>{{facts}}</c> ... are filled per
/// run. An unknown or malformed placeholder is an error when the agent is saved, never when it runs.
/// </summary>
public static partial class InstructionTemplate
{
    public static readonly IReadOnlyList<string> Placeholders =
    [
        "user.id", "user.name", "user.email", "tenant.id", "tenant.name", "location.id", "location.name",
        "agent.name", "conversation.id", "now", "now.date", "now.time", "timezone", "facts", "summary",
    ];

    [GeneratedRegex(@"\{\{\s*([^{}]*?)\s*\}\}")]
    private static partial Regex Placeholder();

    /// <summary>Every problem of the template; empty when it is valid.</summary>
    public static List<string> Check(string template)
    {
        var problems = new List<string>();
        foreach (Match match in Placeholder().Matches(template))
        {
            var name = match.Groups[1].Value;
            if (!Placeholders.Contains(name))
            {
                problems.Add($"Unknown placeholder '{{{{{name}}}}}' at position {match.Index}; known: {string.Join(", ", Placeholders)}.");
            }
        }
        var rest = Placeholder().Replace(template, "");
        var stray = rest.IndexOf("{{", StringComparison.Ordinal) is var open and >= 0 ? open : rest.IndexOf("}}", StringComparison.Ordinal);
        if (stray >= 0)
        {
            problems.Add("Unbalanced '{{' or '}}' in the instructions: placeholders look like {{user.name}}.");
        }
        return problems;
    }

    /// <summary>Fills the placeholders of a template that passed <see cref="Check"/>.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder().Replace(template, match => values.GetValueOrDefault(match.Groups[1].Value, ""));

    public static bool Mentions(string template, string placeholder) =>
        Placeholder().Matches(template).Any(m => m.Groups[1].Value == placeholder);

    /// <summary>Appends a titled section (facts, summary) when the template did not place it itself.</summary>
    public static void AppendSection(StringBuilder prompt, string title, string body)
    {
        if (body.Length > 0)
        {
            prompt.Append("\n\n").Append(title).Append('\n').Append(body);
        }
    }
}
