using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>What a user may do, as the directory (the agents service) works it out from grants, roles and teams.</summary>
public interface IPermissionDirectory
{
    /// <summary>The user's effective permission strings (business → user → location inheritance is the directory's
    /// business); null when the user is unknown to it.</summary>
    Task<IReadOnlySet<string>?> GetEffectivePermissionsAsync(Guid tenantId, Guid userId, Guid? locationId, CancellationToken cancellationToken);
}

/// <summary><c>GET http://agents/tenants/{tenantId}/users/{id}/permissions?locationId=</c> with this service's identity.</summary>
public sealed class PermissionDirectoryClient(HttpClient http) : IPermissionDirectory
{
    sealed record EffectivePermission(string Permission);

    sealed record EffectivePermissions(IReadOnlyList<EffectivePermission> Permissions);

    public async Task<IReadOnlySet<string>?> GetEffectivePermissionsAsync(
        Guid tenantId, Guid userId, Guid? locationId, CancellationToken cancellationToken)
    {
        var url = $"tenants/{tenantId}/users/{userId}/permissions" + (locationId is { } l ? $"?locationId={l}" : "");
        using var response = await http.GetAsync(url, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        var effective = await response.Content.ReadFromJsonAsync<EffectivePermissions>(cancellationToken)
            ?? throw new InvalidOperationException("The agents service answered permissions without a body.");
        return effective.Permissions.Select(p => p.Permission).ToHashSet(StringComparer.Ordinal);
    }
}

public static class PermissionDirectoryExtensions
{
    /// <summary>The directory client (<see cref="IPermissionDirectory"/>), calling the agents service as this service.</summary>
    public static IHostApplicationBuilder AddPermissionDirectory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient<IPermissionDirectory, PermissionDirectoryClient>(http => http.BaseAddress = new("http://agents/"))
            .AddServiceIdentity();
        return builder;
    }

    /// <summary>Whether the calling user holds <paramref name="permission"/> at business level (throws
    /// <see cref="HttpRequestException"/> when the directory cannot answer: see <see cref="DirectoryUnavailable"/>).</summary>
    public static async Task<bool> CallerHoldsAsync(
        this IPermissionDirectory directory, Caller caller, string permission, CancellationToken cancellationToken) =>
        (await directory.GetEffectivePermissionsAsync(caller.TenantId, caller.UserId!.Value, null, cancellationToken))?.Contains(permission) == true;

    /// <summary>503: a permission could not be checked (never a 500, never an answer guessed).</summary>
    public static ProblemHttpResult DirectoryUnavailable(string permission, HttpRequestException failure) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
            title: $"The permission directory could not say whether you hold {permission}; try again.",
            detail: failure.StatusCode is { } status ? $"The agents service answered {(int)status}." : null);

    /// <summary>
    /// A user of the route's tenant (404 for another tenant) who holds <paramref name="permission"/> at business level,
    /// as the directory says (403 otherwise). Needs <see cref="AddPermissionDirectory"/>.
    /// </summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission, string tenantParameter = "tenantId")
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireUser().RequireTenantFromRoute(tenantParameter).AddEndpointFilter(async (context, next) =>
        {
            var directory = context.HttpContext.RequestServices.GetRequiredService<IPermissionDirectory>();
            bool holds;
            try
            {
                holds = await directory.CallerHoldsAsync(context.HttpContext.GetCaller()!, permission, context.HttpContext.RequestAborted);
            }
            catch (HttpRequestException e)
            {
                return DirectoryUnavailable(permission, e);
            }
            return holds
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: $"This needs the permission {permission}.",
                    extensions: new Dictionary<string, object?> { ["permission"] = permission });
        });
}
