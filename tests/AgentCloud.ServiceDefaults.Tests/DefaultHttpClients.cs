using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentCloud.ServiceDefaults.Tests;

/// <summary>An HttpClient from the factory of a host with the service defaults (discovery, resilience).</summary>
static class DefaultHttpClients
{
    public static HttpClient Create(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        return builder.Build().Services.GetRequiredService<IHttpClientFactory>().CreateClient();
    }
}
