namespace AgentCloud.Contracts.Billing;

/// <summary>Seed 002's operation types; each has a cost in tokens (defaults in billing, overridable per tenant plan).</summary>
public static class OperationTypes
{
    public const string WhatsAppConversation = "whatsapp_conversation";
    public const string Sms = "sms";
    public const string Email = "email";
    public const string ElevenLabsCall = "elevenlabs_call";
    public const string InternalApiLlm = "internal_api_llm";
    public const string MonthlyFee = "monthly_fee";
}
