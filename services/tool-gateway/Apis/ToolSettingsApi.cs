using System.Net;
using System.Text.Json.Nodes;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ToolGateway.Execution;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using AgentCloud.ToolGateway.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Apis;

/// <summary>Tenant admins enable tools and configure them (SMTP host, sender numbers, allowed networks, ...).
/// Configuration is not a place for secrets: those live in the credentials service.</summary>
public static class ToolSettingsApi
{
    const int MaxConfigurationBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapToolSettingsApi(this IEndpointRouteBuilder app)
    {
        var settings = app.MapGroup("/tool-settings").WithTags("Tool settings").RequireTenantAdmin();
        settings.MapGet("/", ListSettings).WithName("ListToolSettings").WithSummary("Every tool with this tenant's enablement and configuration");
        settings.MapPut("/{key}", PutSetting).WithName("PutToolSetting").WithSummary("Enables or disables a tool and sets its configuration");
        return app;
    }

    public static async Task<Ok<List<ToolSettingResponse>>> ListSettings(
        Caller caller, TenantToolSettings settings, ToolRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok((await settings.EffectiveToolsAsync(registry, caller.TenantId, cancellationToken))
            .Select(t => new ToolSettingResponse(t.Definition.Key, t.Enabled, t.RequiresApproval, t.Configuration)).ToList());

    public static async Task<Results<Ok<ToolSettingResponse>, NotFound, ValidationProblem>> PutSetting(
        string key, ToolSettingRequest request, Caller caller, ToolsDbContext db, TenantToolSettings settings, ToolRegistry registry,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (!registry.TryGet(key, out var definition, out _))
        {
            return TypedResults.NotFound();
        }
        var configuration = request.Configuration ?? [];
        if (Validate(configuration) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var setting = await db.TenantToolSettings.SingleOrDefaultAsync(s => s.TenantId == caller.TenantId && s.ToolKey == key, cancellationToken);
        if (setting is null)
        {
            setting = new TenantToolSetting { TenantId = caller.TenantId, ToolKey = key };
            db.TenantToolSettings.Add(setting);
        }
        setting.Enabled = request.Enabled;
        setting.RequireApproval = request.RequireApproval ?? setting.RequireApproval;
        setting.Configuration = configuration.ToJsonString();
        setting.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        settings.Forget(caller.TenantId);
        var effective = await settings.EffectiveToolAsync(definition, caller.TenantId, cancellationToken);
        return TypedResults.Ok(new ToolSettingResponse(key, effective.Enabled, effective.RequiresApproval, effective.Configuration));
    }

    static Dictionary<string, string[]> Validate(JsonObject configuration)
    {
        var errors = new Dictionary<string, string[]>();
        if (configuration.ToJsonString().Length > MaxConfigurationBytes)
        {
            errors["configuration"] = [$"The configuration is limited to {MaxConfigurationBytes} bytes."];
        }
        if (configuration["allowedNetworks"] is { } networks
            && (networks is not JsonArray list || list.Any(n => n is not JsonValue v || !v.TryGetValue<string>(out var s) || !IPNetwork.TryParse(s, out _))))
        {
            errors["configuration.allowedNetworks"] = ["allowedNetworks must be an array of CIDR strings such as 10.1.0.0/16."];
        }
        foreach (var number in new[] { "port", "maxResponseBytes" })
        {
            if (configuration[number] is { } value && (value is not JsonValue v || !v.TryGetValue<int>(out var n) || n <= 0))
            {
                errors[$"configuration.{number}"] = [$"{number} must be a positive whole number."];
            }
        }
        if (configuration["timeoutSeconds"] is { } timeout && (timeout is not JsonValue t || !t.TryGetValue<double>(out var seconds) || seconds <= 0))
        {
            errors["configuration.timeoutSeconds"] = ["timeoutSeconds must be a positive number."];
        }
        return errors;
    }
}
