using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AgentCloud.Triggers.Systems;

/// <summary>
/// The part of JSONPath polling needs: <c>$</c> (the document), then <c>.name</c> or <c>['name']</c> and <c>[index]</c>
/// steps, e.g. <c>$.data.items</c> or <c>$.results[0].rows</c>; the leading <c>$.</c> may be left out.
/// </summary>
public sealed partial class JsonPath
{
    readonly IReadOnlyList<object> _steps;

    JsonPath(IReadOnlyList<object> steps, string text) => (_steps, Text) = (steps, text);

    public string Text { get; }

    public static JsonPath? Parse(string text)
    {
        var rest = text.StartsWith('$') ? text[1..] : "." + text;
        var steps = new List<object>();
        while (rest.Length > 0)
        {
            var match = Step().Match(rest);
            if (!match.Success)
            {
                return null;
            }
            steps.Add(match.Groups["name"].Success ? match.Groups["name"].Value
                : match.Groups["quoted"].Success ? match.Groups["quoted"].Value
                : int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture));
            rest = rest[match.Length..];
        }
        return new JsonPath(steps, text);
    }

    /// <summary>The element at the path, or null when a step does not exist.</summary>
    public JsonElement? Select(JsonElement root)
    {
        var current = root;
        foreach (var step in _steps)
        {
            if (step is string name && current.ValueKind == JsonValueKind.Object && current.TryGetProperty(name, out var child))
            {
                current = child;
            }
            else if (step is int index && current.ValueKind == JsonValueKind.Array && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }
        return current;
    }

    [GeneratedRegex(@"^(?:\.(?<name>[A-Za-z_][A-Za-z0-9_\-]*)|\['(?<quoted>[^']+)'\]|\[(?<index>\d{1,6})\])")]
    private static partial Regex Step();
}
