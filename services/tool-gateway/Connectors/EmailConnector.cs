using System.Net;
using System.Net.Mail;
using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Registry;

namespace AgentCloud.ToolGateway.Connectors;

/// <summary>
/// Email over SMTP. Tenant configuration: <c>host</c>, <c>port</c> (25), <c>from</c>, <c>enableSsl</c> (false),
/// <c>allowedNetworks</c>. Optional credential of type <c>smtp</c>: meta <c>username</c>, secret the password.
/// The SMTP host is resolved and checked by <see cref="NetworkPolicy"/>; without TLS the client connects to the
/// checked address itself, so the name cannot be re-resolved elsewhere in between.
/// </summary>
public sealed class EmailConnector : IToolConnector
{
    public IReadOnlyList<ActionDefinition> Definitions { get; } =
    [
        new("send_email", ActionCategory.Communication, "Send email", "Sends a plain-text email.", ["email:send"], 1,
            DecisionLevel.Suggestion,
            Schemas.Object(new()
            {
                ["to"] = Schemas.String("recipient address", format: "email", maxLength: 320),
                ["subject"] = Schemas.String("subject line", 1, 998),
                ["body"] = Schemas.String("plain-text body", 1, 100_000),
            }, "to", "subject", "body"),
            TimeSpan.FromSeconds(30), CredentialType: "smtp", CredentialOptional: true, CostOperation: "email", EnabledByDefault: false),
    ];

    public async Task<ToolOutcome> ExecuteAsync(ToolContext context, CancellationToken cancellationToken)
    {
        if (context.Setting("host") is not { Length: > 0 } host || context.Setting("from") is not { Length: > 0 } from)
        {
            return ToolOutcome.Fail("not_configured", "Email is not configured for this tenant (host and from are needed).");
        }
        var port = context.Configuration["port"]?.GetValue<int>() ?? 25;
        var ssl = context.Configuration["enableSsl"]?.GetValue<bool>() ?? false;
        var permitted = await NetworkPolicy.FromConfiguration(context.Configuration).ResolvePermittedAsync(host, cancellationToken);
        if (permitted.Length == 0)
        {
            return ToolOutcome.Fail("target_refused", new NetworkRefusedException(host).Message);
        }

        using var client = new SmtpClient(ssl ? host : permitted[0].ToString(), port)
        {
            EnableSsl = ssl,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            UseDefaultCredentials = false,
        };
        if (context.Credential is { } credential)
        {
            client.Credentials = new NetworkCredential(credential.Meta("username") ?? from, credential.Secret);
        }
        using var message = new MailMessage(from, context.Argument("to")!, context.Argument("subject"), context.Argument("body"));
        // Lets the recipient side (and our tests) tie a message to its tool call.
        message.Headers.Add("X-AgentCloud-Tool-Call", context.ToolCallId);
        try
        {
            await client.SendMailAsync(message, cancellationToken);
        }
        catch (SmtpException e)
        {
            return ToolOutcome.Fail("smtp_error", $"The mail server refused the message: {e.StatusCode}.");
        }
        return ToolOutcome.Ok(new JsonObject { ["sent"] = true, ["to"] = context.Argument("to") });
    }
}
