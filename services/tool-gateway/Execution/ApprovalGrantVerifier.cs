using AgentCloud.Contracts.Tools;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>Checks an <see cref="ApprovalGrant"/> against the call it must approve; returns why it is refused, or null.</summary>
public sealed class ApprovalGrantVerifier(SignedStatements statements)
{
    public async ValueTask<string?> VerifyAsync(string? grant, Guid tenantId, string toolKey, string toolCallId, string argumentsHash,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(grant))
        {
            return "This action requires a person's approval; no approval grant was given.";
        }
        var statement = await statements.ReadAsync(grant, ApprovalGrant.DeriveKey, ApprovalGrant.Issuer, ApprovalGrant.Audience,
            ApprovalGrant.MaxLifetime, cancellationToken);
        return statement.Problem switch
        {
            StatementProblem.Malformed => "The approval grant is malformed.",
            StatementProblem.BadSignature => "The approval grant's signature is not valid.",
            StatementProblem.WrongParties => "The approval grant was not issued by the agents service for the tool gateway.",
            StatementProblem.BadLifetime or StatementProblem.Expired => "The approval grant has expired or has an invalid lifetime.",
            _ when statement.Text("tid") != tenantId.ToString() || statement.Text("tcid") != toolCallId || statement.Text("tool") != toolKey =>
                "The approval grant was issued for another call.",
            _ when statement.Text("args") != argumentsHash => "The approval grant was issued for other arguments.",
            _ => null,
        };
    }
}
