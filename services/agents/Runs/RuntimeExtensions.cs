using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Conversations;
using AgentCloud.Agents.Decisions;
using AgentCloud.Agents.Loop;
using AgentCloud.Agents.Memory;
using AgentCloud.Agents.Models;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentCloud.Agents.Runs;

public static class RuntimeHttpClients
{
    public const string ToolGateway = "tool-gateway";
    public const string Billing = "billing";
}

public static class RuntimeExtensions
{
    /// <summary>The agent runtime: agents, conversations, the run queue and its workers, the loop, decisions, memory.</summary>
    public static IHostApplicationBuilder AddAgentRuntime(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RuntimeOptions>().BindConfiguration(RuntimeOptions.Section);
        services.AddOptions<ApprovalOptions>().BindConfiguration(ApprovalOptions.Section);
        services.AddHttpClient(RuntimeHttpClients.ToolGateway, c => c.BaseAddress = new("http://tool-gateway")).AddServiceIdentity();
        services.AddHttpClient(RuntimeHttpClients.Billing, c => c.BaseAddress = new("http://billing")).AddServiceIdentity();

        // AddModelProviders registers the provider-aware factory first; without it, only the offline model.
        services.TryAddSingleton<IAgentChatClientFactory, OfflineChatClientFactory>();

        services.AddSingleton<WorkerIdentity>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<RunWriter>();
        services.AddSingleton<RunSignals>();
        services.AddSingleton<RunQueueSignal>();
        services.AddSingleton<RunFaultPoint>();
        services.AddSingleton<AgentDefinitions>();
        services.AddSingleton<DefaultAgents>();
        services.AddSingleton<TokenCounter>();
        services.AddSingleton<ContextBuilder>();
        services.AddSingleton<ToolCatalog>();
        services.AddSingleton<ToolSetBuilder>();
        services.AddSingleton<GatewayClient>();
        services.AddSingleton<BillingClient>();
        services.AddSingleton<ApprovalGrants>();
        services.AddSingleton<CallContexts>();
        services.AddSingleton<Summarizer>();
        services.AddSingleton<SubAgentRunner>();
        services.AddSingleton<ToolStepRunner>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<ApprovalService>();
        services.AddSingleton<RunCancellation>();
        services.AddScoped<AgentValidation>();
        services.AddScoped<TurnService>();

        services.AddSingleton<BillingSettlements>();
        services.AddHostedService(sp => sp.GetRequiredService<BillingSettlements>());
        services.AddSingleton<RunDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<RunDispatcher>());
        services.AddHostedService<RuntimeNotifications>();
        services.AddHostedService<ApprovalExpirySweeper>();
        return builder;
    }

    public static WebApplication MapAgentRuntimeApis(this WebApplication app)
    {
        app.MapAgentsApi();
        app.MapChatApi();
        app.MapAgentProcessApi();
        app.MapChatCompletionsApi();
        app.MapConversationsApi();
        app.MapRunsApi();
        app.MapApprovalsApi();
        app.MapFactsApi();
        app.MapModelProviderApi();
        return app;
    }
}
