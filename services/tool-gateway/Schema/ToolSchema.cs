using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentCloud.Contracts.Tools;
using Json.Schema;

namespace AgentCloud.ToolGateway.Schema;

/// <summary>
/// A tool's parameter schema, built once by JsonSchema.Net (<see cref="ToolSchemas"/> keeps it) and applied to each
/// call's arguments. All of JSON Schema applies: <c>$ref</c> and <c>$defs</c>, <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c>/
/// <c>not</c>, conditionals, and every format the library knows is asserted (date-time, date, time, duration, email,
/// hostname, ipv4, ipv6, uri, uri-reference, iri, uuid, json-pointer, regex, ...); a format it does not know
/// (e.g. "phone") is only a description. References are followed inside the schema alone — nothing is fetched, and no
/// other schema is visible — and one that leads nowhere refuses the schema here, not when a call reaches it.
/// </summary>
public sealed class ToolSchema
{
    static readonly EvaluationOptions Evaluation = SchemaProblems.EvaluationOptions();

    readonly JsonSchema _schema;

    ToolSchema(JsonSchema schema) => _schema = schema;

    /// <exception cref="InvalidToolSchemaException">The schema is not one the library can apply.</exception>
    public static ToolSchema Build(JsonObject parameters)
    {
        JsonSchema schema;
        try
        {
            var options = new BuildOptions
            {
                SchemaRegistry = new SchemaRegistry { Fetch = static (_, _) => null },
                DialectRegistry = SchemaDialects.Registry,
                Dialect = SchemaDialects.Default,
            };
            // A base of our own, so that relative references resolve inside this schema and nowhere else.
            var baseUri = new Uri($"https://tool-schema.agentcloud.invalid/{Guid.NewGuid():N}");
            schema = JsonSchema.Build(JsonSerializer.SerializeToElement(parameters), options, baseUri);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidToolSchemaException($"The schema cannot be used: {e.Message}", e);
        }
        if (UnresolvedReference(schema.Root, []) is { } reference)
        {
            throw new InvalidToolSchemaException($"The schema's reference '{reference}' leads nowhere (only references inside the schema are followed).");
        }
        return new(schema);
    }

    /// <summary>Every problem of <paramref name="arguments"/>, each at its path (<c>$.to</c>, <c>$.items[2]</c>); none = valid.</summary>
    public IReadOnlyList<ToolArgumentProblem> Check(JsonElement arguments)
    {
        try
        {
            var results = _schema.Evaluate(arguments, Evaluation);
            return results.IsValid ? [] : SchemaProblems.From(results, arguments);
        }
        catch (RegexMatchTimeoutException)
        {
            return [new("$", $"could not be checked against the schema's patterns within {SchemaDialects.MatchTimeout.TotalMilliseconds} ms")];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // What building cannot catch (a $dynamicRef resolves only while evaluating): refused, never a 500.
            return [new("$", $"could not be checked against the tool's schema: {e.Message}")];
        }
    }

    /// <summary>JsonSchema.Net resolves references while building; one it could not resolve has no target schema.</summary>
    static string? UnresolvedReference(JsonSchemaNode node, HashSet<JsonSchemaNode> seen)
    {
        if (!seen.Add(node))
        {
            return null;
        }
        foreach (var keyword in node.Keywords)
        {
            if (keyword.Handler.Name == "$ref" && keyword.Subschemas is not { Length: > 0 })
            {
                return keyword.RawValue.ToString();
            }
            foreach (var subschema in keyword.Subschemas ?? [])
            {
                if (UnresolvedReference(subschema, seen) is { } reference)
                {
                    return reference;
                }
            }
        }
        return null;
    }
}
