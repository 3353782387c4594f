using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Credentials;
using AgentCloud.Credentials.Model;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Credentials.Apis;

/// <summary>Metadata, lookup, update, rotate, delete and the audit log: never the secret.</summary>
public static partial class CredentialsApi
{
    const int DefaultLimit = 100;
    const int MaxLimit = 500;

    public static async Task<Results<Ok<CredentialList>, ValidationProblem>> ListCredentials(
        Guid tenantId, Caller caller, HttpRequest request, [AsParameters] CredentialsServices services,
        [FromQuery(Name = "type")] string? type, [FromQuery(Name = "user_id")] string? userId, [FromQuery(Name = "scope")] string? scope,
        [FromQuery(Name = "usable_by")] string? usableBy, [FromQuery(Name = "meta")] string? meta, [FromQuery(Name = "limit")] int? limit,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var query = services.Db.Credentials.AsNoTracking().Where(c => c.TenantId == tenantId);
        if (!caller.IsService && !services.Access.ManagesTenant)
        {
            query = query.Where(c => c.UserId == null || c.UserId == caller.UserId);
        }
        if (!string.IsNullOrEmpty(type))
        {
            query = query.Where(c => c.Type == type);
        }
        if (!string.IsNullOrEmpty(userId))
        {
            if (Guid.TryParse(userId, out var user))
            {
                query = query.Where(c => c.UserId == user);
            }
            else
            {
                errors["user_id"] = ["user_id must be a UUID."];
            }
        }
        if (!string.IsNullOrEmpty(usableBy))
        {
            // What an agent of this user may use: the user's own credentials and the tenant-wide ones (seed 003).
            if (Guid.TryParse(usableBy, out var user))
            {
                query = query.Where(c => c.UserId == null || c.UserId == user);
            }
            else
            {
                errors["usable_by"] = ["usable_by must be a UUID."];
            }
        }
        switch (scope)
        {
            case null or "": break;
            case "tenant": query = query.Where(c => c.UserId == null); break;
            case "user": query = query.Where(c => c.UserId != null); break;
            default: errors["scope"] = ["scope is 'tenant' or 'user'."]; break;
        }
        if (MetaFilter(request.Query, meta, errors) is { } contained)
        {
            query = query.Where(c => EF.Functions.JsonContains(c.Meta, contained));
        }
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit is between 1 and {MaxLimit}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var rows = await query.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Take(limit ?? DefaultLimit)
            .Select(c => new { c.Id, c.TenantId, c.UserId, c.Type, c.Name, c.Meta, c.CreatedAt, c.UpdatedAt })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new CredentialList([.. rows.Select(c => new CredentialMetadata(
            c.Id, c.TenantId, c.UserId, c.UserId is null ? "tenant" : "user", c.Type, c.Name, ParseMeta(c.Meta), c.CreatedAt, c.UpdatedAt))]));
    }

    public static async Task<Results<Ok<CredentialMetadata>, NotFound>> GetCredentialMetadata(
        Guid tenantId, Guid credentialId, Caller caller, [AsParameters] CredentialsServices services, CancellationToken cancellationToken)
    {
        var credential = await services.Db.Credentials.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == credentialId && c.TenantId == tenantId, cancellationToken);
        return credential is not null && services.Access.CanSee(caller, credential)
            ? TypedResults.Ok(ToMetadata(credential))
            : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<CredentialMetadata>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateCredential(
        Guid tenantId, Guid credentialId, Caller caller, HttpRequest request, [AsParameters] CredentialsServices services, CancellationToken cancellationToken)
    {
        var credential = await FindManagedAsync(services, tenantId, credentialId, cancellationToken);
        if (credential is null || !services.Access.CanSee(caller, credential))
        {
            return TypedResults.NotFound();
        }
        if (!services.Access.CanManage(caller, credential))
        {
            return Forbidden($"Changing this credential needs {CredentialAccess.ManagePermission}.");
        }
        var (body, error) = await CredentialInput.ReadObjectAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        using (body)
        {
            var errors = CredentialInput.ParseChange(body!.RootElement, out var change);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
            credential.Name = change.Name ?? credential.Name;
            credential.Meta = change.Meta ?? credential.Meta;
        }
        credential.UpdatedAt = DateTimeOffset.UtcNow;
        services.Db.Audit.Add(Audit(credential, AuditActions.Updated, caller));
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToMetadata(credential));
    }

    public static async Task<Results<Ok<CredentialMetadata>, NotFound, ValidationProblem, ProblemHttpResult>> RotateCredential(
        Guid tenantId, Guid credentialId, Caller caller, HttpRequest request, [AsParameters] CredentialsServices services, CancellationToken cancellationToken)
    {
        var credential = await FindManagedAsync(services, tenantId, credentialId, cancellationToken);
        if (credential is null || !services.Access.CanSee(caller, credential))
        {
            return TypedResults.NotFound();
        }
        if (!services.Access.CanManage(caller, credential))
        {
            return Forbidden($"Rotating this credential needs {CredentialAccess.ManagePermission}.");
        }
        var (body, error) = await CredentialInput.ReadObjectAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        byte[]? secret;
        using (body)
        {
            var errors = CredentialInput.ParseRotate(body!.RootElement, out secret);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
        }
        (credential.Ciphertext, credential.KeyVersion) = await services.Vault.SealAsync(tenantId, credential.Id, secret!, cancellationToken);
        Array.Clear(secret!);
        credential.UpdatedAt = DateTimeOffset.UtcNow;
        services.Db.Audit.Add(Audit(credential, AuditActions.Rotated, caller));
        services.Outbox.Add(services.Db, new CredentialRotated(credential.Id, credential.UserId, credential.Type)
        {
            TenantId = tenantId.ToString(), Subject = credential.Id.ToString(),
        });
        await services.Db.SaveChangesAsync(cancellationToken);
        services.Logger.LogInformation("Credential {CredentialId} of tenant {TenantId} rotated", credentialId, tenantId);
        return TypedResults.Ok(ToMetadata(credential));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteCredential(
        Guid tenantId, Guid credentialId, Caller caller, [AsParameters] CredentialsServices services, CancellationToken cancellationToken)
    {
        var credential = await FindManagedAsync(services, tenantId, credentialId, cancellationToken);
        if (credential is null || !services.Access.CanSee(caller, credential))
        {
            return TypedResults.NotFound();
        }
        if (!services.Access.CanManage(caller, credential))
        {
            return Forbidden($"Deleting this credential needs {CredentialAccess.ManagePermission}.");
        }
        services.Db.Credentials.Remove(credential);
        services.Db.Audit.Add(Audit(credential, AuditActions.Deleted, caller));
        services.Outbox.Add(services.Db, new CredentialDeleted(credential.Id, credential.UserId, credential.Type)
        {
            TenantId = tenantId.ToString(), Subject = credential.Id.ToString(),
        });
        await services.Db.SaveChangesAsync(cancellationToken);
        services.Logger.LogInformation("Credential {CredentialId} of tenant {TenantId} deleted", credentialId, tenantId);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<AuditLog>, NotFound, ValidationProblem, ProblemHttpResult>> GetAuditLog(
        Guid tenantId, Guid credentialId, Caller caller, [AsParameters] CredentialsServices services,
        [FromQuery(Name = "limit")] int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit is between 1 and {MaxLimit}."] });
        }
        var credential = await services.Db.Credentials.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == credentialId && c.TenantId == tenantId, cancellationToken);
        if (credential is not null && !services.Access.CanSee(caller, credential))
        {
            return TypedResults.NotFound();
        }
        // A deleted credential's trail stays readable for those who manage the tenant's credentials.
        var allowed = credential is null ? services.Access.ManagesTenant : services.Access.CanManage(caller, credential);
        if (!allowed)
        {
            return credential is null ? TypedResults.NotFound() : Forbidden($"The audit log needs {CredentialAccess.ManagePermission}.");
        }
        var entries = await services.Db.Audit.AsNoTracking()
            .Where(a => a.TenantId == tenantId && a.CredentialId == credentialId)
            .OrderByDescending(a => a.Id).Take(limit ?? DefaultLimit)
            .Select(a => new AuditEntry(a.At, a.Action, a.ActorUserId, a.ActorService, a.OnBehalfOfUserId, a.RunId, a.Tool, a.Purpose))
            .ToListAsync(cancellationToken);
        return credential is null && entries.Count == 0
            ? TypedResults.NotFound()
            : TypedResults.Ok(new AuditLog(credentialId, entries));
    }

    static Task<Credential?> FindManagedAsync(CredentialsServices services, Guid tenantId, Guid credentialId, CancellationToken cancellationToken) =>
        services.Db.Credentials.SingleOrDefaultAsync(c => c.Id == credentialId && c.TenantId == tenantId, cancellationToken);

    static CredentialMetadata ToMetadata(Credential c) =>
        new(c.Id, c.TenantId, c.UserId, c.UserId is null ? "tenant" : "user", c.Type, c.Name, ParseMeta(c.Meta), c.CreatedAt, c.UpdatedAt);

    /// <summary><c>meta={json object}</c> (typed containment) merged with <c>meta.key=value</c> pairs (string values).</summary>
    static string? MetaFilter(IQueryCollection query, string? meta, Dictionary<string, string[]> errors)
    {
        JsonObject? filter = null;
        if (!string.IsNullOrEmpty(meta))
        {
            try
            {
                filter = JsonNode.Parse(meta) as JsonObject;
            }
            catch (JsonException)
            {
                filter = null;
            }
            if (filter is null)
            {
                errors["meta"] = ["meta must be a JSON object, e.g. meta={\"host\":\"smtp.example.com\"}."];
                return null;
            }
        }
        foreach (var (key, values) in query.Where(q => q.Key.StartsWith("meta.", StringComparison.Ordinal) && q.Key.Length > 5))
        {
            filter ??= [];
            filter[key[5..]] = values.ToString();
        }
        return filter?.ToJsonString();
    }
}
