using Microsoft.Extensions.Configuration;

namespace AgentCloud.ServiceDefaults.Discovery;

/// <summary>
/// Aspire's configuration-based discovery: <c>services__billing__http__0=http://127.0.0.1:5105</c> makes
/// <c>http://billing</c> resolve to that address.
/// </summary>
public sealed class ServiceEndpointResolver(IConfiguration configuration)
{
    public Uri? Resolve(Uri uri)
    {
        if (!uri.IsAbsoluteUri || uri.Host.Contains('.') || uri.HostNameType != UriHostNameType.Dns || !uri.IsDefaultPort)
        {
            return null;
        }

        var endpoint = configuration[$"services:{uri.Host}:{uri.Scheme}:0"];
        if (endpoint is null)
        {
            return null;
        }

        var target = new Uri(endpoint);
        return new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
    }
}
