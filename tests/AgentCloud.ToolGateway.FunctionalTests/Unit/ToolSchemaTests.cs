using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Tools;
using AgentCloud.ToolGateway.Schema;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests.Unit;

/// <summary>Tool arguments against their schema (JsonSchema.Net), as the executor applies them.</summary>
public sealed class ToolSchemaTests
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

    static IReadOnlyList<ToolArgumentProblem> Check(string json) => ToolSchemas.Validate(Contact, JsonDocument.Parse(json).RootElement);

    static IReadOnlyList<ToolArgumentProblem> Check(string schema, string json) =>
        ToolSchemas.Validate(JsonNode.Parse(schema)!.AsObject(), JsonDocument.Parse(json).RootElement);

    static void AssertProblem(IReadOnlyList<ToolArgumentProblem> problems, string path, string fragment) =>
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
        Assert.Equal(new ToolArgumentProblem("$", $"must be of type {message}"), Assert.Single(problems));
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
        var problems = ToolSchemas.Validate(schema, JsonDocument.Parse("""{"first name":1}""").RootElement);
        Assert.Equal("$['first name']", Assert.Single(problems).Path);
    }

    [Fact]
    public void Additional_properties_can_be_constrained_by_a_schema()
    {
        var schema = JsonNode.Parse("""{"type":"object","additionalProperties":{"type":"string"}}""")!.AsObject();
        var problems = ToolSchemas.Validate(schema, JsonDocument.Parse("""{"a":"x","b":2}""").RootElement);
        Assert.Equal("$.b", Assert.Single(problems).Path);
    }

    [Fact]
    public void A_catastrophic_pattern_is_reported_not_hung_on()
    {
        var schema = JsonNode.Parse("""{"type":"string","pattern":"^(a+)+$"}""")!.AsObject();
        var problems = ToolSchemas.Validate(schema, JsonDocument.Parse($"\"{new string('a', 40)}!\"").RootElement);
        Assert.Single(problems);
    }

    [Fact]
    public void A_catastrophic_pattern_in_property_names_is_reported_not_hung_on()
    {
        var problems = Check("""{"type":"object","patternProperties":{"^(a+)+$":{"type":"string"}}}""", $$"""{"{{new string('a', 40)}}!":1}""");
        Assert.Single(problems);
    }

    [Fact]
    public void References_are_followed_within_the_schema()
    {
        const string schema = """
            {"type":"object","$defs":{"phone":{"type":"string","pattern":"^\\+[0-9]{7,15}$"},
             "contact":{"type":"object","required":["phone"],"properties":{"phone":{"$ref":"#/$defs/phone"}}}},
             "properties":{"to":{"$ref":"#/$defs/contact"},"cc":{"type":"array","items":{"$ref":"#/$defs/contact"}}}}
            """;
        Assert.Empty(Check(schema, """{"to":{"phone":"+33123456789"},"cc":[{"phone":"+4930123456"}]}"""));
        var problems = Check(schema, """{"to":{"phone":"0123"},"cc":[{"phone":"+4930123456"},{}]}""");
        AssertProblem(problems, "$.to.phone", "pattern");
        AssertProblem(problems, "$.cc[1].phone", "is required");
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Draft_07_schemas_are_read_as_draft_07()
    {
        // What zod-to-json-schema (the TypeScript MCP SDK) writes: definitions + $ref, tuple items.
        const string schema = """
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","definitions":{"unit":{"enum":["days","weeks"]}},
             "properties":{"unit":{"$ref":"#/definitions/unit"},"pair":{"type":"array","items":[{"type":"string"},{"type":"integer"}]}}}
            """;
        Assert.Empty(Check(schema, """{"unit":"days","pair":["a",1]}"""));
        var problems = Check(schema, """{"unit":"years","pair":["a","b"]}""");
        AssertProblem(problems, "$.unit", "one of \"days\", \"weeks\"");
        AssertProblem(problems, "$.pair[1]", "type integer, not string");
    }

    [Fact]
    public void OneOf_and_anyOf_failures_are_one_problem_each_and_allOf_reports_every_part()
    {
        const string schema = """
            {"type":"object","properties":{
              "id":{"oneOf":[{"type":"integer"},{"type":"string","format":"uuid"}]},
              "when":{"anyOf":[{"type":"string","format":"date-time"},{"type":"integer","minimum":0}]},
              "overlap":{"oneOf":[{"type":"number"},{"type":"integer"}]},
              "size":{"allOf":[{"type":"integer","minimum":1},{"maximum":10},{"multipleOf":2}]},
              "kind":{"not":{"const":"admin"}}}}
            """;
        Assert.Empty(Check(schema, """{"id":"6f1c0c2e-8a8b-4f5e-9a39-0d1b2c3d4e5f","when":5,"overlap":1.5,"size":4,"kind":"user"}"""));

        var problems = Check(schema, """{"id":"not-a-uuid","when":"yesterday","overlap":2,"size":11,"kind":"admin"}""");
        AssertProblem(problems, "$.id", "exactly one of the 2 allowed schemas (oneOf), not none");
        AssertProblem(problems, "$.when", "at least one of the 2 allowed schemas (anyOf)");
        AssertProblem(problems, "$.overlap", "exactly one of the 2 allowed schemas (oneOf), not 2");
        AssertProblem(problems, "$.size", "at most 10");
        AssertProblem(problems, "$.size", "multiple of 2");
        AssertProblem(problems, "$.kind", "must not match");
        Assert.Equal(6, problems.Count);
    }

    [Theory]
    [InlineData("uuid", "6f1c0c2e-8a8b-4f5e-9a39-0d1b2c3d4e5f", true)]
    [InlineData("uuid", "6f1c0c2e8a8b4f5e9a390d1b2c3d4e5f", false)]
    [InlineData("date", "2024-02-29", true)]
    [InlineData("date", "2024-02-30", false)]
    [InlineData("ipv4", "10.0.0.1", true)]
    [InlineData("ipv4", "10.0.0.256", false)]
    [InlineData("hostname", "mail.example.com", true)]
    [InlineData("hostname", "-bad-.example.com", false)]
    [InlineData("phone", "whatever", true)] // a format the library does not know describes, it does not assert
    public void Known_formats_are_asserted(string format, string value, bool valid) =>
        Assert.Equal(valid, Check($$"""{"type":"string","format":"{{format}}"}""", $"\"{value}\"").Count == 0);

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}""", "#/$defs/missing")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"https://schemas.example.com/a.json"}}}""", "https://schemas.example.com/a.json")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#nowhere"}}}""", "#nowhere")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","pattern":"(["}}}""", "([")]
    [InlineData("""{"type":"thing"}""", "thing")]
    [InlineData("""{"$schema":"http://json-schema.org/draft-04/schema#","type":"object"}""", "draft-04")]
    public void A_schema_the_library_cannot_apply_is_refused_when_built_with_the_reason(string schema, string named)
    {
        var refused = Assert.Throws<InvalidToolSchemaException>(() => ToolSchema.Build(JsonNode.Parse(schema)!.AsObject()));
        Assert.Contains(named, refused.Message);
    }

    [Fact]
    public void A_reference_that_only_fails_while_checking_is_a_problem_not_an_exception()
    {
        var problem = Assert.Single(Check("""{"type":"object","properties":{"a":{"$dynamicRef":"#nowhere"}}}""", """{"a":1}"""));
        Assert.Equal("$", problem.Path);
        Assert.Contains("nowhere", problem.Message);
    }

    [Fact]
    public void Another_tools_schema_is_never_visible_to_a_reference()
    {
        ToolSchemas.For(JsonNode.Parse("""{"$id":"https://tools.example.com/shared","type":"string"}""")!.AsObject());
        Assert.Throws<InvalidToolSchemaException>(() =>
            ToolSchema.Build(JsonNode.Parse("""{"type":"object","properties":{"a":{"$ref":"https://tools.example.com/shared"}}}""")!.AsObject()));
    }

    [Fact]
    public void A_schema_is_built_once_per_schema_object_and_per_text()
    {
        Assert.Same(ToolSchemas.For(Contact), ToolSchemas.For(Contact));
        // An external server's tool is described afresh on every listing: same text, same built schema.
        Assert.Same(ToolSchemas.For(Contact), ToolSchemas.For(JsonNode.Parse(Contact.ToJsonString())!.AsObject()));
    }
}
