using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace AgentCloud.ServiceDefaults.Secrets;

/// <summary>
/// Configuration first (<c>Secrets__{name}</c> in the environment overrides), then the JSON file named by
/// <c>Secrets:File</c>, which the AppHost creates with mode 0600 on first run.
/// </summary>
public sealed class LocalSecretStore(IConfiguration configuration) : ISecretStore
{
    readonly Lazy<Dictionary<string, string>> _file = new(() => ReadFile(configuration["Secrets:File"]));

    public ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(configuration[$"Secrets:{name}"] ?? _file.Value.GetValueOrDefault(name));

    static Dictionary<string, string> ReadFile(string? path) =>
        path is null || !File.Exists(path)
            ? []
            : JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? [];
}
