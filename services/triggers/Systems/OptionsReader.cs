using System.Globalization;
using System.Text.Json;

namespace AgentCloud.Triggers.Systems;

/// <summary>
/// Reads one system's <c>options</c> object field by field, collecting clear errors keyed <c>options.{field}</c>.
/// Unknown fields are refused, so a typo is an error rather than a silently ignored setting.
/// </summary>
public sealed class OptionsReader(JsonElement options, Dictionary<string, string[]> errors)
{
    public JsonElement Options => options;

    public bool Valid => errors.Count == 0;

    public void Fail(string field, string message) => errors[$"options.{field}"] = [message];

    public bool Has(string field) => options.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    public void AllowOnly(params string[] fields)
    {
        foreach (var property in options.EnumerateObject().Where(p => !fields.Contains(p.Name)))
        {
            Fail(property.Name, fields.Length == 0
                ? "This system takes no options."
                : $"Unknown option; this system takes {string.Join(", ", fields)}.");
        }
    }

    public string? String(string field, int maxLength, bool required = false)
    {
        if (!options.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(field, $"{field} is required.");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text || text.Length > maxLength)
        {
            Fail(field, $"{field} must be a non-empty string of at most {maxLength} characters.");
            return null;
        }
        return text;
    }

    public int? Integer(string field, int minimum, int maximum)
    {
        if (!options.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < minimum || number > maximum)
        {
            Fail(field, $"{field} must be a whole number from {minimum} to {maximum}.");
            return null;
        }
        return number;
    }

    public DateTimeOffset? Instant(string field)
    {
        if (String(field, 64) is not { } text)
        {
            return null;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) || !HasOffset(text))
        {
            Fail(field, $"{field} must be an RFC 3339 date-time with an offset, e.g. 2026-12-01T09:00:00+01:00.");
            return null;
        }
        return instant.ToUniversalTime();
    }

    public string? OneOf(string field, string fallback, params string[] allowed)
    {
        var text = String(field, 64) ?? fallback;
        if (!allowed.Contains(text))
        {
            Fail(field, $"{field} is one of {string.Join(", ", allowed)}.");
            return null;
        }
        return text;
    }

    public IReadOnlyList<string>? Strings(string field, int maxItems, int maxLength)
    {
        if (!options.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maxItems
            || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 } s || s.Length > maxLength))
        {
            Fail(field, $"{field} must be an array of at most {maxItems} non-empty strings of at most {maxLength} characters.");
            return null;
        }
        return [.. value.EnumerateArray().Select(v => v.GetString()!).Distinct(StringComparer.Ordinal)];
    }

    public IReadOnlyDictionary<string, string>? StringMap(string field, int maxEntries, int maxLength)
    {
        if (!options.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Count() > maxEntries
            || value.EnumerateObject().Any(p => p.Name.Length is 0 or > 100 || p.Value.ValueKind != JsonValueKind.String || p.Value.GetString()!.Length > maxLength))
        {
            Fail(field, $"{field} must be an object of at most {maxEntries} string values of at most {maxLength} characters.");
            return null;
        }
        return value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A JSON object passed through as it is (e.g. a timer's static payload), at most <paramref name="maxBytes"/>.</summary>
    public JsonElement? Object(string field, int maxBytes)
    {
        if (!options.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Object || value.GetRawText().Length > maxBytes)
        {
            Fail(field, $"{field} must be a JSON object of at most {maxBytes} bytes.");
            return null;
        }
        return value.Clone();
    }

    static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
}
