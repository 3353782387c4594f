using System.Net.Http.Json;
using System.Text.Json;

namespace AgentCloud.Testing.OpenApi;

/// <summary>The JSON shape a schema asks for, as far as bad input is concerned.</summary>
public enum ValueKind { Unknown, String, Uuid, DateTime, Integer, Number, Boolean, Array, Object }

/// <summary>One operation of a service's OpenAPI document (<c>/openapi/v1.json</c>).</summary>
public sealed record ApiOperation(HttpMethod Method, string Path, JsonElement Operation, JsonElement Document)
{
    public static async Task<IReadOnlyList<ApiOperation>> ReadAsync(HttpClient anonymous)
    {
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        return
        [
            .. from path in document.GetProperty("paths").EnumerateObject()
               from operation in path.Value.EnumerateObject()
               select new ApiOperation(new HttpMethod(operation.Name.ToUpperInvariant()), path.Name, operation.Value, document),
        ];
    }

    public override string ToString() => $"{Method} {Path}";

    public IEnumerable<(string Name, string In, JsonElement Schema, bool Required)> Parameters =>
        Operation.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Select(p => (
                p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!, Resolve(p.GetProperty("schema")),
                p.TryGetProperty("required", out var required) && required.GetBoolean()))
            : [];

    /// <summary>The JSON request body's schema, when the operation takes one.</summary>
    public JsonElement? JsonBody =>
        Operation.TryGetProperty("requestBody", out var body) && body.GetProperty("content").TryGetProperty("application/json", out var json)
            ? Resolve(json.GetProperty("schema"))
            : null;

    /// <summary>The path with every parameter given a valid value (<c>tenantId</c> the caller's tenant) and the required
    /// query parameters, optionally overridden.</summary>
    public string Url(Guid tenantId, string? parameter = null, string? value = null)
    {
        var path = Path;
        var query = new List<string>();
        foreach (var (name, where, schema, required) in Parameters)
        {
            var given = name == parameter ? value! : ValidValue(name, schema, tenantId);
            if (where == "path")
            {
                path = path.Replace($"{{{name}}}", Uri.EscapeDataString(given));
            }
            else if (where == "query" && (required || name == parameter))
            {
                query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(given)}");
            }
        }
        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }

    static string ValidValue(string name, JsonElement schema, Guid tenantId) => KindOf(schema) switch
    {
        ValueKind.Uuid => name.Equals("tenantId", StringComparison.OrdinalIgnoreCase) ? tenantId.ToString() : Guid.NewGuid().ToString(),
        ValueKind.Integer or ValueKind.Number => "1",
        ValueKind.Boolean => "true",
        ValueKind.DateTime => "2026-01-01T00:00:00Z",
        _ => "x",
    };

    /// <summary>Follows <c>$ref</c> and picks the non-null member of a nullable <c>oneOf</c>.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return Resolve(Document.GetProperty("components").GetProperty("schemas").GetProperty(name));
        }
        if (schema.TryGetProperty("oneOf", out var oneOf) || schema.TryGetProperty("anyOf", out oneOf))
        {
            var members = oneOf.EnumerateArray().Where(m => !(m.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null")).ToList();
            return members.Count == 1 ? Resolve(members[0]) : schema;
        }
        return schema;
    }

    public static ValueKind KindOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return ValueKind.Unknown; // JsonElement, object: anything goes
        }
        var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()).ToList() : [type.GetString()];
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        return types.Contains("integer") ? ValueKind.Integer
            : types.Contains("number") ? ValueKind.Number
            : types.Contains("boolean") ? ValueKind.Boolean
            : types.Contains("array") ? ValueKind.Array
            : types.Contains("object") ? ValueKind.Object
            : types.Contains("string") && format == "uuid" ? ValueKind.Uuid
            : types.Contains("string") && format is "date-time" or "date" ? ValueKind.DateTime
            : types.Contains("string") ? ValueKind.String
            : ValueKind.Unknown;
    }
}
