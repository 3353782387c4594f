namespace AgentCloud.Agents.Models;

/// <summary>Timeouts and retries of calls to a tenant's model provider (configuration section <c>Models</c>).</summary>
public sealed class ModelProviderOptions
{
    public const string Section = "Models";

    /// <summary>One attempt, until the provider's response starts (its headers; a streamed answer then flows).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>All attempts of one model call together, retry delays included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(150);

    /// <summary>Longest silence between two chunks of a streamed answer (and a whole non-streamed answer).</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries after a transient failure (connection error, timeout, 408, 429, 5xx), exponential with jitter; Retry-After is honoured.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay (then doubled).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a tenant's provider settings are reused by a replica (a change through the API applies at once on its replica).</summary>
    public TimeSpan SettingsCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
