using AgentCloud.Agents.Runs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentCloud.Agents.Conversations;

/// <summary>How the chat endpoints answer a run that did not complete, and the parsing they share.</summary>
public static class TurnResponses
{
    public const int MaxMessageLength = 10_000;

    /// <summary>A failed, cancelled or expired run as ProblemDetails with its run id and code.</summary>
    public static ProblemHttpResult Failure(Guid runId, Guid sessionId, TurnResult result) =>
        TypedResults.Problem(result.ErrorMessage ?? "The run did not complete.", statusCode: StatusCodeOf(result.ErrorCode),
            title: $"The run ended {result.Status}", extensions: new Dictionary<string, object?>
            {
                ["runId"] = runId, ["sessionId"] = sessionId, ["status"] = result.Status, ["code"] = result.ErrorCode ?? result.Status,
            });

    /// <summary>The HTTP status a run's error code answers with.</summary>
    public static int StatusCodeOf(string? errorCode) => errorCode switch
    {
        "insufficient_tokens" => StatusCodes.Status402PaymentRequired,
        "interrupted" or "cancelled" => StatusCodes.Status409Conflict,
        "model_error" => StatusCodes.Status502BadGateway,
        "billing_unavailable" or "tools_unavailable" => StatusCodes.Status503ServiceUnavailable,
        "context_budget_exceeded" or "too_many_steps" or "approval_expired" => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>RFC 7240: <c>Prefer: respond-async</c> answers 202 at once; <c>Prefer: wait=N</c> waits at most N seconds.</summary>
    public static TimeSpan WaitFor(HttpRequest request, TimeSpan defaultWait)
    {
        foreach (var preference in request.Headers["Prefer"].SelectMany(v => (v ?? "").Split(',')).Select(p => p.Trim()))
        {
            if (preference.Equals("respond-async", StringComparison.OrdinalIgnoreCase))
            {
                return TimeSpan.Zero;
            }
            if (preference.StartsWith("wait=", StringComparison.OrdinalIgnoreCase) && int.TryParse(preference[5..], out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(Math.Min(seconds, defaultWait.TotalSeconds));
            }
        }
        return defaultWait;
    }

    public static bool TryParseId(string? text, out Guid? id)
    {
        id = null;
        if (text is null)
        {
            return true;
        }
        if (Guid.TryParse(text, out var parsed))
        {
            id = parsed;
            return true;
        }
        return false;
    }
}

/// <summary>202 body: the run goes on (or waits for a person); follow it at <c>/runs/{runId}</c>.</summary>
public sealed record RunAccepted(Guid RunId, Guid SessionId, string Status);
