using System.Collections.Concurrent;
using AgentCloud.Contracts.Triggers;
using AgentCloud.ServiceDefaults.Http;
using AgentCloud.Triggers.Clients;
using AgentCloud.Triggers.Extensions;
using Microsoft.Extensions.Options;

namespace AgentCloud.Triggers.Listeners;

/// <summary>
/// Seed 003's listener factory: one <see cref="Listener"/> per listener key (system, tenant, credential, compatible
/// options), made on first use and reused by every trigger with that key, on this replica. Forgotten when no active
/// trigger uses it any more.
/// </summary>
public sealed class ListenerFactory(IHttpClientFactory httpClients, IOptions<TriggersSettings> options) : IDisposable
{
    public const string ProviderClient = "trigger-listeners";

    readonly ConcurrentDictionary<string, Listener> _listeners = new();
    readonly Lazy<HttpClient> _pollClient = new(() => new HttpClient(SafeHttp.CreateHandler(new NetworkPolicy(
        [.. options.Value.HttpPollAllowedNetworks.Select(System.Net.IPNetwork.Parse)]))) { Timeout = Timeout.InfiniteTimeSpan });

    /// <summary>How many listeners this replica holds (each serves every trigger sharing its key).</summary>
    public int Count => _listeners.Count;

    public Listener GetOrCreate(string key, string system) => _listeners.GetOrAdd(key, _ => Create(system));

    public void Forget(string key) => _listeners.TryRemove(key, out _);

    Listener Create(string system)
    {
        var settings = options.Value;
        var credentials = new CredentialsClient(httpClients.CreateClient(nameof(CredentialsClient)));
        return system switch
        {
            TriggerSystems.HttpPoll => new HttpPollListener(credentials, _pollClient.Value, settings.PollMaxResponseBytes),
            TriggerSystems.Gmail => new GmailListener(credentials, httpClients.CreateClient(ProviderClient), settings.GmailBaseUrl,
                settings.GmailTokenUrl, settings.PollMaxResponseBytes),
            TriggerSystems.HubSpot => new HubSpotListener(credentials, httpClients.CreateClient(ProviderClient), settings.HubSpotBaseUrl,
                settings.HubSpotTokenUrl, settings.PollMaxResponseBytes),
            _ => throw new InvalidOperationException($"{system} has no listener."),
        };
    }

    public void Dispose()
    {
        if (_pollClient.IsValueCreated)
        {
            _pollClient.Value.Dispose();
        }
    }
}
