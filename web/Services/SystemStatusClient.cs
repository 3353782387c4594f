namespace AgentCloud.Web.Services;

/// <summary>Asks each backend service for its health through service discovery (http://{name}/health).</summary>
public sealed class SystemStatusClient(HttpClient http)
{
    public static readonly string[] Services = ["agents", "tool-gateway", "credentials", "triggers", "billing"];

    public async Task<IReadOnlyList<ServiceStatus>> GetAsync(CancellationToken cancellationToken)
    {
        var checks = Services.Select(async name =>
        {
            try
            {
                using var response = await http.GetAsync($"http://{name}/health", cancellationToken);
                return new ServiceStatus(name, response.IsSuccessStatusCode ? "Healthy" : $"Unhealthy ({(int)response.StatusCode})");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                return new ServiceStatus(name, $"Unreachable ({e.GetType().Name})");
            }
        });
        return await Task.WhenAll(checks);
    }
}

public sealed record ServiceStatus(string Name, string State);
