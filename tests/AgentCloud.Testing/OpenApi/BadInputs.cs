using System.Text;

namespace AgentCloud.Testing.OpenApi;

/// <param name="MustBeRefused">True: input no reading can make sense of (answer 400 ProblemDetails, or 401/403/404 when
/// auth or scoping answers first); false: input a handler may accept (an empty body): it must only never fail.</param>
public sealed record BadInput(ApiOperation Operation, string Description, string Url, string? Body, bool MustBeRefused)
{
    public HttpRequestMessage ToRequest(string token)
    {
        var request = new HttpRequestMessage(Operation.Method, Url)
        {
            Content = Body is null ? null : new StringContent(Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    public override string ToString() => $"{Operation} {Description}";
}

/// <summary>
/// The bad inputs an operation's OpenAPI description implies: garbage and out-of-range values for every typed query and
/// path parameter; for a JSON body, malformed JSON, the wrong kind of root (an array for an object), each property with a
/// value of the wrong type or a number no integer holds, and an empty body.
/// </summary>
public static class BadInputs
{
    const string Huge = "99999999999999999999999999999";

    public static IEnumerable<BadInput> For(ApiOperation operation, Guid tenantId)
    {
        var url = operation.Url(tenantId);
        foreach (var (name, where, schema, _) in operation.Parameters.Where(p => p.In is "query" or "path"))
        {
            foreach (var value in WrongScalars(ApiOperation.KindOf(schema)))
            {
                yield return new(operation, $"{where} {name}={value}", operation.Url(tenantId, name, value), Body(operation, "{}"), true);
            }
        }
        if (operation.JsonBody is not { } body)
        {
            yield break;
        }
        yield return new(operation, "malformed JSON", url, """{"unterminated": """, true);
        yield return new(operation, "empty body", url, "", false);
        switch (ApiOperation.KindOf(body))
        {
            case ValueKind.Object:
                yield return new(operation, "an array for an object", url, "[]", true);
                break;
            case ValueKind.Array:
                yield return new(operation, "an object for an array", url, "{}", true);
                break;
        }
        if (!body.TryGetProperty("properties", out var properties))
        {
            yield break;
        }
        foreach (var property in properties.EnumerateObject())
        {
            foreach (var value in WrongJson(ApiOperation.KindOf(operation.Resolve(property.Value))))
            {
                yield return new(operation, $"\"{property.Name}\": {value}", url, $$"""{"{{property.Name}}": {{value}}}""", true);
            }
        }
    }

    /// <summary>A valid-looking body for operations that take one, so that the parameter, not the body, is what is wrong.</summary>
    static string? Body(ApiOperation operation, string body) => operation.JsonBody is null ? null : body;

    static IEnumerable<string> WrongScalars(ValueKind kind) => kind switch
    {
        ValueKind.Integer or ValueKind.Number => ["abc", Huge],
        ValueKind.Boolean or ValueKind.Uuid or ValueKind.DateTime => ["abc"],
        _ => [],
    };

    static IEnumerable<string> WrongJson(ValueKind kind) => kind switch
    {
        ValueKind.Integer => ["\"abc\"", Huge, "1.5"],
        ValueKind.Number => ["\"abc\"", "1e400"],
        ValueKind.Boolean => ["\"abc\""],
        ValueKind.Uuid => ["\"not-a-uuid\"", "42"],
        ValueKind.DateTime => ["\"not-a-date\""],
        ValueKind.String => ["42", "{}"],
        ValueKind.Array => ["{}", "\"x\""],
        ValueKind.Object => ["[]", "\"x\""],
        _ => [],
    };

}
