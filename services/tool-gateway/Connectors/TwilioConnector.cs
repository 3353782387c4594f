using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Registry;
using Microsoft.Extensions.Options;

namespace AgentCloud.ToolGateway.Connectors;

/// <summary>
/// SMS, WhatsApp and voice calls through Twilio's REST API: <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>
/// and <c>Calls.json</c>, form-encoded, basic auth AccountSid:AuthToken. Credential type <c>twilio</c>: meta
/// <c>account_sid</c>, secret the auth token. Sender from the tenant configuration (<c>from</c>, <c>whatsappFrom</c>).
/// </summary>
public sealed class TwilioConnector(IHttpClientFactory httpClients, IOptions<ConnectorOptions> options) : IToolConnector
{
    public const string HttpClientName = "twilio";
    const string Phone = @"^\+[1-9][0-9]{6,14}$";

    public IReadOnlyList<ActionDefinition> Definitions { get; } =
    [
        new("send_sms", ActionCategory.Communication, "Send SMS", "Sends a text message to a phone number.", ["sms:send"], 1,
            DecisionLevel.Suggestion, Message(), TimeSpan.FromSeconds(20), CredentialType: "twilio", CostOperation: "sms", EnabledByDefault: false),
        new("send_whatsapp", ActionCategory.Communication, "Send WhatsApp message", "Sends a WhatsApp message to a phone number.",
            ["whatsapp:send"], 10, DecisionLevel.Suggestion, Message(), TimeSpan.FromSeconds(20), CredentialType: "twilio",
            CostOperation: "whatsapp_conversation", EnabledByDefault: false),
        new("make_phone_call", ActionCategory.Communication, "Phone call", "Calls a phone number and speaks a message.", ["phone:call"], 50,
            DecisionLevel.ApprovalRequired,
            Schemas.Object(new()
            {
                ["to"] = Schemas.String("E.164 phone number", pattern: Phone),
                ["message"] = Schemas.String("what to say", 1, 4000),
            }, "to", "message"),
            TimeSpan.FromSeconds(20), RequiresApproval: true, CredentialType: "twilio", CostOperation: "phone_call", EnabledByDefault: false),
    ];

    static JsonObject Message() => Schemas.Object(new()
    {
        ["to"] = Schemas.String("E.164 phone number", pattern: Phone),
        ["body"] = Schemas.String("message text", 1, 1600),
    }, "to", "body");

    public async Task<ToolOutcome> ExecuteAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var credential = context.Credential!;
        if (credential.Meta("account_sid") is not { Length: > 0 } accountSid)
        {
            return ToolOutcome.Fail("credential_unusable", "The Twilio credential has no account_sid.");
        }
        var whatsapp = context.Definition.Key == "send_whatsapp";
        var from = whatsapp ? context.Setting("whatsappFrom") ?? context.Setting("from") : context.Setting("from");
        if (from is null)
        {
            return ToolOutcome.Fail("not_configured", "No sender number is configured for this tenant.");
        }
        var to = context.Argument("to")!;
        var call = context.Definition.Key == "make_phone_call";
        Dictionary<string, string> form = call
            ? new() { ["To"] = to, ["From"] = from, ["Twiml"] = $"<Response><Say>{SecurityElement.Escape(context.Argument("message"))}</Say></Response>" }
            : new() { ["To"] = whatsapp ? $"whatsapp:{to}" : to, ["From"] = whatsapp ? $"whatsapp:{from}" : from, ["Body"] = context.Argument("body")! };

        var url = $"{options.Value.TwilioBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/{(call ? "Calls" : "Messages")}.json";
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{credential.Secret}")));
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken) is { Length: > 0 } text ? text : "{}");
        if (!response.IsSuccessStatusCode)
        {
            var reason = body.RootElement.TryGetProperty("message", out var m) ? m.GetString() : response.ReasonPhrase;
            return ToolOutcome.Fail("provider_error", $"Twilio answered {(int)response.StatusCode}: {reason}");
        }
        return ToolOutcome.Ok(new JsonObject
        {
            ["sid"] = body.RootElement.TryGetProperty("sid", out var sid) ? sid.GetString() : null,
            ["status"] = body.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null,
            ["to"] = to,
        });
    }
}
