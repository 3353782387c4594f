using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;

namespace AgentCloud.ToolGateway.Schema;

/// <summary>
/// The JSON Schema drafts a tool schema may name in <c>$schema</c> (6, 7, 2019-09, 2020-12; none named = 2020-12, as
/// MCP says), each with <c>pattern</c> and <c>patternProperties</c> matched under a timeout: a schema's regex runs on
/// caller input, and a catastrophic one (<c>^(a+)+$</c>) must not hold a thread for ever. JsonSchema.Net builds its
/// regexes without one.
/// </summary>
static class SchemaDialects
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public static readonly Dialect Default = Timed(Dialect.Draft202012);

    public static readonly DialectRegistry Registry = CreateRegistry();

    static DialectRegistry CreateRegistry()
    {
        var registry = new DialectRegistry();
        foreach (var dialect in new[] { Dialect.Draft06, Dialect.Draft07, Dialect.Draft201909 })
        {
            registry.Register(Timed(dialect));
        }
        registry.Register(Default);
        return registry;
    }

    static Dialect Timed(Dialect dialect) => dialect.With([new TimedPattern(), new TimedPatternProperties()], dialect.Id);

    static Regex WithTimeout(Regex regex) => new(regex.ToString(), regex.Options, MatchTimeout);

    sealed class TimedPattern : PatternKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value) => WithTimeout((Regex)base.ValidateKeywordValue(value)!);
    }

    sealed class TimedPatternProperties : PatternPropertiesKeyword
    {
        public override object? ValidateKeywordValue(JsonElement value) =>
            ((Dictionary<string, Regex>)base.ValidateKeywordValue(value)!).ToDictionary(p => p.Key, p => WithTimeout(p.Value));
    }
}
