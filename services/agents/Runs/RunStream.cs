using System.Text.Json;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Runs;

/// <summary>
/// <c>GET /runs/{id}/stream</c>: Server-Sent Events. <c>step</c> events (id = the step's seq) replay every persisted
/// step after <c>Last-Event-ID</c>, then follow new ones; <c>token</c> events (id <c>{seq}.t{n}</c>) carry the model's
/// streamed text while it is produced (only from the replica executing the run); <c>status</c> events tell the run's
/// status; the stream ends after the run's final status. A reconnect with the last id received misses no step.
/// </summary>
public static class RunStream
{
    public static async Task StreamAsync(Guid id, Caller caller, AgentsDbContext db, RunSignals signals, IOptions<RuntimeOptions> options,
        HttpContext http, CancellationToken cancellationToken)
    {
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (run is null || !RunsApi.CanSee(caller, run))
        {
            await TypedResults.NotFound().ExecuteAsync(http);
            return;
        }
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
        var lastSeq = int.TryParse(lastEventId.Split('.')[0], out var seq) ? seq : 0;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var events = signals.Subscribe(id, out var unsubscribe);
        try
        {
            string? lastStatus = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                var steps = await db.RunSteps.AsNoTracking().Where(s => s.RunId == id && s.Seq > lastSeq).OrderBy(s => s.Seq).ToListAsync(cancellationToken);
                foreach (var step in steps)
                {
                    await WriteAsync(http, step.Seq.ToString(), "step", StepView.From(step), cancellationToken);
                    lastSeq = step.Seq;
                }
                var status = await db.Runs.AsNoTracking().Where(r => r.Id == id).Select(r => new { r.Status, r.ErrorCode, r.StatusMessage })
                    .FirstAsync(cancellationToken);
                if (status.Status != lastStatus)
                {
                    await WriteAsync(http, $"{lastSeq}.s", "status", status, cancellationToken);
                    lastStatus = status.Status;
                }
                if (RunStatuses.IsFinal(status.Status))
                {
                    return;
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(options.Value.PollInterval);
                try
                {
                    while (await events.WaitToReadAsync(wait.Token) && events.TryRead(out var item))
                    {
                        if (item is null)
                        {
                            break; // something was persisted: read it
                        }
                        await WriteAsync(http, item.Id, item.Type, item.Data, cancellationToken);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // poll interval: read again
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the client went away
        }
        finally
        {
            unsubscribe();
        }
    }

    static async Task WriteAsync(HttpContext http, string id, string type, object data, CancellationToken cancellationToken)
    {
        await http.Response.WriteAsync($"id: {id}\nevent: {type}\ndata: {JsonSerializer.Serialize(data, JsonSerializerOptions.Web)}\n\n", cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
