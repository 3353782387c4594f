using Dapr.Client;

namespace AgentCloud.ServiceDefaults.Secrets;

/// <summary>
/// Dapr's secrets building block through <see cref="DaprClient.GetSecretAsync"/> (the sidecar's gRPC <c>GetSecret</c>);
/// an empty answer (the HTTP API's 204) means there is no such secret. Errors come from the SDK and name the store and
/// key, never a value.
/// </summary>
public sealed class DaprSecretStore(DaprClient dapr, string storeName) : ISecretStore
{
    public async ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        var values = await dapr.GetSecretAsync(storeName, name, cancellationToken: cancellationToken);
        // Name/value stores answer { name: value }; a multi-key store (Kubernetes) may answer with one differently named key.
        return values.GetValueOrDefault(name) ?? (values is { Count: 1 } ? values.Values.Single() : null);
    }
}
