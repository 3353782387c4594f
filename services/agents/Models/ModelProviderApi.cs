using AgentCloud.Agents.Apis;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentCloud.Agents.Models;

public sealed record ModelProviderRequest(string? Endpoint, string? CredentialId, string? Model);

public sealed record ModelProviderView(string Provider, string Endpoint, Guid? CredentialId, string? Model, DateTimeOffset UpdatedAt)
{
    public static ModelProviderView Of(TenantModelProvider p) => new(ModelProviderFactory.Provider, p.Endpoint.ToString(), p.CredentialId, p.Model, p.UpdatedAt);
}

/// <summary>The caller's tenant's OpenAI-compatible provider: read by its users, set and removed by its admins.</summary>
public static class ModelProviderApi
{
    public static IEndpointRouteBuilder MapModelProviderApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/model-provider").WithTags("Models");
        group.MapGet("/", GetProvider).RequireUser().WithName("GetModelProvider");
        group.MapPut("/", SetProvider).RequireTenantAdmin().WithName("SetModelProvider")
            .WithSummary("Endpoint (the /v1 base URL), credential holding the API key, default model");
        group.MapDelete("/", DeleteProvider).RequireTenantAdmin().WithName("DeleteModelProvider");
        return app;
    }

    public static async Task<Results<Ok<ModelProviderView>, NotFound>> GetProvider(Caller caller, ModelProviders providers, CancellationToken cancellationToken) =>
        await providers.GetAsync(caller.TenantId, cancellationToken) is { } provider ? TypedResults.Ok(ModelProviderView.Of(provider)) : TypedResults.NotFound();

    public static async Task<Results<Ok<ModelProviderView>, ValidationProblem>> SetProvider(ModelProviderRequest? request, Caller caller,
        ModelProviders providers, CancellationToken cancellationToken)
    {
        Guid? credentialId = null;
        var endpointOk = Uri.TryCreate(request?.Endpoint, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https"
            && endpoint.UserInfo.Length == 0 && endpoint.Query.Length == 0 && endpoint.Fragment.Length == 0 && request!.Endpoint!.Length <= 500;
        var check = new Validation()
            .Check("endpoint", endpointOk, "endpoint must be an http(s) URL without credentials or query, at most 500 characters (e.g. https://api.openai.com/v1).")
            .Check("credentialId", request?.CredentialId is null || Guid.TryParse(request.CredentialId, out var parsed) && (credentialId = parsed) is not null,
                "credentialId must be a UUID (a credential holding {\"api_key\": ...}), or null for a server without keys.")
            .Check("model", request?.Model is null || request.Model.Trim() is { Length: > 0 and <= 200 }, "model is at most 200 characters.");
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var saved = await providers.SetAsync(caller.TenantId, caller.UserId!.Value,
            new TenantModelProvider(endpoint!, credentialId, request!.Model?.Trim(), default), cancellationToken);
        return TypedResults.Ok(ModelProviderView.Of(saved));
    }

    public static async Task<Results<NoContent, NotFound>> DeleteProvider(Caller caller, ModelProviders providers, CancellationToken cancellationToken) =>
        await providers.DeleteAsync(caller.TenantId, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();
}
