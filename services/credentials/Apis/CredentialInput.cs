using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentCloud.Credentials.Apis;

/// <summary>
/// Reads and validates bodies by hand, with hard size limits, so a bad body is a clear 4xx before anything is stored
/// and no parser message can echo a secret. Error texts name fields and limits, never values.
/// </summary>
public static partial class CredentialInput
{
    public const int MaxBodyBytes = 96 * 1024;
    public const int MaxSecretBytes = 64 * 1024;
    public const int MaxMetaBytes = 8 * 1024;
    public const int MaxNameLength = 200;
    public const int MaxTypeLength = 64;
    public const int MaxPurposeLength = 200;

    public sealed record NewCredential(Guid? UserId, bool UserIdGiven, string Type, string Name, string Meta, byte[] Secret);

    public sealed record Change(string? Name, string? Meta);

    /// <summary>The body as a JSON object, or a 400/413 answer.</summary>
    public static async Task<(JsonDocument? Body, ProblemHttpResult? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, TooLarge());
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return (document, null);
            }
            document.Dispose();
        }
        catch (JsonException)
        {
            // The parser's message can quote the body: answer without it.
        }
        return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body must be a JSON object."));
    }

    public static Dictionary<string, string[]> ParseCreate(JsonElement body, out NewCredential? credential)
    {
        var errors = new Dictionary<string, string[]>();
        credential = null;
        RejectUnknown(body, ["user_id", "type", "name", "meta", "credentials"], errors);

        Guid? userId = null;
        var userIdGiven = body.TryGetProperty("user_id", out var user);
        if (userIdGiven && user.ValueKind != JsonValueKind.Null)
        {
            if (user.ValueKind == JsonValueKind.String && Guid.TryParse(user.GetString(), out var parsed))
            {
                userId = parsed;
            }
            else
            {
                errors["user_id"] = ["user_id must be a UUID or null."];
            }
        }
        var type = RequiredString(body, "type", MaxTypeLength, errors);
        if (type is not null && !TypePattern().IsMatch(type))
        {
            errors["type"] = ["type must be lowercase letters, digits, '_', '-' or '.' (e.g. smtp, twilio, openai, oauth2, api_key)."];
        }
        var name = RequiredString(body, "name", MaxNameLength, errors);
        var meta = Meta(body, errors) ?? "{}";
        var secret = Secret(body, errors);
        if (errors.Count == 0)
        {
            credential = new NewCredential(userId, userIdGiven, type!, name!, meta, secret!);
        }
        return errors;
    }

    public static Dictionary<string, string[]> ParseChange(JsonElement body, out Change change)
    {
        var errors = new Dictionary<string, string[]>();
        RejectUnknown(body, ["name", "meta"], errors);
        var name = body.TryGetProperty("name", out _) ? RequiredString(body, "name", MaxNameLength, errors) : null;
        var meta = Meta(body, errors);
        if (errors.Count == 0 && name is null && meta is null)
        {
            errors["body"] = ["Give name and/or meta."];
        }
        change = new Change(name, meta);
        return errors;
    }

    public static Dictionary<string, string[]> ParseRotate(JsonElement body, out byte[]? secret)
    {
        var errors = new Dictionary<string, string[]>();
        RejectUnknown(body, ["credentials"], errors);
        secret = Secret(body, errors);
        return errors;
    }

    public static Dictionary<string, string[]> ParsePurpose(string? runId, string? tool, string? purpose)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, value) in new[] { ("run_id", runId), ("tool", tool), ("purpose", purpose) })
        {
            if (value is { Length: > MaxPurposeLength })
            {
                errors[field] = [$"{field} is limited to {MaxPurposeLength} characters."];
            }
        }
        return errors;
    }

    static void RejectUnknown(JsonElement body, string[] known, Dictionary<string, string[]> errors)
    {
        foreach (var property in body.EnumerateObject().Where(p => !known.Contains(p.Name)).Take(5))
        {
            errors[property.Name.Length <= 64 ? property.Name : property.Name[..64]] = [$"Unknown field. Known fields: {string.Join(", ", known)}."];
        }
    }

    static string? RequiredString(JsonElement body, string field, int maxLength, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors[field] = [$"{field} is required (a non-empty string)."];
            return null;
        }
        var text = value.GetString()!.Trim();
        if (text.Length > maxLength)
        {
            errors[field] = [$"{field} is limited to {maxLength} characters."];
            return null;
        }
        return text;
    }

    static string? Meta(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("meta", out var meta) || meta.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (meta.ValueKind != JsonValueKind.Object)
        {
            errors["meta"] = ["meta must be a JSON object."];
            return null;
        }
        var text = meta.GetRawText();
        if (Encoding.UTF8.GetByteCount(text) > MaxMetaBytes)
        {
            errors["meta"] = [$"meta is limited to {MaxMetaBytes / 1024} KiB."];
            return null;
        }
        return text;
    }

    static byte[]? Secret(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("credentials", out var secret) || secret.ValueKind != JsonValueKind.Object)
        {
            errors["credentials"] = ["credentials is required and must be a JSON object."];
            return null;
        }
        if (!secret.EnumerateObject().Any())
        {
            errors["credentials"] = ["credentials must not be empty."];
            return null;
        }
        var bytes = Encoding.UTF8.GetBytes(secret.GetRawText());
        if (bytes.Length > MaxSecretBytes)
        {
            errors["credentials"] = [$"credentials is limited to {MaxSecretBytes / 1024} KiB of JSON."];
            return null;
        }
        return bytes;
    }

    static ProblemHttpResult TooLarge() => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: $"The body is limited to {MaxBodyBytes / 1024} KiB (credentials {MaxSecretBytes / 1024} KiB, meta {MaxMetaBytes / 1024} KiB).");

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]*$")]
    private static partial Regex TypePattern();
}
