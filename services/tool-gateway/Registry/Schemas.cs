using System.Text.Json.Nodes;

namespace AgentCloud.ToolGateway.Registry;

/// <summary>Terse builders for the parameter schemas of the built-in tools.</summary>
public static class Schemas
{
    public static JsonObject Object(JsonObject properties, params string[] required) => new()
    {
        ["type"] = "object",
        ["properties"] = properties,
        ["required"] = new JsonArray([.. required.Select(r => JsonValue.Create(r))]),
        ["additionalProperties"] = false,
    };

    public static JsonObject String(string description, int? minLength = null, int? maxLength = null, string? format = null,
        string? pattern = null, IEnumerable<string>? oneOf = null)
    {
        var schema = new JsonObject { ["type"] = "string", ["description"] = description };
        if (minLength is { } min) schema["minLength"] = min;
        if (maxLength is { } max) schema["maxLength"] = max;
        if (format is not null) schema["format"] = format;
        if (pattern is not null) schema["pattern"] = pattern;
        if (oneOf is not null) schema["enum"] = new JsonArray([.. oneOf.Select(v => JsonValue.Create(v))]);
        return schema;
    }

    public static JsonObject Integer(string description, long? minimum = null, long? maximum = null)
    {
        var schema = new JsonObject { ["type"] = "integer", ["description"] = description };
        if (minimum is { } min) schema["minimum"] = min;
        if (maximum is { } max) schema["maximum"] = max;
        return schema;
    }

    public static JsonObject Boolean(string description) => new() { ["type"] = "boolean", ["description"] = description };

    public static JsonObject Any(string description) => new() { ["description"] = description };

    public static JsonObject StringMap(string description) => new()
    {
        ["type"] = "object",
        ["description"] = description,
        ["additionalProperties"] = new JsonObject { ["type"] = "string" },
    };

    public static JsonObject ArrayOf(JsonObject items, string description, int? maxItems = null)
    {
        var schema = new JsonObject { ["type"] = "array", ["description"] = description, ["items"] = items };
        if (maxItems is { } max) schema["maxItems"] = max;
        return schema;
    }
}
