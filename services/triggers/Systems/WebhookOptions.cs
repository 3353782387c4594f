using System.Text.Json.Nodes;

namespace AgentCloud.Triggers.Systems;

/// <summary>A webhook takes no options: its URL and secret are made for it (see Webhooks/).</summary>
public sealed record WebhookOptions : SystemOptions
{
    public static WebhookOptions Parse(OptionsReader reader)
    {
        reader.AllowOnly();
        return new WebhookOptions();
    }

    public override JsonObject ToJson() => [];
}
