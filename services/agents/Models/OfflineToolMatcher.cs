using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace AgentCloud.Agents.Models;

public sealed record OfflineToolCall(string Name, Dictionary<string, object?> Arguments, double Confidence);

/// <summary>
/// How the offline model recognises a clear request for a tool: the tool named outright ("use web_search for ...",
/// "current time"), or one of a few plain phrasings of the built-in tools ("what time is it", "add a todo: ...",
/// "remember that ...", "remind me to ..."). Arguments come from the tool's JSON schema: the phrase's subject fills
/// the main text property, an IANA time zone fills <c>timezone</c>, an ISO date-time fills date-time properties. A
/// tool whose required arguments cannot be filled is not called.
/// </summary>
public static partial class OfflineToolMatcher
{
    static readonly (string Tool, Regex Pattern, double Confidence)[] Phrases =
    [
        ("current_time", TimeQuestion(), 85),
        ("list_todos", ListTodos(), 85),
        ("add_todo", AddTodo(), 80),
        ("remember_fact", Remember(), 80),
        ("create_reminder", RemindMe(), 80),
        ("list_reminders", ListReminders(), 80),
    ];

    static readonly string[] TextProperties = ["title", "fact", "text", "message", "query", "request", "content", "description", "body"];

    public static OfflineToolCall? Match(string text, IList<AITool>? tools)
    {
        var functions = tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];
        if (functions.Count == 0 || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        foreach (var function in functions.OrderByDescending(f => f.Name.Length))
        {
            var spoken = function.Name.Replace('_', ' ');
            var at = IndexOfWord(text, function.Name) is >= 0 and var exact ? (exact, function.Name.Length)
                : IndexOfWord(text, spoken) is >= 0 and var loose ? (loose, spoken.Length) : (-1, 0);
            if (at.Item1 >= 0 && Fill(function, Subject(text[(at.Item1 + at.Item2)..]), text) is { } arguments)
            {
                return new OfflineToolCall(function.Name, arguments, 90);
            }
        }
        foreach (var (tool, pattern, confidence) in Phrases)
        {
            if (functions.FirstOrDefault(f => f.Name == tool) is { } function && pattern.Match(text) is { Success: true } match
                && Fill(function, Subject(match.Groups["subject"].Value), text) is { } arguments)
            {
                return new OfflineToolCall(tool, arguments, confidence);
            }
        }
        return null;
    }

    /// <summary>The arguments the schema asks for, or null when a required one cannot be filled.</summary>
    static Dictionary<string, object?>? Fill(AIFunctionDeclaration function, string subject, string text)
    {
        var schema = function.JsonSchema;
        var arguments = new Dictionary<string, object?>();
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return arguments;
        }
        var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(e => e.GetString()).ToHashSet() : [];
        var subjectUsed = false;
        foreach (var property in properties.EnumerateObject())
        {
            var format = property.Value.TryGetProperty("format", out var f) ? f.GetString() : null;
            object? value = property.Name switch
            {
                "timezone" => TimeZoneName().Match(text) is { Success: true } zone ? zone.Value : null,
                _ when format == "date-time" => IsoDateTime().Match(text) is { Success: true } date ? date.Value : null,
                _ when !subjectUsed && subject.Length > 0 && TextProperties.Contains(property.Name) => subject,
                _ => null,
            };
            if (value is null && !subjectUsed && subject.Length > 0 && required.Contains(property.Name) && IsString(property.Value))
            {
                value = subject;
            }
            if (value is not null)
            {
                subjectUsed |= ReferenceEquals(value, subject);
                arguments[property.Name] = value;
            }
            else if (required.Contains(property.Name))
            {
                return null;
            }
        }
        return arguments;
    }

    static bool IsString(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "string";

    static string Subject(string rest) => rest.Trim().TrimStart(':', '-', ',').Trim().TrimEnd('.', '!', '?').Trim();

    static int IndexOfWord(string text, string word)
    {
        var at = text.IndexOf(word, StringComparison.OrdinalIgnoreCase);
        while (at >= 0)
        {
            var before = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
            var end = at + word.Length;
            if (before && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return at;
            }
            at = text.IndexOf(word, at + 1, StringComparison.OrdinalIgnoreCase);
        }
        return -1;
    }

    [GeneratedRegex(@"\b(what time|the time|current time|time is it|what day|today'?s date|what('| i)s the date)\b(?<subject>)", RegexOptions.IgnoreCase)]
    private static partial Regex TimeQuestion();

    [GeneratedRegex(@"\b(list|show|what are|read)\b.*\b(todos?|to-dos?|tasks)\b(?<subject>)", RegexOptions.IgnoreCase)]
    private static partial Regex ListTodos();

    [GeneratedRegex(@"\b(add|create|new)\b[^:]*?\b(todo|to-do|task)\b\s*(called|named|to)?[:\s]+(?<subject>.+)", RegexOptions.IgnoreCase)]
    private static partial Regex AddTodo();

    [GeneratedRegex(@"\bremember\s+(that\s+)?(?<subject>.+)", RegexOptions.IgnoreCase)]
    private static partial Regex Remember();

    [GeneratedRegex(@"\bremind me\s+(to\s+|about\s+)?(?<subject>.+)", RegexOptions.IgnoreCase)]
    private static partial Regex RemindMe();

    [GeneratedRegex(@"\b(list|show|what are)\b.*\breminders\b(?<subject>)", RegexOptions.IgnoreCase)]
    private static partial Regex ListReminders();

    [GeneratedRegex(@"\b[A-Z][A-Za-z_]+/[A-Z][A-Za-z_]+(/[A-Z][A-Za-z_]+)?\b")]
    private static partial Regex TimeZoneName();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})\b")]
    private static partial Regex IsoDateTime();
}
