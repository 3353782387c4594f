using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentCloud.Contracts.Tools;
using Json.Pointer;
using Json.Schema;

namespace AgentCloud.ToolGateway.Schema;

/// <summary>
/// JsonSchema.Net's list output in our words, one problem per failing keyword at the argument's path: each missing
/// required property at its own path, one line for a failed <c>anyOf</c>/<c>oneOf</c>/<c>not</c> (what failed inside
/// its branches is not for the caller to fix one by one), never the library's output as such.
/// The library's message templates are process-wide; here they carry each keyword's values as JSON, which
/// <see cref="Word"/> turns into a sentence. A keyword not worded here keeps the library's own message.
/// </summary>
static partial class SchemaProblems
{
    static readonly Dictionary<string, Func<JsonObject, string>> Wording = new()
    {
        ["type"] = v => $"must be of type {string.Join(" or ", Text(v["expected"]).Split(", "))}, not {Text(v["received"])}",
        ["format"] = v => $"must be a valid {Text(v["format"])}",
        ["enum"] = v => $"must be one of {string.Join(", ", v["values"]!.AsArray().Select(Json))}",
        ["const"] = v => $"must be {Text(v["value"])}",
        ["pattern"] = v => $"must match the pattern {Text(v["pattern"])}",
        ["minLength"] = v => $"must be at least {v["limit"]} characters long",
        ["maxLength"] = v => $"must be at most {v["limit"]} characters long",
        ["minimum"] = v => $"must be at least {v["limit"]}",
        ["maximum"] = v => $"must be at most {v["limit"]}",
        ["exclusiveMinimum"] = v => $"must be greater than {v["limit"]}",
        ["exclusiveMaximum"] = v => $"must be less than {v["limit"]}",
        ["multipleOf"] = v => $"must be a multiple of {v["divisor"]}",
        ["minItems"] = v => $"must have at least {v["limit"]} items",
        ["maxItems"] = v => $"must have at most {v["limit"]} items",
        ["minProperties"] = v => $"must have at least {v["limit"]} properties",
        ["maxProperties"] = v => $"must have at most {v["limit"]} properties",
        ["uniqueItems"] = _ => "must not contain the same item twice",
        ["contains"] = v => v["minimum"] is { } least ? $"must contain at least {least} matching item(s)" : $"must contain at most {v["maximum"]} matching item(s)",
    };

    /// <summary>The evaluation options, with the library's templates set to carry values (once, before any evaluation).</summary>
    public static EvaluationOptions EvaluationOptions()
    {
        ErrorMessages.Type = """{"expected":[[expected]],"received":[[received]]}""";
        ErrorMessages.Format = """{"format":[[format]]}""";
        ErrorMessages.FormatWithDetail = """{"format":[[format]]}""";
        ErrorMessages.Enum = """{"values":[[values]]}""";
        ErrorMessages.Const = """{"value":[[value]]}""";
        ErrorMessages.Pattern = """{"pattern":[[pattern]]}""";
        ErrorMessages.MinLength = ErrorMessages.MaxLength = ErrorMessages.Minimum = ErrorMessages.Maximum = ErrorMessages.ExclusiveMinimum
            = ErrorMessages.ExclusiveMaximum = ErrorMessages.MinItems = ErrorMessages.MaxItems = ErrorMessages.MinProperties
            = ErrorMessages.MaxProperties = """{"limit":[[limit]]}""";
        ErrorMessages.MultipleOf = """{"divisor":[[divisor]]}""";
        ErrorMessages.UniqueItems = "{}";
        ErrorMessages.ContainsTooFew = """{"minimum":[[minimum]]}""";
        ErrorMessages.ContainsTooMany = """{"maximum":[[maximum]]}""";
        ErrorMessages.Required = """{"missing":[[missing]]}""";
        return new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true, Culture = CultureInfo.InvariantCulture };
    }

    public static IReadOnlyList<ToolArgumentProblem> From(EvaluationResults results, JsonElement arguments)
    {
        var nodes = results.Details ?? [results];
        var byLocation = nodes.ToLookup(n => (Evaluation: n.EvaluationPath.ToString(), Instance: n.InstanceLocation.ToString()));
        var problems = new List<ToolArgumentProblem>();
        foreach (var node in nodes.Where(n => !n.IsValid && !InsideBranch(n.EvaluationPath)))
        {
            var path = Path(arguments, node.InstanceLocation);
            foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
            {
                if (keyword == "required" && Values(message)?["missing"] is JsonArray missing)
                {
                    problems.AddRange(missing.Select(name => new ToolArgumentProblem(Path(arguments, node.InstanceLocation, (string)name!), "is required")));
                }
                else
                {
                    problems.Add(new(path, keyword.Length == 0 ? NotAllowed(node.EvaluationPath) : Word(keyword, message)));
                }
            }
            if (FailedBranches(node, byLocation) is { } failed)
            {
                problems.Add(new(path, failed));
            }
        }
        return [.. problems.Distinct()];
    }

    static string Word(string keyword, string message) =>
        Wording.TryGetValue(keyword, out var word) && Values(message) is { } values ? word(values) : message;

    static JsonObject? Values(string message)
    {
        try
        {
            return JsonNode.Parse(message) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A false schema (nothing allowed) says where by the keyword that led to it.</summary>
    static string NotAllowed(JsonPointer evaluationPath) =>
        (evaluationPath.SegmentCount == 0 ? "" : evaluationPath[evaluationPath.SegmentCount - 1].ToString()) switch
        {
            "additionalProperties" or "unevaluatedProperties" => "is not an allowed property",
            "items" or "additionalItems" or "unevaluatedItems" or "prefixItems" => "is not an allowed item",
            "propertyNames" => "is not an allowed property name",
            _ => "is not allowed",
        };

    /// <summary>The summary of an <c>anyOf</c>/<c>oneOf</c>/<c>not</c> of this node that failed, from its branches' results.</summary>
    static string? FailedBranches(EvaluationResults node, ILookup<(string Evaluation, string Instance), EvaluationResults> byLocation)
    {
        var (evaluation, instance) = (node.EvaluationPath.ToString(), node.InstanceLocation.ToString());
        List<bool> Branches(string keyword) =>
            [.. Enumerable.Range(0, 1000).Select(i => byLocation[($"{evaluation}/{keyword}/{i}", instance)].ToList())
                .TakeWhile(b => b.Count > 0).Select(b => b.All(r => r.IsValid))];
        var anyOf = Branches("anyOf");
        if (anyOf.Count > 0 && !anyOf.Contains(true))
        {
            return $"must match at least one of the {anyOf.Count} allowed schemas (anyOf)";
        }
        var oneOf = Branches("oneOf");
        var matching = oneOf.Count(valid => valid);
        if (oneOf.Count > 0 && matching != 1)
        {
            return $"must match exactly one of the {oneOf.Count} allowed schemas (oneOf), not {(matching == 0 ? "none" : matching)}";
        }
        return byLocation[($"{evaluation}/not", instance)].Any(r => r.IsValid) ? "must not match the schema under 'not'" : null;
    }

    static readonly HashSet<string> Branching = ["anyOf", "oneOf", "not", "if", "contains"];
    static readonly HashSet<string> FollowedByName = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"];
    static readonly HashSet<string> FollowedByIndex = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];

    /// <summary>Under a branch of anyOf/oneOf/not/if/contains, a failure is that branch's, reported by its parent.</summary>
    static bool InsideBranch(JsonPointer evaluationPath)
    {
        for (var i = 0; i < evaluationPath.SegmentCount; i++)
        {
            var keyword = evaluationPath[i].ToString();
            if (Branching.Contains(keyword))
            {
                return true;
            }
            if (FollowedByName.Contains(keyword)
                || (FollowedByIndex.Contains(keyword) && i + 1 < evaluationPath.SegmentCount && int.TryParse(evaluationPath[i + 1].ToString(), out _)))
            {
                i++;
            }
        }
        return false;
    }

    /// <summary><c>$.a.b[2]</c> (or <c>$['first name']</c>) for a JSON Pointer into the arguments, plus an optional child.</summary>
    static string Path(JsonElement arguments, JsonPointer location, string? child = null)
    {
        var path = "$";
        JsonElement? current = arguments;
        for (var i = 0; i < location.SegmentCount; i++)
        {
            var segment = location[i].ToString();
            if (current is { ValueKind: JsonValueKind.Array } array && int.TryParse(segment, out var index))
            {
                path += $"[{index}]";
                current = index < array.GetArrayLength() ? array[index] : null;
            }
            else
            {
                path += Member(segment);
                current = current is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty(segment, out var property) ? property : null;
            }
        }
        return child is null ? path : path + Member(child);
    }

    static string Member(string name) => Identifier().IsMatch(name) ? $".{name}" : $"['{name.Replace("'", "\\'")}']";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    static string Text(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var text) ? text : Json(value);

    static string Json(JsonNode? value) => value?.ToJsonString() ?? "null";
}
