namespace AgentCloud.Agents.Loop;

/// <summary>The run cannot go on and ends <c>failed</c> with this code and message (e.g. insufficient_tokens).</summary>
public sealed class RunStoppedException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}

/// <summary>The worker's fencing token moved on (cancelled, interrupted, taken over): it must stop without writing.</summary>
public sealed class LeaseLostException(Exception inner) : Exception("The run lost its conversation lease.", inner);
