using System.Text.Json;
using AgentCloud.Contracts.Credentials;
using AgentCloud.Credentials.Crypto;
using AgentCloud.Credentials.Model;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Credentials.Apis;

/// <summary>Seed 003's credentials API: create (users) and the privileged read with the secret (services).</summary>
public static partial class CredentialsApi
{
    /// <summary>The services that use secrets: tools (tool-gateway), model providers (agents), listeners' OAuth tokens (triggers).</summary>
    public static readonly string[] SecretReaders = ["tool-gateway", "agents", "triggers"];

    public static IEndpointRouteBuilder MapCredentialsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tenant/{tenantId:guid}/credentials").WithTags("Credentials").RequireTenantFromRoute("tenantId")
            .AddEndpointFilter<VaultFailureFilter>().AddEndpointFilter<CredentialAccessFilter>();

        group.MapPost("/", CreateCredential).RequireUser()
            .Accepts<CreateCredentialRequest>("application/json")
            .WithName("CreateCredential").WithSummary("Store a credential; its secret is encrypted at rest (seed 003)");
        group.MapGet("/{credentialId:guid}", ReadCredentialSecret).RequireService(SecretReaders)
            .WithName("ReadCredentialSecret").WithSummary("The credential with its secret, for services; user_id must match a user-scoped credential");

        group.MapGet("/", ListCredentials).RequireUserOrService("tool-gateway", "agents")
            .WithName("ListCredentials").WithSummary("Metadata only; filter by type, user_id, usable_by, scope and meta (meta.<key>=<value> or meta={json})");
        group.MapGet("/{credentialId:guid}/metadata", GetCredentialMetadata).RequireUserOrService("tool-gateway", "agents")
            .WithName("GetCredentialMetadata").WithSummary("One credential without its secret");
        group.MapPatch("/{credentialId:guid}", UpdateCredential).RequireUser()
            .Accepts<UpdateCredentialRequest>("application/json")
            .WithName("UpdateCredential").WithSummary("Rename and/or replace meta");
        group.MapPut("/{credentialId:guid}/secret", RotateCredential).RequireUser()
            .Accepts<RotateCredentialRequest>("application/json")
            .WithName("RotateCredential").WithSummary("Replace the secret, keep the id");
        group.MapDelete("/{credentialId:guid}", DeleteCredential).RequireUser()
            .WithName("DeleteCredential").WithSummary("Delete a credential and its ciphertext");
        group.MapGet("/{credentialId:guid}/audit", GetAuditLog).RequireUser()
            .WithName("GetCredentialAudit").WithSummary("Who read or changed the credential, when, for which run and tool");
        return app;
    }

    public static async Task<Results<Created<CredentialCreated>, ValidationProblem, ProblemHttpResult>> CreateCredential(
        Guid tenantId, Caller caller, HttpRequest request, [AsParameters] CredentialsServices services, CancellationToken cancellationToken)
    {
        var (body, error) = await CredentialInput.ReadObjectAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        CredentialInput.NewCredential? input;
        using (body)
        {
            var errors = CredentialInput.ParseCreate(body!.RootElement, out input);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }
        }
        var userId = input!.UserIdGiven ? input.UserId : caller.UserId;
        if (userId != caller.UserId && !services.Access.ManagesTenant)
        {
            return Forbidden(userId is null
                ? $"Tenant-wide credentials need {CredentialAccess.ManagePermission}."
                : $"Credentials for another user need {CredentialAccess.ManagePermission}.");
        }

        var now = DateTimeOffset.UtcNow;
        var credential = new Credential
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            UserId = userId,
            Type = input.Type,
            Name = input.Name,
            Meta = input.Meta,
            Ciphertext = [],
            CreatedAt = now,
            UpdatedAt = now,
        };
        (credential.Ciphertext, credential.KeyVersion) = await services.Vault.SealAsync(tenantId, credential.Id, input.Secret, cancellationToken);
        Array.Clear(input.Secret);
        services.Db.Credentials.Add(credential);
        services.Db.Audit.Add(Audit(credential, AuditActions.Created, caller));
        await services.Db.SaveChangesAsync(cancellationToken);
        services.Logger.LogInformation("Credential {CredentialId} ({Type}) created for tenant {TenantId}", credential.Id, credential.Type, tenantId);
        return TypedResults.Created($"/tenant/{tenantId}/credentials/{credential.Id}/metadata", new CredentialCreated(credential.Id));
    }

    public static async Task<Results<Ok<CredentialSecret>, NotFound, ValidationProblem, ProblemHttpResult>> ReadCredentialSecret(
        Guid tenantId, Guid credentialId, Caller caller, HttpResponse response, [AsParameters] CredentialsServices services,
        [FromQuery(Name = "user_id")] string? userId, [FromQuery(Name = "run_id")] string? runId,
        [FromQuery(Name = "tool")] string? tool, [FromQuery(Name = "purpose")] string? purpose,
        [FromHeader(Name = "X-Run-Id")] string? runIdHeader, [FromHeader(Name = "X-Tool-Name")] string? toolHeader,
        [FromHeader(Name = "X-Purpose")] string? purposeHeader, CancellationToken cancellationToken)
    {
        (runId, tool, purpose) = (runId ?? runIdHeader, tool ?? toolHeader, purpose ?? purposeHeader);
        var errors = CredentialInput.ParsePurpose(runId, tool, purpose);
        Guid? onBehalfOf = null;
        if (!string.IsNullOrEmpty(userId))
        {
            if (Guid.TryParse(userId, out var parsed))
            {
                onBehalfOf = parsed;
            }
            else
            {
                errors["user_id"] = ["user_id must be a UUID."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var credential = await services.Db.Credentials.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Id == credentialId && c.TenantId == tenantId, cancellationToken);
        if (credential is null)
        {
            return TypedResults.NotFound();
        }

        // Seed 003: a credential created with a user_id is only handed out with that same user_id.
        if (credential.UserId is not null && credential.UserId != onBehalfOf)
        {
            await RecordAsync(AuditActions.ReadDenied);
            return TypedResults.NotFound();
        }

        byte[] plaintext;
        try
        {
            plaintext = await services.Vault.OpenAsync(credential, cancellationToken);
        }
        catch (CredentialIntegrityException e)
        {
            services.Logger.LogError("Credential {CredentialId} of tenant {TenantId} failed to decrypt: {Reason}", credentialId, tenantId, e.Message);
            await RecordAsync(AuditActions.ReadFailed);
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError,
                title: "The credential cannot be decrypted: its integrity check failed.", detail: e.Message);
        }
        catch (MasterKeyUnavailableException e)
        {
            services.Logger.LogError("Credential {CredentialId} of tenant {TenantId}: {Reason}", credentialId, tenantId, e.Message);
            await RecordAsync(AuditActions.ReadFailed);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The vault's master key is unavailable.", detail: e.Message);
        }

        JsonElement secret;
        try
        {
            using var document = JsonDocument.Parse(plaintext);
            secret = document.RootElement.Clone();
        }
        finally
        {
            Array.Clear(plaintext);
        }
        // The read is on record before the secret leaves: no audit row, no secret.
        await RecordAsync(AuditActions.Read);
        response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new CredentialSecret(
            credential.Id, credential.TenantId, credential.UserId, credential.Type, credential.Name, ParseMeta(credential.Meta), secret, credential.UpdatedAt));

        async Task RecordAsync(string action)
        {
            services.Db.Audit.Add(new CredentialAuditEntry
            {
                TenantId = tenantId, CredentialId = credentialId, Action = action, ActorService = caller.ServiceName,
                OnBehalfOfUserId = onBehalfOf, RunId = runId, Tool = tool, Purpose = purpose,
            });
            await services.Db.SaveChangesAsync(cancellationToken);
        }
    }

    static CredentialAuditEntry Audit(Credential credential, string action, Caller caller) => new()
    {
        TenantId = credential.TenantId,
        CredentialId = credential.Id,
        Action = action,
        ActorUserId = caller.UserId,
        ActorService = caller.ServiceName,
    };

    static JsonElement ParseMeta(string meta)
    {
        using var document = JsonDocument.Parse(meta);
        return document.RootElement.Clone();
    }

    static ProblemHttpResult Forbidden(string title) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: title);
}
