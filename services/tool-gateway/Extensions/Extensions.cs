using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ServiceDefaults.Data;
using AgentCloud.ToolGateway.Clients;
using AgentCloud.ToolGateway.Connectors;
using AgentCloud.ToolGateway.Execution;
using AgentCloud.ToolGateway.Execution.Idempotency;
using AgentCloud.ToolGateway.Execution.Steps;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Registry;

namespace AgentCloud.ToolGateway.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMigratedNpgsqlDbContext<ToolsDbContext>("toolsdb");
        builder.AddEventBus().AddOutboxInbox<ToolsDbContext>();

        var services = builder.Services;
        services.AddOptions<ConnectorOptions>().BindConfiguration(ConnectorOptions.Section);

        // Peers, each with this service's own identity.
        builder.AddPermissionDirectory();
        services.AddHttpClient<IBillingClient, BillingClient>(http => http.BaseAddress = new("http://billing/")).AddServiceIdentity();
        services.AddHttpClient<ICredentialsClient, CredentialsClient>(http => http.BaseAddress = new("http://credentials/")).AddServiceIdentity();
        services.AddHttpClient(TwilioConnector.HttpClientName);
        services.AddHttpClient(WebSearchConnector.HttpClientName);
        services.AddHttpClient(ReminderConnector.HttpClientName, http => http.BaseAddress = new("http://triggers/")).AddServiceIdentity();

        // The built-in tools: one connector class per family.
        services.AddToolConnector<TimeConnector>();
        services.AddToolConnector<TodoConnector>();
        services.AddToolConnector<JsonDocumentConnector>();
        services.AddToolConnector<EmailConnector>();
        services.AddToolConnector<TwilioConnector>();
        services.AddToolConnector<HttpRequestConnector>();
        services.AddToolConnector<WebSearchConnector>();
        services.AddToolConnector<ReminderConnector>();
        services.AddSingleton<ToolRegistry>();

        // The executor's pipeline (Execution/ToolExecutor.cs lists the steps in order).
        services.AddOptions<ToolExecutionOptions>().BindConfiguration(ToolExecutionOptions.Section);
        services.AddSingleton<FaultPoints>();
        services.AddSingleton<SignedStatements>();
        services.AddSingleton<ApprovalGrantVerifier>();
        services.AddSingleton<CallContextVerifier>();
        services.AddScoped<CheckPermissions>();
        services.AddSingleton<RequireApproval>();
        services.AddScoped<ToolCallClaims>();
        services.AddScoped<InterruptedCalls>();
        services.AddScoped<ReserveTokens>();
        services.AddScoped<FetchCredential>();
        services.AddSingleton<RunConnector>();
        services.AddScoped<ChargeTokens>();
        services.AddScoped<RecordOutcome>();
        services.AddScoped<ToolExecutor>();

        services.AddMemoryCache();
        services.AddScoped<TenantToolSettings>();
        services.AddScoped<ExternalMcpTools>();
        services.AddScoped<TenantPrices>();
        services.AddScoped<ToolCatalog>();

        builder.AddMcpEndpoint();
    }
}
