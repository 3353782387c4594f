using System.Text.Json;
using AgentCloud.Contracts.Triggers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentCloud.Triggers.Apis;

/// <summary>
/// Reads and checks the create and update bodies by hand, so every problem is a clear 400 naming its field before
/// anything is written (options are checked by their system, see Systems/). Bodies are at most 64 KiB.
/// </summary>
public static class TriggerInput
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>A field of an update: <see cref="Given"/> false when the body left it out.</summary>
    public readonly record struct Change<T>(bool Given, T Value);

    public sealed record NewTrigger(string System, JsonElement Options, Guid? CredentialId, Guid? ConversationId, bool Active);

    public sealed record TriggerChange(Change<JsonElement?> Options, Change<Guid?> CredentialId, Change<Guid?> ConversationId, Change<bool> Active);

    public static async Task<(JsonDocument? Body, ProblemHttpResult? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }
        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }
        if (length > MaxBodyBytes)
        {
            return (null, TooLarge());
        }
        try
        {
            var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return (document, null);
            }
            document.Dispose();
        }
        catch (JsonException)
        {
            // answered below, without the parser's message (it can quote the body)
        }
        return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body must be a JSON object."));
    }

    public static NewTrigger? ParseCreate(JsonElement body, Dictionary<string, string[]> errors)
    {
        RejectUnknown(body, errors);
        var system = body.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (system is null || !TriggerSystems.All.Contains(system))
        {
            errors["system"] = [$"system is required and is one of {string.Join(", ", TriggerSystems.All)}."];
        }
        if (!body.TryGetProperty("options", out var options) || options.ValueKind != JsonValueKind.Object)
        {
            errors["options"] = ["options is required and must be a JSON object."];
        }
        var credential = OptionalId(body, "credential_id", errors);
        var conversation = OptionalId(body, "conversation_id", errors);
        var active = Flag(body, errors);
        return errors.Count == 0
            ? new NewTrigger(system!, options.Clone(), credential.Value, conversation.Value, !active.Given || active.Value)
            : null;
    }

    public static TriggerChange? ParseChange(JsonElement body, string system, Dictionary<string, string[]> errors)
    {
        RejectUnknown(body, errors);
        if (body.TryGetProperty("system", out var s) && !(s.ValueKind == JsonValueKind.String && s.GetString() == system))
        {
            errors["system"] = ["A trigger's system cannot change: create another trigger."];
        }
        var options = body.TryGetProperty("options", out var o) ? new Change<JsonElement?>(true, o.Clone()) : default;
        if (options.Given && o.ValueKind != JsonValueKind.Object)
        {
            errors["options"] = ["options must be a JSON object."];
        }
        var change = new TriggerChange(options, OptionalId(body, "credential_id", errors), OptionalId(body, "conversation_id", errors), Flag(body, errors));
        if (errors.Count == 0 && !change.Options.Given && !change.CredentialId.Given && !change.ConversationId.Given && !change.Active.Given)
        {
            errors["body"] = ["Give at least one of options, credential_id, conversation_id, active."];
        }
        return errors.Count == 0 ? change : null;
    }

    static void RejectUnknown(JsonElement body, Dictionary<string, string[]> errors)
    {
        foreach (var property in body.EnumerateObject().Where(p => p.Name is not ("system" or "options" or "credential_id" or "conversation_id" or "active")))
        {
            errors[property.Name.Length > 64 ? "body" : property.Name] = ["Unknown field; a trigger has system, options, credential_id, conversation_id and active."];
        }
    }

    static Change<Guid?> OptionalId(JsonElement body, string field, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            return default;
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            return new(true, null);
        }
        if (value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id) && id != Guid.Empty)
        {
            return new(true, id);
        }
        errors[field] = [$"{field} must be a UUID or null."];
        return default;
    }

    static Change<bool> Flag(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("active", out var value))
        {
            return default;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return new(true, value.GetBoolean());
        }
        errors["active"] = ["active must be true or false."];
        return default;
    }

    static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"The body is larger than {MaxBodyBytes / 1024} KiB.");
}
