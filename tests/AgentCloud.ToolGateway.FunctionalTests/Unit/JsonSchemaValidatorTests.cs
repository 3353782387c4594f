using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Schema;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests.Unit;

public sealed class JsonSchemaValidatorTests
{
    static readonly JsonObject Contact = JsonNode.Parse("""
        {
          "type": "object",
          "required": ["name", "email", "tags"],
          "additionalProperties": false,
          "properties": {
            "name": { "type": "string", "minLength": 2, "maxLength": 5 },
            "email": { "type": "string", "format": "email" },
            "site": { "type": "string", "format": "uri" },
            "born": { "type": "string", "format": "date-time" },
            "age": { "type": "integer", "minimum": 0, "maximum": 150 },
            "score": { "type": "number", "minimum": 0.5, "maximum": 1.5 },
            "kind": { "type": "string", "enum": ["person", "company"] },
            "code": { "type": "string", "pattern": "^[A-Z]{3}$" },
            "active": { "type": "boolean" },
            "note": { "type": ["string", "null"] },
            "tags": { "type": "array", "minItems": 1, "maxItems": 2, "items": { "type": "string", "minLength": 1 } },
            "address": {
              "type": "object", "required": ["city"],
              "properties": { "city": { "type": "string" }, "zip": { "type": "string", "pattern": "^[0-9]{5}$" } }
            }
          }
        }
        """)!.AsObject();

    static IReadOnlyList<SchemaProblem> Check(string json) => JsonSchemaValidator.Validate(Contact, JsonDocument.Parse(json).RootElement);

    static void AssertProblem(IReadOnlyList<SchemaProblem> problems, string path, string fragment) =>
        Assert.True(problems.Any(p => p.Path == path && p.Message.Contains(fragment)),
            $"expected {path} '{fragment}' in: {string.Join("; ", problems.Select(p => $"{p.Path} {p.Message}"))}");

    [Fact]
    public void A_valid_document_has_no_problems()
    {
        var problems = Check("""
            {"name":"Ann","email":"ann@example.com","site":"https://example.com/x","born":"1990-05-01T10:00:00Z","age":34,
             "score":1,"kind":"person","code":"ABC","active":true,"note":null,"tags":["a"],"address":{"city":"Paris","zip":"75001"}}
            """);
        Assert.Empty(problems);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_path()
    {
        var problems = Check("""
            {"name":"A","email":"not-an-email","site":"not a uri","born":"yesterday","age":-1,"score":2,"kind":"robot",
             "code":"abc","active":"yes","extra":1,"tags":["", 3, "x"],"address":{"zip":"1"}}
            """);

        AssertProblem(problems, "$.name", "at least 2");
        AssertProblem(problems, "$.email", "valid email");
        AssertProblem(problems, "$.site", "valid uri");
        AssertProblem(problems, "$.born", "valid date-time");
        AssertProblem(problems, "$.age", "at least 0");
        AssertProblem(problems, "$.score", "at most 1.5");
        AssertProblem(problems, "$.kind", "one of");
        AssertProblem(problems, "$.code", "pattern");
        AssertProblem(problems, "$.active", "type boolean, not string");
        AssertProblem(problems, "$.extra", "not an allowed property");
        AssertProblem(problems, "$.tags", "at most 2 items");
        AssertProblem(problems, "$.tags[0]", "at least 1");
        AssertProblem(problems, "$.tags[1]", "type string, not integer");
        AssertProblem(problems, "$.address.city", "required");
        AssertProblem(problems, "$.address.zip", "pattern");
        Assert.Equal(15, problems.Count);
    }

    [Fact]
    public void Missing_required_properties_are_each_reported()
    {
        var problems = Check("{}");
        Assert.Equal(["$.email", "$.name", "$.tags"], problems.Select(p => p.Path).Order());
        Assert.All(problems, p => Assert.Equal("is required", p.Message));
    }

    [Theory]
    [InlineData("[]", "object, not array")]
    [InlineData("\"text\"", "object, not string")]
    [InlineData("null", "object, not null")]
    public void A_non_object_root_is_one_type_problem(string json, string message)
    {
        var problems = Check(json);
        Assert.Equal(new SchemaProblem("$", $"must be of type {message}"), Assert.Single(problems));
    }

    [Theory]
    [InlineData("1.5", false)]
    [InlineData("2", true)]
    [InlineData("2.0", true)]
    [InlineData("1e2", true)]
    public void Integers_accept_whole_numbers_only(string age, bool valid)
    {
        var problems = Check($$"""{"name":"Ann","email":"a@b.co","tags":["x"],"age":{{age}}}""");
        Assert.Equal(valid, problems.Count == 0);
    }

    [Theory]
    [InlineData("2024-02-29T12:30:00Z", true)]
    [InlineData("2024-02-29T12:30:00.123+02:00", true)]
    [InlineData("2024-02-30T12:30:00Z", false)]
    [InlineData("2024-02-29T12:30:00", false)]
    [InlineData("2024-02-29", false)]
    [InlineData("12:30", false)]
    public void Date_times_follow_RFC_3339(string value, bool valid) =>
        Assert.Equal(valid, Check($$"""{"name":"Ann","email":"a@b.co","tags":["x"],"born":"{{value}}"}""").Count == 0);

    [Theory]
    [InlineData("ann@example.com", true)]
    [InlineData("ann.lee+tag@mail.example.org", true)]
    [InlineData("ann@localhost", false)]
    [InlineData("ann example.com", false)]
    [InlineData("@example.com", false)]
    [InlineData("Ann <ann@example.com>", false)]
    public void Emails_are_bare_addresses(string value, bool valid) =>
        Assert.Equal(valid, Check($$"""{"name":"Ann","email":"{{value}}","tags":["x"]}""").Count == 0);

    [Theory]
    [InlineData("https://example.com/a?b=c", true)]
    [InlineData("mailto:ann@example.com", true)]
    [InlineData("/relative/path", false)]
    [InlineData("http://exa mple.com", false)]
    public void Uris_are_absolute(string value, bool valid) =>
        Assert.Equal(valid, Check($$"""{"name":"Ann","email":"a@b.co","tags":["x"],"site":"{{value}}"}""").Count == 0);

    [Fact]
    public void Lengths_count_characters_not_bytes_or_utf16_units()
    {
        // Five grapheme clusters, one of them an emoji made of two UTF-16 units.
        Assert.Empty(Check("""{"name":"ab😀cd","email":"a@b.co","tags":["x"]}"""));
        AssertProblem(Check("""{"name":"ab😀cde","email":"a@b.co","tags":["x"]}"""), "$.name", "at most 5");
    }

    [Fact]
    public void Type_unions_and_nullable_values_are_accepted()
    {
        Assert.Empty(Check("""{"name":"Ann","email":"a@b.co","tags":["x"],"note":"hi"}"""));
        AssertProblem(Check("""{"name":"Ann","email":"a@b.co","tags":["x"],"note":5}"""), "$.note", "type string or null");
    }

    [Fact]
    public void Odd_property_names_get_bracketed_paths()
    {
        var schema = JsonNode.Parse("""{"type":"object","properties":{"first name":{"type":"string"}}}""")!.AsObject();
        var problems = JsonSchemaValidator.Validate(schema, JsonDocument.Parse("""{"first name":1}""").RootElement);
        Assert.Equal("$['first name']", Assert.Single(problems).Path);
    }

    [Fact]
    public void Additional_properties_can_be_constrained_by_a_schema()
    {
        var schema = JsonNode.Parse("""{"type":"object","additionalProperties":{"type":"string"}}""")!.AsObject();
        var problems = JsonSchemaValidator.Validate(schema, JsonDocument.Parse("""{"a":"x","b":2}""").RootElement);
        Assert.Equal("$.b", Assert.Single(problems).Path);
    }

    [Fact]
    public void A_catastrophic_pattern_is_reported_not_hung_on()
    {
        var schema = JsonNode.Parse("""{"type":"string","pattern":"^(a+)+$"}""")!.AsObject();
        var problems = JsonSchemaValidator.Validate(schema, JsonDocument.Parse($"\"{new string('a', 40)}!\"").RootElement);
        Assert.Single(problems);
    }
}
