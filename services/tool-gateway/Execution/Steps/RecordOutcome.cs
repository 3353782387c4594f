using System.Diagnostics;
using System.Text.Json;
using AgentCloud.Contracts.Tools;
using AgentCloud.EventBus.Outbox;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AgentCloud.ToolGateway.Execution.Steps;

/// <summary>
/// The audit: the call's row with its outcome and the <see cref="ToolInvoked"/> event, in one save (the outbox joins
/// it). A claimed call's <c>started</c> row is updated only while it is still <c>started</c> (the status is the row's
/// concurrency token), so a recovery that settled it first wins; a call that was never claimed (refused before anything
/// happened, or a read-only tool's) is inserted, unless an attempt with its tool call id was saved first. Null: another
/// attempt's outcome stands (replay it).
/// </summary>
public sealed class RecordOutcome(ToolsDbContext db, IIntegrationEventOutbox outbox, TimeProvider time)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<ToolInvocationResult?> RunAsync(ToolCall call, StepOutcome outcome)
    {
        var elapsed = Stopwatch.GetElapsedTime(call.StartedTicks);
        Activity.Current?.SetTag("agentcloud.tool.overhead_ms", (elapsed - Stopwatch.GetElapsedTime(0, call.ConnectorTicks)).TotalMilliseconds);
        var row = call.StartedRow();
        row.HoldId = call.HoldId;
        return SaveAsync(row, call.Claimed, outcome, outcome.Succeeded ? InvocationStatus.Succeeded : InvocationStatus.Failed,
            call.TokensCharged, (long)elapsed.TotalMilliseconds);
    }

    /// <param name="row">The row as claimed (status <c>started</c>).</param>
    public async Task<ToolInvocationResult?> SaveAsync(ToolInvocation row, bool claimed, StepOutcome outcome, string status, long tokensCharged,
        long latencyMs)
    {
        using var step = ToolGatewayTelemetry.Step("audit", row.ToolKey);
        var output = outcome.Output is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(outcome.Output, Json);
        var result = new ToolInvocationResult(row.Id, row.ToolKey, row.ToolCallId, status, output, outcome.Error, tokensCharged, false);
        if (claimed)
        {
            db.ToolInvocations.Attach(row); // as claimed: 'started' is what the update expects to find
        }
        row.Status = status;
        row.ErrorCode = outcome.Error?.Code;
        row.TokensCharged = tokensCharged;
        row.LatencyMs = latencyMs;
        row.CompletedAt = time.GetUtcNow();
        row.Result = JsonSerializer.Serialize(result, Json);
        if (claimed)
        {
            db.Entry(row).State = EntityState.Modified;
        }
        else
        {
            db.ToolInvocations.Add(row);
        }
        outbox.Add(db, new ToolInvoked(row.Id, row.ToolKey, row.ToolCallId, row.UserId, row.AgentId, row.RunId, row.LocationId, status,
            outcome.Error?.Code, row.ArgumentsHash, tokensCharged, latencyMs, row.TraceId)
        {
            TenantId = row.TenantId.ToString(),
            Subject = row.ToolCallId,
        });
        // A new row and its event are two inserts EF sends as one batch, which PostgreSQL runs as one implicit
        // transaction (Npgsql: an error in a batch rolls back the commands before it), so no BEGIN/COMMIT round trip is
        // needed: a unique conflict leaves neither. An update of a claimed row needs the transaction: updating no row
        // is no error, and the event must not stay without it.
        db.Database.AutoTransactionBehavior = claimed ? AutoTransactionBehavior.WhenNeeded : AutoTransactionBehavior.Never;
        try
        {
            // The outcome is recorded even when the caller has gone: CancellationToken.None.
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            step?.SetTag("agentcloud.tool.recorded_by_another_attempt", true);
            return null;
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.WhenNeeded;
        }
        ToolGatewayTelemetry.Invocations.Add(1, new KeyValuePair<string, object?>("tool", row.ToolKey), new("status", status));
        ToolGatewayTelemetry.Duration.Record(latencyMs, new KeyValuePair<string, object?>("tool", row.ToolKey));
        return result;
    }
}
