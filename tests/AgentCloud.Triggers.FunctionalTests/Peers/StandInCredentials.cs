using System.Collections.Concurrent;
using System.Text.Json;
using AgentCloud.Contracts.Credentials;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AgentCloud.Triggers.FunctionalTests.Peers;

/// <summary>
/// A STAND-IN for the two credentials routes triggers calls (the real service's rules for them are tested in
/// tests/AgentCloud.Credentials.FunctionalTests): metadata with the user's own token (their own or tenant-wide
/// credentials), and the privileged read with the triggers service's token, answering the real contract record and
/// recording each read's purpose as the audit would.
/// </summary>
public sealed class StandInCredentials
{
    public sealed record Stored(Guid TenantId, Guid? UserId, string Type, JsonElement Secret, DateTimeOffset UpdatedAt);

    public ConcurrentDictionary<Guid, Stored> Credentials { get; } = new();

    /// <summary>Every privileged read: (credential, user_id passed, purpose).</summary>
    public ConcurrentQueue<(Guid Credential, string? UserId, string Purpose)> Reads { get; } = new();

    public Guid Add(Guid tenantId, Guid? userId, string type, object secret)
    {
        var id = Guid.NewGuid();
        Credentials[id] = new Stored(tenantId, userId, type, JsonSerializer.SerializeToElement(secret), DateTimeOffset.UtcNow);
        return id;
    }

    public void Rotate(Guid id, object secret) =>
        Credentials[id] = Credentials[id] with { Secret = JsonSerializer.SerializeToElement(secret), UpdatedAt = DateTimeOffset.UtcNow };

    public void Map(WebApplication app)
    {
        app.MapGet("/tenant/{tenantId:guid}/credentials/{id:guid}/metadata", (Guid tenantId, Guid id, HttpContext http) =>
            TestTokens.CallingUser(http.Request) is not { } caller ? Results.Unauthorized()
            : Credentials.TryGetValue(id, out var c) && c.TenantId == tenantId && caller.TenantId == tenantId && (c.UserId is null || c.UserId == caller.UserId)
                ? Results.Json(new { credential_id = id, tenant_id = tenantId, user_id = c.UserId, type = c.Type })
                : Results.NotFound());
        app.MapGet("/tenant/{tenantId:guid}/credentials/{id:guid}", (Guid tenantId, Guid id, HttpContext http) =>
        {
            if (TestTokens.CallingService(http.Request) != "triggers")
            {
                return Results.Unauthorized();
            }
            var userId = http.Request.Query["user_id"].FirstOrDefault();
            Reads.Enqueue((id, userId, http.Request.Query["purpose"].ToString()));
            return Credentials.TryGetValue(id, out var c) && c.TenantId == tenantId && (c.UserId is null || c.UserId.ToString() == userId)
                ? Results.Json(new CredentialSecret(id, tenantId, c.UserId, c.Type, "stand-in", JsonSerializer.SerializeToElement(new { }), c.Secret, c.UpdatedAt))
                : Results.NotFound();
        });
    }
}
