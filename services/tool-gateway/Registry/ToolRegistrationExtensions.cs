namespace AgentCloud.ToolGateway.Registry;

public static class ToolRegistrationExtensions
{
    public static IServiceCollection AddToolConnector<TConnector>(this IServiceCollection services)
        where TConnector : class, IToolConnector
    {
        services.AddSingleton<TConnector>();
        services.AddSingleton<IToolConnector>(sp => sp.GetRequiredService<TConnector>());
        return services;
    }
}
