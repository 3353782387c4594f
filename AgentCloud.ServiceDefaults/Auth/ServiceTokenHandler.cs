using System.Net.Http.Headers;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>
/// Puts this service's own token on outgoing calls that carry no Authorization header of their own: a token for the
/// service the request is addressed to by its logical name (<c>http://billing/...</c>; discovery resolves the address
/// after this handler: see <see cref="AuthExtensions.AddServiceIdentity"/>).
/// </summary>
public sealed class ServiceTokenHandler(ServiceTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(request.RequestUri!.Host, cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
