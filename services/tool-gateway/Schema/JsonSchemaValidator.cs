using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgentCloud.ToolGateway.Schema;

public sealed record SchemaProblem(string Path, string Message);

/// <summary>
/// The subset of JSON Schema the tool definitions use: type (one or several), properties, required,
/// additionalProperties, enum, minimum/maximum, minLength/maxLength, pattern, items, minItems/maxItems and format
/// date-time/email/uri. Reports every problem, each with a JSONPath-like location (<c>$.to</c>, <c>$.items[2].id</c>).
/// Keywords it does not know are ignored, as JSON Schema does.
/// </summary>
public static class JsonSchemaValidator
{
    static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    public static IReadOnlyList<SchemaProblem> Validate(JsonObject schema, JsonElement instance)
    {
        var problems = new List<SchemaProblem>();
        Check(schema, instance, "$", problems);
        return problems;
    }

    static void Check(JsonObject schema, JsonElement value, string path, List<SchemaProblem> problems)
    {
        if (schema["type"] is { } type && !MatchesType(type, value))
        {
            problems.Add(new(path, $"must be of type {TypeText(type)}, not {KindName(value)}"));
            return;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, JsonNode.Parse(value.GetRawText()))))
        {
            problems.Add(new(path, $"must be one of {string.Join(", ", allowed.Select(a => a?.ToJsonString() ?? "null"))}"));
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, value, path, problems);
                break;
            case JsonValueKind.Array:
                CheckArray(schema, value, path, problems);
                break;
            case JsonValueKind.String:
                CheckString(schema, value.GetString()!, path, problems);
                break;
            case JsonValueKind.Number:
                CheckNumber(schema, value.GetDouble(), path, problems);
                break;
        }
    }

    static void CheckObject(JsonObject schema, JsonElement value, string path, List<SchemaProblem> problems)
    {
        var properties = schema["properties"] as JsonObject;
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r?.GetValue<string>()).OfType<string>())
            {
                if (!value.TryGetProperty(name, out _))
                {
                    problems.Add(new(Child(path, name), "is required"));
                }
            }
        }
        foreach (var property in value.EnumerateObject())
        {
            if (properties?[property.Name] is JsonObject propertySchema)
            {
                Check(propertySchema, property.Value, Child(path, property.Name), problems);
            }
            else if (schema["additionalProperties"] is JsonValue additional && additional.TryGetValue<bool>(out var allowedExtra) && !allowedExtra)
            {
                problems.Add(new(Child(path, property.Name), "is not an allowed property"));
            }
            else if (schema["additionalProperties"] is JsonObject additionalSchema)
            {
                Check(additionalSchema, property.Value, Child(path, property.Name), problems);
            }
        }
    }

    static void CheckArray(JsonObject schema, JsonElement value, string path, List<SchemaProblem> problems)
    {
        var count = value.GetArrayLength();
        if (Number(schema, "minItems") is { } minItems && count < minItems)
        {
            problems.Add(new(path, $"must have at least {minItems} items"));
        }
        if (Number(schema, "maxItems") is { } maxItems && count > maxItems)
        {
            problems.Add(new(path, $"must have at most {maxItems} items"));
        }
        if (schema["items"] is JsonObject items)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(items, item, $"{path}[{index++}]", problems);
            }
        }
    }

    static void CheckString(JsonObject schema, string text, string path, List<SchemaProblem> problems)
    {
        var length = new StringInfo(text).LengthInTextElements;
        if (Number(schema, "minLength") is { } minLength && length < minLength)
        {
            problems.Add(new(path, $"must be at least {minLength} characters long"));
        }
        if (Number(schema, "maxLength") is { } maxLength && length > maxLength)
        {
            problems.Add(new(path, $"must be at most {maxLength} characters long"));
        }
        if (schema["pattern"] is JsonValue pattern && pattern.TryGetValue<string>(out var regex))
        {
            try
            {
                if (!Regex.IsMatch(text, regex, RegexOptions.None, PatternTimeout))
                {
                    problems.Add(new(path, $"must match the pattern {regex}"));
                }
            }
            catch (RegexMatchTimeoutException)
            {
                problems.Add(new(path, $"could not be checked against the pattern {regex} in time"));
            }
        }
        if (schema["format"] is JsonValue format && format.TryGetValue<string>(out var name) && !MatchesFormat(name, text))
        {
            problems.Add(new(path, $"must be a valid {name}"));
        }
    }

    static void CheckNumber(JsonObject schema, double number, string path, List<SchemaProblem> problems)
    {
        if (Number(schema, "minimum") is { } minimum && number < minimum)
        {
            problems.Add(new(path, $"must be at least {minimum.ToString(CultureInfo.InvariantCulture)}"));
        }
        if (Number(schema, "maximum") is { } maximum && number > maximum)
        {
            problems.Add(new(path, $"must be at most {maximum.ToString(CultureInfo.InvariantCulture)}"));
        }
    }

    static bool MatchesFormat(string format, string text) => format switch
    {
        "date-time" => IsDateTime(text),
        "email" => IsEmail(text),
        "uri" => IsUri(text),
        _ => true,
    };

    // RFC 3339: date, 'T', time, and an offset or 'Z' (a bare local time is not a date-time).
    static readonly Regex DateTimeShape = new(
        @"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant);

    static bool IsDateTime(string text) =>
        DateTimeShape.IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _);

    // RFC 3986 needs a scheme; .NET on Unix would also take "/path" as an absolute file URI.
    static readonly Regex UriScheme = new("^[A-Za-z][A-Za-z0-9+.-]*:", RegexOptions.CultureInvariant);

    static bool IsUri(string text) =>
        UriScheme.IsMatch(text) && !text.Any(char.IsWhiteSpace) && Uri.TryCreate(text, UriKind.Absolute, out _);

    static bool IsEmail(string text)
    {
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1 || text.Any(char.IsWhiteSpace) || !text[(at + 1)..].Contains('.'))
        {
            return false;
        }
        return MailAddress.TryCreate(text, out var address) && address.Address == text;
    }

    static bool MatchesType(JsonNode type, JsonElement value) => type switch
    {
        JsonArray types => types.Any(t => t is not null && MatchesType(t, value)),
        JsonValue single when single.TryGetValue<string>(out var name) => name switch
        {
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && IsInteger(value),
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => value.ValueKind == JsonValueKind.Null,
            _ => true,
        },
        _ => true,
    };

    static bool IsInteger(JsonElement value) =>
        value.TryGetInt64(out _) || (value.TryGetDouble(out var d) && Math.Abs(d % 1) == 0 && !double.IsInfinity(d));

    static string TypeText(JsonNode type) =>
        type is JsonArray types ? string.Join(" or ", types.Select(t => t?.ToString())) : type.ToString();

    static string KindName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => IsInteger(value) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    static double? Number(JsonObject schema, string keyword) =>
        schema[keyword] is JsonValue v && v.TryGetValue<double>(out var d) ? d
        : schema[keyword] is JsonValue l && l.TryGetValue<long>(out var n) ? n
        : schema[keyword] is JsonValue i && i.TryGetValue<int>(out var m) ? m
        : null;

    static string Child(string path, string name) =>
        Regex.IsMatch(name, "^[A-Za-z_][A-Za-z0-9_]*$") ? $"{path}.{name}" : $"{path}['{name.Replace("'", "\\'")}']";
}
