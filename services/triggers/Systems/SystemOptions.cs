using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Triggers;
using AgentCloud.Triggers.Extensions;

namespace AgentCloud.Triggers.Systems;

/// <summary>A system's validated options; <see cref="ToJson"/> is what is stored and shown.</summary>
public abstract record SystemOptions
{
    public abstract JsonObject ToJson();

    /// <summary>Reads stored options (already validated when they were written).</summary>
    public static SystemOptions Load(string system, string options, int minPollIntervalSeconds = 1)
    {
        using var document = JsonDocument.Parse(options);
        var errors = new Dictionary<string, string[]>();
        return Parse(system, document.RootElement, new OptionsContext(null, minPollIntervalSeconds), errors)
            ?? throw new InvalidOperationException($"Stored {system} options no longer validate: {string.Join("; ", errors.Keys)}");
    }

    /// <summary>Validates <paramref name="options"/> for <paramref name="system"/>; null with errors when invalid.</summary>
    public static SystemOptions? Parse(string system, JsonElement options, OptionsContext context, Dictionary<string, string[]> errors)
    {
        if (options.ValueKind != JsonValueKind.Object)
        {
            errors["options"] = ["options must be a JSON object."];
            return null;
        }
        var reader = new OptionsReader(options, errors);
        SystemOptions? parsed = system switch
        {
            TriggerSystems.Timer => TimerOptions.Parse(reader, context),
            TriggerSystems.Webhook => WebhookOptions.Parse(reader),
            TriggerSystems.HttpPoll => HttpPollOptions.Parse(reader, context),
            TriggerSystems.Gmail => GmailOptions.Parse(reader, context),
            TriggerSystems.HubSpot => HubSpotOptions.Parse(reader, context),
            _ => null,
        };
        return reader.Valid ? parsed : null;
    }

    /// <summary>Whether the system needs (true), may use (null) or refuses (false) a credential.</summary>
    public static bool? CredentialRule(string system) => system switch
    {
        TriggerSystems.Gmail or TriggerSystems.HubSpot => true,
        TriggerSystems.HttpPoll => null,
        _ => false,
    };
}

/// <summary><see cref="Now"/> is set when a user writes options (so an <c>at</c> in the past is refused), null on reads.</summary>
public sealed record OptionsContext(DateTimeOffset? Now, int MinPollIntervalSeconds)
{
    public static OptionsContext ForWrite(DateTimeOffset now, TriggersSettings settings) => new(now, settings.MinPollIntervalSeconds);
}

/// <summary>Options of a polled system: triggers whose <see cref="ListenerKey"/> is equal share one listener.</summary>
public abstract record PolledOptions : SystemOptions
{
    public abstract string System { get; }

    public abstract int IntervalSeconds { get; }

    /// <summary>What decides the requests the listener makes (not per-trigger filters, not the interval).</summary>
    protected abstract string Compatibility();

    public string ListenerKey(Guid tenantId, Guid? credentialId)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Compatibility())))[..16];
        return $"{System}:{tenantId:N}:{credentialId?.ToString("N") ?? "none"}:{hash}";
    }

    protected static int ReadInterval(OptionsReader reader, OptionsContext context, int fallback) =>
        reader.Integer("interval_seconds", context.MinPollIntervalSeconds, 86_400) ?? Math.Max(fallback, context.MinPollIntervalSeconds);
}
