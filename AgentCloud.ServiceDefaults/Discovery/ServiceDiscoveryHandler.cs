namespace AgentCloud.ServiceDefaults.Discovery;

/// <summary>Rewrites requests for a logical service name (http://billing/...) to the address configuration gives it.</summary>
sealed class ServiceDiscoveryHandler(ServiceEndpointResolver resolver) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && resolver.Resolve(uri) is { } resolved)
        {
            request.RequestUri = resolved;
        }
        return base.SendAsync(request, cancellationToken);
    }
}
