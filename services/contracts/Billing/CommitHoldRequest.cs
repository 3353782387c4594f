namespace AgentCloud.Contracts.Billing;

/// <summary><c>POST /tokens/holds/{id}/commit</c>: the final amount (e.g. measured LLM usage), at most the held amount; default all of it.</summary>
public sealed record CommitHoldRequest(long? Amount = null);
